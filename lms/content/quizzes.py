"""Validating a module's quiz files: ``quiz.<locale>.yaml``. The source-language file defines the quiz; translations
repeat its question and option ids with translated texts."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from lms.catalog.models import QuestionKind
from lms.content.fields import Fields
from lms.content.limits import SLUG_MAX, text_max
from lms.content.loader import LineDict, Problems, load_yaml_file
from lms.content.specs import OptionSpec, QuestionSpec, QuizSpec

QUIZ_KEYS = ("title", "pass_mark", "max_attempts", "questions")
QUESTION_KEYS = ("id", "kind", "prompt", "options")
OPTION_KEYS = ("id", "text", "correct", "feedback")


def validate_quiz(files: dict[str, Path], source: str | None, problems: Problems,
                  tick: Callable[[], None]) -> QuizSpec | None:
    """The module's quiz, or None when it has none (or its files have problems, which are added to ``problems``)."""
    if not files:
        return None
    if source is not None and source not in files:
        for path in files.values():
            problems.add(path, 1, f"there is no quiz.{source}.yaml: a quiz is written in the source language first")
            tick()
        return None
    before = len(problems)
    quiz = None
    for locale in sorted(files, key=lambda loc: loc != source):
        data = _load(files[locale], problems)
        tick()
        if data is None:
            continue
        if locale == source:
            quiz = _source_quiz(Fields(data, files[locale], problems, files[locale].name), locale)
        elif quiz is not None:
            _translation(quiz, Fields(data, files[locale], problems, files[locale].name), locale)
    return quiz if len(problems) == before else None


def _load(path: Path, problems: Problems) -> LineDict | None:
    data = load_yaml_file(path, problems)
    if data is not None and not isinstance(data, LineDict):
        problems.add(path, 1, "a quiz file is a set of 'key: value' lines (title, pass_mark, questions...)")
        return None
    return data


def _items(fields: Fields, key: str, what: str) -> list[Fields]:
    """The mappings listed under ``key``, each wrapped for checking (other items are reported)."""
    items = fields.sequence(key) or []
    result = []
    for index, item in enumerate(items):
        if isinstance(item, LineDict):
            result.append(Fields(item, fields.path, fields.problems, what))
        else:
            fields.problems.add(fields.path, items.line_of(index), f"each item of {key!r} must be a {what} with 'id:'")
    return result


# ---------------------------------------------------------------- the source-language file

def _source_quiz(fields: Fields, locale: str) -> QuizSpec | None:
    # A quiz may have no title (the site names it after its module), but a title written must not be empty.
    fields.check_keys(QUIZ_KEYS, required=("pass_mark", "questions"))
    title = fields.text("title", required=True, max_length=text_max("quiz", "title"))
    quiz = QuizSpec(path=fields.path, pass_mark=fields.integer("pass_mark", low=1, high=100) or 0,
                    max_attempts=fields.integer("max_attempts", low=1, high=100),
                    texts={"title": {locale: title or ""}})
    questions = _items(fields, "questions", "question")
    if "questions" in fields.data and not questions:
        fields.error("questions", "a quiz needs at least one question")
    seen: dict[str, int] = {}
    for item in questions:
        question = _source_question(item, locale)
        if question is not None and _unique(item, question.slug, seen, "question"):
            quiz.questions.append(question)
    return quiz


def _unique(fields: Fields, slug: str, seen: dict[str, int], what: str) -> bool:
    if slug in seen:
        fields.error("id", f"{what} id {slug!r} is used twice (first on line {seen[slug]})")
        return False
    seen[slug] = fields.data.line_of("id")
    return True


def _source_question(fields: Fields, locale: str) -> QuestionSpec | None:
    slug = fields.slug("id", what="question id", max_length=SLUG_MAX["question"])
    fields.what = f"question {slug!r}" if slug else "a question"
    fields.check_keys(QUESTION_KEYS, required=QUESTION_KEYS)
    kind = fields.choice("kind", QuestionKind)
    prompt = fields.text("prompt", required=True, max_length=text_max("question", "prompt"))
    options, seen = [], {}
    for item in _items(fields, "options", "option"):
        option = _source_option(item, locale)
        if option is not None and _unique(item, option.slug, seen, "option"):
            options.append(option)
    if slug is None or kind is None:
        return None
    # a prompt refused (missing, too long) is reported; the question is kept so its translations and answers are
    # still checked against it (the import stops anyway)
    question = QuestionSpec(slug=slug, kind=kind, options=options, texts={"prompt": {locale: prompt} if prompt else {}})
    _check_answers(fields, question)
    return question


def _source_option(fields: Fields, locale: str) -> OptionSpec | None:
    slug = fields.slug("id", what="option id", max_length=SLUG_MAX["option"])
    fields.what = f"option {slug!r}" if slug else "an option"
    fields.check_keys(OPTION_KEYS, required=("id", "text"))
    text, correct = fields.text("text", required=True, max_length=text_max("option", "text")), fields.boolean("correct", False)
    if slug is None:
        return None
    return OptionSpec(slug=slug, is_correct=correct,  # a text refused is reported; the option is kept, as a question
                      texts={"text": {locale: text} if text else {},
                             "feedback": {locale: fields.text("feedback", max_length=text_max("option", "feedback")) or ""}})


def _check_answers(fields: Fields, question: QuestionSpec) -> None:
    """The catalog's rules (catalog.quiz_authoring.check_question), reported at the question's line."""
    count, correct = len(question.options), sum(option.is_correct for option in question.options)
    if count < 2:
        fields.error(None, f"question {question.slug!r} needs at least two options")
    if question.kind is QuestionKind.TRUE_FALSE and count != 2:
        fields.error(None, f"true_false question {question.slug!r} needs exactly two options, not {count}")
    if question.kind in (QuestionKind.SINGLE, QuestionKind.TRUE_FALSE) and correct != 1:
        fields.error(None, f"{question.kind.value} question {question.slug!r} needs exactly one option with "
                           f"'correct: true', not {correct}")
    if question.kind is QuestionKind.MULTIPLE and correct < 1:
        fields.error(None, f"multiple question {question.slug!r} needs at least one option with 'correct: true'")


# ---------------------------------------------------------------- translations

def _same_as_source(fields: Fields, key: str, given: Any, expected: Any, source_name: str) -> None:
    """Source-only keys may be repeated in a translation, but only with the source's value."""
    if key in fields.data and given != expected:
        fields.error(key, f"{key!r} is {given!r} here but {expected!r} in {source_name} "
                          "(it comes from the source language: remove it or make it match)")


def _translation(quiz: QuizSpec, fields: Fields, locale: str) -> None:
    fields.check_keys(QUIZ_KEYS)
    _set(quiz.texts, "title", locale, fields.text("title", max_length=text_max("quiz", "title")))
    source_name = quiz.path.name
    _same_as_source(fields, "pass_mark", fields.get("pass_mark"), quiz.pass_mark, source_name)
    _same_as_source(fields, "max_attempts", fields.get("max_attempts"), quiz.max_attempts, source_name)
    questions = {question.slug: question for question in quiz.questions}
    seen: dict[str, int] = {}
    for item in _items(fields, "questions", "question"):
        item.check_keys(QUESTION_KEYS, required=("id",))
        slug = item.slug("id", what="question id", max_length=SLUG_MAX["question"])
        if slug is None or not _unique(item, slug, seen, "question"):
            continue
        question = questions.get(slug)
        if question is None:
            item.error("id", f"there is no question {slug!r} in {source_name}")
            continue
        _same_as_source(item, "kind", item.get("kind"), question.kind.value, source_name)
        _set(question.texts, "prompt", locale, item.text("prompt", max_length=text_max("question", "prompt")))
        _translate_options(question, item, locale, source_name)


def _translate_options(question: QuestionSpec, fields: Fields, locale: str, source_name: str) -> None:
    options = {option.slug: option for option in question.options}
    seen: dict[str, int] = {}
    for item in _items(fields, "options", "option"):
        item.check_keys(OPTION_KEYS, required=("id",))
        slug = item.slug("id", what="option id", max_length=SLUG_MAX["option"])
        if slug is None or not _unique(item, slug, seen, "option"):
            continue
        option = options.get(slug)
        if option is None:
            item.error("id", f"question {question.slug!r} has no option {slug!r} in {source_name}")
            continue
        _same_as_source(item, "correct", item.get("correct"), option.is_correct, source_name)
        _set(option.texts, "text", locale, item.text("text", max_length=text_max("option", "text")))
        _set(option.texts, "feedback", locale, item.text("feedback", max_length=text_max("option", "feedback")))


def _set(texts: dict[str, dict[str, str]], name: str, locale: str, value: str | None) -> None:
    if value:
        texts.setdefault(name, {})[locale] = value
