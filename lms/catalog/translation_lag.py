"""Which translations an author's save left behind: for the message after saving a lesson or a question ("The
Spanish translation of this lesson is now out of date."), so the author knows trainees of that language read an
older text (a lesson, with a note) or the source text (a quiz: :mod:`lms.catalog.quiz_texts`) until it is updated."""

from __future__ import annotations

from sqlalchemy import ColumnElement, select

from lms import db
from lms.catalog.models import Course, Lesson, Text
from lms.catalog.services import list_course_locales
from lms.catalog.texts import Texts, translation_state


def out_of_date_locales(course: Course, owners: ColumnElement[bool]) -> list[str]:
    """The languages into which the texts of the owners ``owners`` selects (a condition on :class:`Text`) were
    translated and whose translation no longer covers them: a text changed in the source language since (stale), or
    a text not translated yet beside translated ones. In one query."""
    rows = db.session.execute(select(Text).where(Text.course_id == course.id, owners)).scalars().all()
    by_key = {(row.owner_type, row.owner_id, row.field, row.locale): row for row in rows}
    fields = {key[:3] for key in by_key if key[3] == course.source_locale}
    locales = sorted({row.locale for row in rows if row.locale != course.source_locale and row.value.strip()})
    found = []
    for locale in locales:
        texts = Texts(locale=locale, source_locale=course.source_locale, rows=by_key)
        if any(translation_state(texts, *key) != "complete" for key in fields):
            found.append(locale)
    return found


def lesson_out_of_date_locales(course: Course, lesson: Lesson) -> list[str]:
    """:func:`out_of_date_locales` of one lesson (its title and text)."""
    return out_of_date_locales(course, (Text.owner_type == "lesson") & (Text.owner_id == lesson.id))



def course_locales(course: Course) -> list[str]:
    """The languages ``course`` is translated into (it has a title in them, as the catalog counts a course's
    languages): where a lesson, module or question just added, translated nowhere yet, shows in the source language,
    so the author is told. In one query."""
    return [locale for locale in list_course_locales([course])[course.id] if locale != course.source_locale]
