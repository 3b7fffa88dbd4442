"""A quiz's texts and their translations: what a trainee is shown, and which translations an edit left behind.

A quiz must never say what its source no longer says: a trainee ticking an answer whose translation is out of date
would be marked against the new answer while reading the old one. So a quiz reads its questions, answers and
feedback with :data:`QUIZ_ITEMS` in ``source_when_stale`` (:class:`lms.catalog.texts.Texts`): an out-of-date
translation shows its source text instead, marked with the source language, and the page says why
(:func:`shown_in_source`). Marking goes by answer identity, so it is right whichever language the answer was shown
in; the attempt's snapshot keeps what was shown (:mod:`lms.enrollment.quiz_review`).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, or_, select

from lms import db
from lms.catalog import translation_lag
from lms.catalog.models import Course, Module, Option, Question, Quiz, Text
from lms.catalog.texts import Texts
from lms.i18n import _

#: The kinds of owner whose out-of-date translations a quiz does not show (its title is read as any title is).
QUIZ_ITEMS = frozenset({"question", "option"})


@dataclass(frozen=True)
class ShownInSource:
    """Which prompts and answers of a quiz page are shown in the course's source language, and why."""

    #: Their translation is out of date (being updated).
    stale: bool = False
    #: They have no translation yet.
    missing: bool = False


def quiz_title(texts: Texts, quiz: Quiz, module: Module) -> str:
    """What pages call ``quiz``: its title, or for a quiz without one (the title is optional) “Quiz for “<the
    module's title>”” in the reader's language, rather than a bare “Quiz” that lists show beside “quiz, pass mark”."""
    # i18n: what a quiz without a title is called; %(module)s is its module's title
    return texts(quiz) or _("Quiz for “%(module)s”", module=texts(module) or module.slug)


def shown_in_source(texts: Texts, questions: list[tuple[Question, list[Option]]]) -> ShownInSource:
    """For the notes of a quiz page read with ``texts``: no queries, the texts are loaded."""
    parts = [texts.get(question, "prompt") for question, _options in questions]
    parts += [texts.get(option, "text") for _question, options in questions for option in options]
    return ShownInSource(stale=any(p.is_stale for p in parts),
                         missing=any(p.is_fallback and not p.is_stale for p in parts))


def out_of_date_locales(course: Course, question: Question) -> list[str]:
    """The languages into which ``question`` (its prompt, or any of its answers or their feedback) was translated
    and whose translation no longer covers it: a text changed in the source language since (stale), or a new answer
    not translated yet. In one query; for the message after an author saves the question."""
    options = select(Option.id).where(Option.question_id == question.id, Option.is_archived.is_(False))
    return translation_lag.out_of_date_locales(course, or_(
        and_(Text.owner_type == "question", Text.owner_id == question.id),
        and_(Text.owner_type == "option", Text.owner_id.in_(options))))


def translated_locales(course: Course, quiz: Quiz, new: Question) -> list[str]:
    """The languages any other question of ``quiz`` (or its title) is translated into: where the ``new`` question,
    not translated yet, leaves the quiz's translation out of date. In one query."""
    others = select(Question.id).where(Question.quiz_id == quiz.id, Question.id != new.id)
    found = select(Text.locale).distinct().where(
        Text.course_id == course.id, Text.locale != course.source_locale, Text.value != "",
        or_(and_(Text.owner_type == "quiz", Text.owner_id == quiz.id),
            and_(Text.owner_type == "question", Text.owner_id.in_(others))))
    return sorted(db.session.execute(found).scalars())
