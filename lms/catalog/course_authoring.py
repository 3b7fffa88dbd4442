"""Writing courses: create one, save its settings and source-language texts, its issuer, and its status."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lms import audit, db
from lms.catalog import edits, module_kind
from lms.catalog.areas import checked_specialties
from lms.catalog.models import COURSE_TRANSITIONS, Course, CourseKind, CourseStatus
from lms.catalog.services import count_modules, find_course
from lms.catalog.slugs import check_course_slug
from lms.catalog.texts import has_visible_text, set_text, write_source_texts
from lms.errors import DomainError
from lms.i18n import _


@dataclass(frozen=True)
class CourseData:
    slug: str
    title: str
    summary: str = ""
    version: str = "1"
    kind: CourseKind = CourseKind.CONTINUING
    source_locale: str = "en"
    competency_areas: tuple[str, ...] = ()
    specialties: tuple[str, ...] = ()
    certificate_validity_months: int | None = None


def create_course(data: CourseData, actor: Any) -> Course:
    slug = check_course_slug(data.slug)
    if find_course(slug) is not None:
        raise DomainError(_("That short name is already taken."))
    course = Course(slug=slug)
    db.session.add(course)
    _apply_course(course, data)
    db.session.flush()
    set_text(course, course, "title", course.source_locale, data.title, actor)
    set_text(course, course, "summary", course.source_locale, data.summary, actor)
    audit.record("course.created", course, actor, **edits.first_values(course, course))
    return course


def update_course(course: Course, data: CourseData, actor: Any) -> bool:
    """Save a course's settings and source-language texts (its short name never changes); the audit row holds each
    changed field, old and new (:mod:`lms.catalog.edits`). False, with nothing recorded, when nothing changed."""
    before = edits.snapshot(course, course)
    _apply_course(course, data)
    write_source_texts(course, course, actor, title=data.title, summary=data.summary)
    changed = edits.changes(before, edits.snapshot(course, course))
    if not changed:
        return False
    audit.record("course.updated", course, actor, **changed)
    return True


def _apply_course(course: Course, data: CourseData) -> None:
    if not has_visible_text(data.title):
        raise DomainError(_("A course needs a title."))
    course.version = data.version.strip() or "1"
    course.kind = data.kind
    course.source_locale = data.source_locale
    course.competency_areas = list(data.competency_areas)
    course.specialties = checked_specialties(data.specialties)
    course.certificate_validity_months = data.certificate_validity_months


def set_course_issuer(course: Course, org_id: int | None, actor: Any) -> bool:
    """The organisation named as issuer (with its signatory) on the course's future certificates; ``None`` for the
    site's own issuer settings. Certificates already issued keep their snapshot. False, with nothing recorded, when
    it already was the issuer."""
    if course.issuer_org_id == org_id:
        return False
    course.issuer_org_id = org_id
    audit.record("course.issuer_changed", course, actor, issuer_org_id=org_id)
    return True


def check_course_status(course: Course, status: CourseStatus) -> None:
    """Raise a :class:`DomainError` saying why ``course`` cannot move to ``status`` now (what a confirmation page
    shows before anyone confirms); nothing if it can. Publishing needs a module, and nothing trainees could never
    complete (:func:`lms.catalog.module_kind.check_publishable`)."""
    if status not in COURSE_TRANSITIONS[course.status]:
        raise DomainError(_("This course cannot change from %(old)s to %(new)s.", old=course.status.title,
                            new=status.title))
    if status is CourseStatus.PUBLISHED:
        if not count_modules([course])[course.id]:
            raise DomainError(_("Add at least one module before publishing."))
        module_kind.check_publishable(course)


def set_course_status(course: Course, status: CourseStatus, actor: Any) -> None:
    """The one guarded transition for a course's status (:func:`check_course_status` says what it refuses)."""
    if status is course.status:
        return
    check_course_status(course, status)
    old = course.status
    course.status = status
    audit.record("course.status_changed", course, actor, old=old, new=status)

