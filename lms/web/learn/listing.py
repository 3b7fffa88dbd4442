"""Lists of courses loaded in bulk (a fixed number of queries for any number of courses): the catalog and the
dashboard's "My courses"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from lms.catalog import outline_cache
from lms.catalog import services as catalog
from lms.catalog.areas import course_areas
from lms.catalog.models import Course
from lms.catalog.texts import LocalText, Texts, list_stale, load_course_titles
from lms.enrollment import services as enrollment_services
from lms.enrollment.models import Enrollment, EnrollmentStatus
from lms.enrollment.services import EnrollmentSummary
from lms.web.learn.helpers import certificate_link, completed_on, course_certificates


@dataclass
class CatalogEntry:
    course: Course
    title: LocalText
    summary: LocalText
    languages: list[str]
    minutes: int
    progress: EnrollmentSummary | None
    #: The areas the course covers (:func:`lms.catalog.areas.course_areas`), as codes.
    areas: tuple[str, ...] = ()
    #: Whether the summary shown is a translation made before the source summary last changed (told, as on the
    #: course page: :func:`lms.catalog.texts.list_stale`, on the card's texts, so no query).
    stale_summary: bool = False

    @property
    def is_fallback(self) -> bool:
        return self.title.is_fallback or self.summary.is_fallback


def catalog_entries(courses: list[Course], locale: str, user: Any) -> list[CatalogEntry]:
    """Each course with its texts in ``locale`` (or its source language), languages, credited time, and the
    viewer's progress: three queries whatever the number of courses (three more when the content changed since the
    courses' cards were cached: :func:`lms.catalog.outline_cache.course_cards`)."""
    cards = outline_cache.course_cards(courses, locale)  # the same for everyone: cached for the content revision
    titles = {c.id: Texts(locale=locale, source_locale=c.source_locale, rows=cards[c.id].texts) for c in courses}
    modules = {c.id: list(cards[c.id].modules) for c in courses}
    progress: dict[int, EnrollmentSummary] = {}
    if user:
        enrollments = [e for e in enrollment_services.list_enrollments(user) if e.course_id in modules]
        summaries = enrollment_services.summarize_enrollments(enrollments, modules)
        progress = {s.enrollment.course_id: s for s in summaries.values()}
    return [
        CatalogEntry(
            course=course,
            title=titles[course.id].get(course, "title"),
            summary=titles[course.id].get(course, "summary"),
            languages=list(cards[course.id].languages),
            minutes=sum(m.credited_minutes for m in modules[course.id] if m.is_required),
            progress=progress.get(course.id),
            areas=tuple(course_areas(course, modules[course.id])),
            stale_summary=bool(list_stale(titles[course.id], [course], "summary")),
        )
        for course in courses
    ]


@dataclass
class MyCourse:
    enrollment: Enrollment
    course: Course
    title: LocalText
    progress: EnrollmentSummary
    #: For a completed course: the day (the one its certificate states, if any) and the certificate's PDF if there is one.
    completed_on: date | None = None
    certificate_url: str | None = None


def my_courses(user: Any, locale: str) -> list[MyCourse]:
    """The user's enrolments with course titles, progress and certificates, in five queries (four when none is
    completed)."""
    rows = enrollment_services.list_enrollments_with_courses(user)
    courses = [course for _, course in rows]
    titles = load_course_titles(courses, locale)
    modules = catalog.list_modules_of(courses, trainee=True)
    summaries = enrollment_services.summarize_enrollments([e for e, _ in rows], modules)
    certificates = course_certificates(user, [c.id for e, c in rows if e.status is EnrollmentStatus.COMPLETED])
    return [MyCourse(e, c, titles[c.id].get(c, "title"), summaries[e.id], completed_on(e, user, certificates.get(c.id)),
                     certificate_link(certificates.get(c.id)))
            for e, c in rows]
