"""Writing lessons: add one to a module and save its estimated minutes and source-language texts."""

from __future__ import annotations

from typing import Any

from lms import db
from lms.catalog import edits
from lms.catalog.models import Course, Lesson, Module
from lms.catalog.ordering import next_position
from lms.catalog.slugs import check_lesson_slug, check_slug_free
from lms.catalog.texts import has_visible_text, write_source_texts
from lms.errors import DomainError
from lms.i18n import _


def add_lesson(course: Course, module: Module, slug: str, title: str, body: str, minutes: int, actor: Any) -> Lesson:
    slug = check_lesson_slug(slug)
    check_slug_free(Lesson, Lesson.module_id == module.id, slug,
                    removed=_("A removed lesson of this module has that short name. Restore it from “Removed” on "
                              "the course page, or choose another short name."),
                    taken=_("This module already has a lesson with that short name."))
    lesson = Lesson(module_id=module.id, course_id=course.id, slug=slug,
                    position=next_position(Lesson, module_id=module.id))
    db.session.add(lesson)
    _save_lesson(course, lesson, title, body, minutes, actor)
    edits.record_created(course, lesson, actor)
    return lesson


def update_lesson(course: Course, lesson: Lesson, title: str, body: str, minutes: int, actor: Any) -> bool:
    """Save a lesson's estimated minutes and source-language texts; the audit row holds each changed field, old and
    new (a long body by its length, hash and line diff, and its video links: :mod:`lms.catalog.edits`). False, with
    nothing recorded, when nothing changed."""
    before, texts_before = edits.snapshot(course, lesson), edits.markdown_texts(course, lesson)
    _save_lesson(course, lesson, title, body, minutes, actor)
    return edits.record_changes(course, lesson, before, actor, texts_before)


def _save_lesson(course: Course, lesson: Lesson, title: str, body: str, minutes: int, actor: Any) -> None:
    # ``field``: the box at fault, where the authoring form shows the message
    if not has_visible_text(title):
        raise DomainError(_("A lesson needs a title."), field="title")
    if not has_visible_text(body):
        raise DomainError(_("A lesson needs some text."), field="body")
    if not 1 <= minutes <= 600:
        raise DomainError(_("Estimated minutes must be between 1 and 600."), field="estimated_minutes")
    lesson.estimated_minutes = minutes
    db.session.flush()
    write_source_texts(course, lesson, actor, title=title, body=body)
