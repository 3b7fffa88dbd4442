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
from lms.catalog.models import Course, Module, Option, Question, Quiz, Text
from lms.catalog.texts import Texts, translation_state
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
    rows = db.session.execute(select(Text).where(Text.course_id == course.id, or_(
        and_(Text.owner_type == "question", Text.owner_id == question.id),
        and_(Text.owner_type == "option", Text.owner_id.in_(options))))).scalars().all()
    by_key = {(row.owner_type, row.owner_id, row.field, row.locale): row for row in rows}
    fields = {key[:3] for key in by_key if key[3] == course.source_locale}
    locales = sorted({row.locale for row in rows if row.locale != course.source_locale and row.value.strip()})
    found = []
    for locale in locales:
        texts = Texts(locale=locale, source_locale=course.source_locale, rows=by_key)
        if any(translation_state(texts, *key) != "complete" for key in fields):
            found.append(locale)
    return found
