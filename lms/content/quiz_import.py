"""Writing a module's quiz: settings, questions and options matched by id (slug); removed ones (the quiz too) archived."""

from __future__ import annotations

from sqlalchemy import select

from lms import db
from lms.catalog.archive import archive_from_files, restore_from_files
from lms.catalog.models import Module, Option, Question, Quiz
from lms.catalog.quiz_authoring import OptionData, ensure_quiz, save_question
from lms.content.specs import ModuleSpec, QuestionSpec, QuizSpec
from lms.content.writing import Context


def sync_quiz(context: Context, module: Module, quiz: Quiz | None, module_spec: ModuleSpec) -> None:
    """Write the module's quiz (``quiz``: the stored one, archived or not). A quiz whose file left is archived, with
    its questions and trainees' attempts kept, like a lesson; it is restored when the file comes back."""
    spec, label = module_spec.quiz, f"{context.course.slug}/{module.slug}/quiz"
    if spec is None:
        if quiz is not None and not quiz.is_archived:
            archive_from_files(context.course, quiz, context.actor)
            context.note(quiz, "archived", label)
        return
    source = context.course.source_locale
    action = "kept"
    if quiz is None or (quiz.pass_mark, quiz.max_attempts, quiz.is_archived) != (spec.pass_mark, spec.max_attempts,
                                                                                  False):
        action = "created" if quiz is None else "updated"
    if quiz is not None and quiz.is_archived:
        restore_from_files(context.course, quiz, context.actor)  # back with its file (as a returning lesson is)
    quiz = ensure_quiz(context.course, module, title=spec.texts["title"][source], pass_mark=spec.pass_mark,
                       max_attempts=spec.max_attempts, actor=context.actor)  # records what changed
    context.note(quiz, action, label)
    context.write(quiz, spec.texts)
    _questions(context, quiz, spec, label)


def _questions(context: Context, quiz: Quiz, spec: QuizSpec, label: str) -> None:
    existing = {q.slug: q for q in db.session.execute(select(Question).where(Question.quiz_id == quiz.id)).scalars()}
    live = sorted((q for q in existing.values() if not q.is_archived), key=lambda q: (q.position, q.id))
    options = _options_of(list(existing.values()))
    for position, question_spec in enumerate(spec.questions, start=1):
        question = existing.get(question_spec.slug)
        action = "kept"
        known = {option.slug for option in options.get(question.id, [])} if question is not None else set()
        if question is None or _differs(question, options.get(question.id, []), question_spec, position):
            action = "created" if question is None else "updated"
        question = _save(context, quiz, question, question_spec)  # records what changed, texts included
        options[question.id] = _options_of([question]).get(question.id, [])
        if question.is_archived:
            restore_from_files(context.course, question, context.actor)
        question.position = position
        context.note(question, action, f"{label}/{question_spec.slug}")
        context.write(question, question_spec.texts)
        by_slug = {option.slug: option for option in options[question.id]}
        for option_spec in question_spec.options:
            option = by_slug[option_spec.slug]
            context.note(option, "kept" if option_spec.slug in known else "created",
                         f"{label}/{question_spec.slug}/{option_spec.slug}")
            context.write(option, option_spec.texts)
    listed = {question_spec.slug for question_spec in spec.questions}
    for slug, question in existing.items():
        if slug not in listed and not question.is_archived:
            archive_from_files(context.course, question, context.actor)
            context.note(question, "archived", f"{label}/{slug}")
    context.record_order(quiz, live)


def _options_of(questions: list[Question]) -> dict[int, list[Option]]:
    result: dict[int, list[Option]] = {question.id: [] for question in questions}
    if result:
        for option in db.session.execute(select(Option).where(Option.question_id.in_(list(result)))).scalars():
            result[option.question_id].append(option)
    return result


def _differs(question: Question, options: list[Option], spec: QuestionSpec, position: int) -> bool:
    """Whether the question's kind, place or answers (which are right, their order, which are live) changed."""
    if (question.kind, question.position, question.is_archived) != (spec.kind, position, False):
        return True
    wanted = {o.slug: (index, o.is_correct, False) for index, o in enumerate(spec.options, start=1)}
    stored = {o.slug: (o.position, o.is_correct, o.is_archived) for o in options}
    return any(stored.get(slug) != value for slug, value in wanted.items()) or any(
        not state[2] for slug, state in stored.items() if slug not in wanted)


def _save(context: Context, quiz: Quiz, question: Question | None, spec: QuestionSpec) -> Question:
    """Through the catalog's own rules (one right answer for single and true/false, and so on)."""
    source = context.course.source_locale
    options = [OptionData(slug=o.slug, text=o.texts["text"][source], is_correct=o.is_correct,
                          feedback=o.texts.get("feedback", {}).get(source, "")) for o in spec.options]
    return save_question(context.course, quiz, question, slug=spec.slug, kind=spec.kind,
                         prompt=spec.texts["prompt"][source], options=options, actor=context.actor)
