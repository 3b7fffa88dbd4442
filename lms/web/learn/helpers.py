"""Loading and small rules shared by the learner views: which course a viewer may see, places in a course, links."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from flask import current_app, url_for

from lms.catalog import services as catalog
from lms.catalog.models import Course, Lesson, Module
from lms.catalog.services import Outline
from lms.catalog.texts import Texts
from lms.certificates import queries as certificate_queries
from lms.certificates.codes import display
from lms.certificates.models import CertificateStatus
from lms.enrollment import services as enrollment_services
from lms.enrollment.models import Enrollment, EnrollmentStatus
from lms.enrollment.services import Step
from lms.errors import NotFoundError
from lms.i18n import _, current_locale, to_local
from lms.security import current_user

#: Texts a course outline shows: titles and summaries, never lesson bodies.
OUTLINE_FIELDS = ("title", "summary")


def idle_cap() -> timedelta:
    """Time on a lesson counts up to this much per visit, so a tab left open does not inflate it."""
    return timedelta(minutes=current_app.config["LMS_LESSON_IDLE_CAP_MINUTES"])


def is_active(enrollment: Enrollment | None) -> bool:
    return enrollment is not None and enrollment.status is not EnrollmentStatus.WITHDRAWN


def viewer() -> object:
    """The signed-in user as a plain object (services keep references to it)."""
    return current_user._get_current_object()


def load_course(slug: str) -> tuple[Course, Enrollment | None]:
    """The course and the viewer's enrolment; unpublished courses exist only for staff and their enrolled trainees."""
    course = catalog.get_course(slug)
    enrollment = enrollment_services.get_enrollment(current_user, course) if current_user else None
    if not enrollment_services.can_view_course(current_user, course, enrollment):
        raise NotFoundError(_("No such course."))
    return course, enrollment


def find_module(outline: Outline, slug: str) -> Module:
    module = next((m for m in outline.modules if m.slug == slug), None)
    if module is None:
        raise NotFoundError(_("No such module."))
    return module


def find_lesson(outline: Outline, module: Module, slug: str) -> Lesson:
    lesson = next((item for item in outline.lessons.get(module.id, []) if item.slug == slug), None)
    if lesson is None:
        raise NotFoundError(_("No such lesson."))
    return lesson


def step_url(course: Course, step: Step) -> str:
    if step.lesson is None:
        return url_for("lms.courses.quiz", course_slug=course.slug, module_slug=step.module.slug)
    return url_for("lms.courses.lesson", course_slug=course.slug, module_slug=step.module.slug,
                   lesson_slug=step.lesson.slug)


def completed_on(enrollment: Enrollment | None) -> date | None:
    """The day a completed enrolment was completed, in the viewer's time zone (None while not completed)."""
    if enrollment is None or enrollment.status is not EnrollmentStatus.COMPLETED or enrollment.completed_at is None:
        return None
    return to_local(enrollment.completed_at).date()


def certificate_links(user: Any, course_ids: Iterable[int]) -> dict[int, str]:
    """Course id → the PDF (in the viewer's language) of the user's newest certificate of that course that is not
    revoked, for these courses only; one query, and none for no courses."""
    wanted, links = set(course_ids), {}
    if not wanted:
        return links
    for cert in certificate_queries.list_for_user(user):  # newest first
        if cert.course_id in wanted and cert.course_id not in links and cert.status is not CertificateStatus.REVOKED:
            links[cert.course_id] = url_for("lms.certificates.pdf", code=display(cert.code), lang=current_locale())
    return links


def only_revoked(user: Any, course_id: int) -> bool:
    """Whether the user's certificates of this course are all revoked (and there is at least one)."""
    mine = [c for c in certificate_queries.list_for_user(user) if c.course_id == course_id]
    return bool(mine) and all(c.status is CertificateStatus.REVOKED for c in mine)


def fell_back(texts: Texts, objects: Iterable[Any], fields: Iterable[str] = OUTLINE_FIELDS) -> bool:
    """Whether any of these texts is shown in the course's source language instead of the reader's (decided before
    rendering, so the page can say so near its top)."""
    for obj in objects:
        for name in fields:
            texts.get(obj, name)
    return texts.used_fallback


@dataclass(frozen=True)
class Filters:
    """The catalog's filters; values the site does not know are ignored rather than refused."""

    lang: str = ""
    kind: str = ""
    area: str = ""

    @classmethod
    def parse(cls, args: dict, locales: list[str], kinds: list[str], areas: list[str]) -> Filters:
        def pick(name: str, allowed: list[str]) -> str:
            value = args.get(name, "")
            return value if value in allowed else ""

        return cls(pick("language", locales), pick("kind", kinds), pick("area", areas))

    @property
    def active(self) -> bool:
        return bool(self.lang or self.kind or self.area)
