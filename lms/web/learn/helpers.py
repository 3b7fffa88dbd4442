"""Loading and small rules shared by the learner views: which course a viewer may see, places in a course, links."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from flask import current_app, url_for

from lms.catalog import services as catalog
from lms.catalog.models import Course, Lesson, Module, ModuleKind
from lms.catalog.services import Outline
from lms.catalog.texts import Texts
from lms.certificates import dates as certificate_dates
from lms.certificates import queries as certificate_queries
from lms.certificates.codes import display
from lms.certificates.models import Certificate, CertificateStatus
from lms.enrollment import services as enrollment_services
from lms.enrollment.models import Enrollment, EnrollmentStatus
from lms.enrollment.services import Step
from lms.errors import NotFoundError
from lms.i18n import _, current_locale
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
    if current_user:
        course, enrollment = enrollment_services.find_course_and_enrollment(slug, current_user)
    else:
        course, enrollment = catalog.find_course(slug), None
    if course is None or not enrollment_services.can_view_course(current_user, course, enrollment):
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


def left_action(left: Iterable[Module], my_sessions: Any) -> str | None:
    """The main button once only modules completed another way are left (:func:`lms.enrollment.next_steps.still_to_do`):
    ``"live"`` (find a live session) while a live module is left without a seat in one of its sessions (a waitlist
    place is no seat), else ``"field"`` (log field experience) while a field module is left, else None.
    ``my_sessions``: :func:`lms.live.my_sessions.list_my_course_sessions`."""
    kinds = set()
    for module in left:
        held = my_sessions.held_for(module.id) if module.kind is ModuleKind.LIVE else None
        if module.kind is ModuleKind.FIELD or (module.kind is ModuleKind.LIVE and not (held and held.has_seat)):
            kinds.add(module.kind)
    return "live" if ModuleKind.LIVE in kinds else "field" if ModuleKind.FIELD in kinds else None


def completed_on(enrollment: Enrollment | None, user: Any, certificate: Certificate | None = None) -> date | None:
    """The day ``user`` completed a completed enrolment (None while not completed): the day ``certificate`` (their
    certificate of the course, :func:`course_certificates`) states, else the day on their calendar
    (:func:`lms.certificates.dates.completion_day`), so the page and the certificate never disagree."""
    if enrollment is None or enrollment.status is not EnrollmentStatus.COMPLETED or enrollment.completed_at is None:
        return None
    return certificate_dates.completion_day(user, enrollment.completed_at, certificate)


def course_certificates(user: Any, course_ids: Iterable[int]) -> dict[int, Certificate]:
    """Course id → the user's newest certificate of that course that is not revoked (a revoked one no longer speaks
    for the training), for these courses only; one query, and none for no courses."""
    wanted, found = set(course_ids), {}
    if not wanted:
        return found
    for cert in certificate_queries.list_for_user(user):  # newest first
        if cert.course_id in wanted and cert.course_id not in found and cert.status is not CertificateStatus.REVOKED:
            found[cert.course_id] = cert
    return found


def certificate_link(cert: Certificate | None) -> str | None:
    """The PDF of a certificate (from :func:`course_certificates`), in the viewer's language."""
    return url_for("lms.certificates.pdf", code=display(cert.code), lang=current_locale()) if cert else None


def certificate_links(user: Any, course_ids: Iterable[int]) -> dict[int, str]:
    """Course id → the PDF (in the viewer's language) of the user's newest certificate of that course that is not
    revoked, for these courses only; one query, and none for no courses."""
    return {course_id: certificate_link(cert) for course_id, cert in course_certificates(user, course_ids).items()}


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
