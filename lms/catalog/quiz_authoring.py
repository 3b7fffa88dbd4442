"""Authoring a module's quiz: its settings, and its questions with their answers (checked so that a trainee can
always tell the answers apart and a right answer exists)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from lms import db
from lms.catalog import archive, edits
from lms.catalog.models import Course, Module, Option, Question, QuestionKind, Quiz
from lms.catalog.ordering import next_position
from lms.catalog.services import get_quiz
from lms.catalog.slugs import check_slug
from lms.catalog.texts import has_visible_text, set_text
from lms.errors import DomainError
from lms.i18n import _, in_language


def ensure_quiz(course: Course, module: Module, *, title: str, pass_mark: int, max_attempts: int | None,
                actor: Any) -> Quiz:
    """Create the module's quiz, or save its settings; a removed quiz is restored (with its questions). The audit row
    holds the first values of a new quiz, or each changed setting, old and new (:mod:`lms.catalog.edits`)."""
    if not 1 <= pass_mark <= 100:
        raise DomainError(_("The pass mark is a percentage between 1 and 100."))
    if max_attempts is not None and max_attempts < 1:
        raise DomainError(_("Allow at least one attempt, or leave the limit empty."))
    quiz = get_quiz(module, include_archived=True)
    before = edits.snapshot(course, quiz) if quiz is not None else {}
    if quiz is None:
        quiz = Quiz(module_id=module.id, course_id=course.id)
        db.session.add(quiz)
    elif quiz.is_archived:  # a module has one quiz: "creating" it again brings the removed one back, attempts and all
        archive.restore(course, quiz, actor)
    quiz.pass_mark = pass_mark
    quiz.max_attempts = max_attempts
    db.session.flush()
    set_text(course, quiz, "title", course.source_locale, title, actor)
    if before:
        edits.record_changes(course, quiz, before, actor)
    else:
        edits.record_created(course, quiz, actor)
    return quiz


@dataclass(frozen=True)
class OptionData:
    slug: str
    text: str
    is_correct: bool = False
    feedback: str = ""


def true_false_answers(locale: str) -> tuple[str, str]:
    """The answers of a true-or-false question in ``locale`` (the course's language: they are its source text), for
    an author who chose the kind and left the answers empty."""
    with in_language(locale):
        # i18n: the two answers filled in for a true-or-false quiz question, in the course's language
        return _("True"), _("False")


def check_question(kind: QuestionKind, options: list[OptionData]) -> None:
    """Single and true/false questions have exactly one right answer; multiple-choice at least one. No two answers
    say the same (ignoring case and spaces): a trainee could not tell them apart. An answer of invisible characters
    alone (zero-width spaces, soft hyphens...) is refused: it would show as an empty choice. Each refusal names
    ``field="options"`` (the answers), where the editor shows it."""
    if any(o.text.strip() and not has_visible_text(o.text) for o in options):
        # i18n: an answer of a quiz question that holds only zero-width spaces, soft hyphens and the like
        raise DomainError(_("An answer holds only invisible characters (such as zero-width spaces). Write the "
                            "answer, or empty its row."), field="options")
    options = [o for o in options if o.text.strip()]
    correct = sum(1 for o in options if o.is_correct)
    if len(options) < 2:
        raise DomainError(_("A question needs at least two answers."), field="options")
    seen = set()
    for option in options:
        same = " ".join(option.text.split()).casefold()
        if same in seen:
            raise DomainError(_("Two answers say the same thing: “%(answer)s”. Make each answer different.",
                                answer=option.text.strip()), field="options")
        seen.add(same)
    if kind is QuestionKind.TRUE_FALSE and len(options) != 2:
        raise DomainError(_("A true-or-false question has exactly two answers."), field="options")
    if kind in (QuestionKind.SINGLE, QuestionKind.TRUE_FALSE) and correct != 1:
        raise DomainError(_("Mark exactly one answer as correct."), field="options")
    if kind is QuestionKind.MULTIPLE and correct < 1:
        raise DomainError(_("Mark at least one answer as correct."), field="options")


def save_question(course: Course, quiz: Quiz, question: Question | None, *, slug: str, kind: QuestionKind,
                  prompt: str, options: list[OptionData], actor: Any) -> Question:
    """Create or update a question and its options (options matched by slug; removed ones archived). The audit row
    holds the first values of a new question, or each changed field, old and new: its wording, kind, answers, which
    answers are correct, and their feedback (:mod:`lms.catalog.edits`). A question or answer of invisible characters
    alone is refused; such feedback is stored empty (:func:`lms.catalog.texts.set_text`)."""
    if not has_visible_text(prompt):
        raise DomainError(_("Write the question."), field="prompt")
    check_question(kind, options)
    before = edits.snapshot(course, question) if question is not None else {}
    if question is None:
        slug = check_slug(slug)
        taken = db.session.execute(
            select(Question.is_archived).where(Question.quiz_id == quiz.id, Question.slug == slug)).scalar_one_or_none()
        if taken is not None:
            raise DomainError(_("A removed question of this quiz has that short name. Restore it from “Removed "
                                "questions” on the quiz page, or choose another short name.") if taken else
                              _("This quiz already has a question with that short name."))
        question = Question(quiz_id=quiz.id, course_id=course.id, slug=slug,
                            position=next_position(Question, quiz_id=quiz.id))
        db.session.add(question)
    question.kind = kind
    db.session.flush()
    set_text(course, question, "prompt", course.source_locale, prompt, actor)
    existing = {o.slug: o for o in db.session.execute(select(Option).where(Option.question_id == question.id)).scalars()}
    kept = set()
    for position, data in enumerate([o for o in options if o.text.strip()], start=1):
        option = existing.get(data.slug) or Option(question_id=question.id, course_id=course.id, slug=check_slug(data.slug))
        if option.id is None:
            db.session.add(option)
        option.position, option.is_correct, option.is_archived = position, data.is_correct, False
        db.session.flush()
        set_text(course, option, "text", course.source_locale, data.text, actor)
        set_text(course, option, "feedback", course.source_locale, data.feedback, actor)
        kept.add(option.slug)
    for slug_, option in existing.items():
        if slug_ not in kept:
            option.is_archived = True
    if before:
        edits.record_changes(course, question, before, actor)
    else:
        edits.record_created(course, question, actor)
    return question
