"""Writing modules: add one to a course and save its settings and source-language texts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lms import db
from lms.catalog import edits, module_kind
from lms.catalog.areas import checked_specialties
from lms.catalog.models import Course, Module, ModuleKind
from lms.catalog.module_titles import check_title_free
from lms.catalog.ordering import next_position
from lms.catalog.slugs import check_slug, check_slug_free
from lms.catalog.texts import has_visible_text, write_source_texts
from lms.errors import DomainError
from lms.i18n import _


@dataclass(frozen=True)
class ModuleData:
    slug: str
    title: str
    summary: str = ""
    kind: ModuleKind = ModuleKind.SELF_PACED
    credited_minutes: int = 60
    is_required: bool = True
    competency_areas: tuple[str, ...] = ()
    specialties: tuple[str, ...] = ()


def add_module(course: Course, data: ModuleData, actor: Any, *, keep_completable: bool = False) -> Module:
    """Add a module at the end of ``course``. With ``keep_completable`` (an author's form), a new self-paced or live
    module of a published course cannot be required yet (:func:`lms.catalog.module_kind.check_completable`)."""
    slug = check_slug(data.slug)
    check_slug_free(Module, Module.course_id == course.id, slug,
                    removed=_("A removed module of this course has that short name. Restore it from “Removed” on "
                              "the course page, or choose another short name."),
                    taken=_("This course already has a module with that short name."))
    module = Module(course_id=course.id, slug=slug, position=next_position(Module, course_id=course.id))
    db.session.add(module)
    _save_module(course, module, data, actor, keep_completable=keep_completable)
    edits.record_created(course, module, actor)
    return module


def update_module(course: Course, module: Module, data: ModuleData, actor: Any, *,
                  keep_completable: bool = False) -> bool:
    """Save a module's settings and source-language texts (:func:`_save_module` says what it refuses); the audit row
    holds each changed field, old and new (:mod:`lms.catalog.edits`). False, with nothing recorded, when nothing
    changed."""
    before = edits.snapshot(course, module)
    _save_module(course, module, data, actor, keep_completable=keep_completable)
    return edits.record_changes(course, module, before, actor)


def _save_module(course: Course, module: Module, data: ModuleData, actor: Any, *, keep_completable: bool) -> None:
    """Write a module's settings and source-language texts. Its kind cannot change while
    it has live sessions that are not cancelled (:func:`lms.catalog.module_kind.check_sessions`). With
    ``keep_completable`` (an author's edit), also refused in a published course when it would leave a required module
    trainees could not complete: a self-paced one with no lesson and no quiz, a live one with no upcoming session
    (:func:`lms.catalog.module_kind.check_completable`); a course import checks its files instead, and adds a
    module's lessons after saving the module."""
    if not has_visible_text(data.title):
        raise DomainError(_("A module needs a title."), field="title")
    check_title_free(course, module, data.title)
    if data.credited_minutes < 0:
        raise DomainError(_("Credited minutes cannot be negative."), field="credited_minutes")
    if module.id is not None and data.kind is not module.kind:
        module_kind.check_sessions(module)
        module_kind.check_progress(module)
    if module.id is not None and data.kind is module.kind:
        module_kind.check_credit(module, data.credited_minutes)
    if keep_completable:
        module_kind.check_completable(course, module, data.kind, data.is_required)
    module.kind = data.kind
    module.credited_minutes = data.credited_minutes
    module.is_required = data.is_required
    module.competency_areas = list(data.competency_areas)
    module.specialties = checked_specialties(data.specialties)
    db.session.flush()
    write_source_texts(course, module, actor, title=data.title, summary=data.summary)

