"""Catalog and enrolment API: the public course list and outlines, the trainee's enrolments, self-enrolment.

Texts come in the language asked for with ``?lang=`` (else the request's language), falling back to each course's
source language; ``is_fallback`` says when that happened. ``lang`` never filters: the course list's language filter
is ``?language=``, as on the web catalog (docs/api.md, "Messages and their language").
"""

from __future__ import annotations

from typing import Any

from flask import jsonify

from lms import db
from lms.api import bp
from lms.api.query_args import choice_arg, refuse_unknown
from lms.catalog import services as catalog
from lms.catalog.areas import AREAS, course_areas
from lms.catalog.models import Course, CourseKind
from lms.catalog.texts import Texts, load_course_titles, load_texts
from lms.enrollment import services as enrollment_services
from lms.enrollment.models import Enrollment, EnrollmentStatus
from lms.enrollment.services import EnrollmentSummary
from lms.errors import NotFoundError
from lms.i18n import _, current_locale, supported_locales
from lms.live.times import iso_utc
from lms.security import access, current_user, same_for_everyone


def _locale() -> str:
    return choice_arg("lang", supported_locales()) or current_locale()


def _texts(course: Course, texts: Texts, modules: list[Any]) -> dict[str, Any]:
    title, summary = texts.get(course, "title"), texts.get(course, "summary")
    return {
        "slug": course.slug,
        "title": title.value,
        "summary": summary.value,
        "locale": title.locale or course.source_locale,
        "is_fallback": title.is_fallback or summary.is_fallback,
        "kind": course.kind.value,
        "version": course.version,
        "source_locale": course.source_locale,
        "competency_areas": list(course.competency_areas),
        "covered_competency_areas": course_areas(course, modules),
    }


#: The filters of the course list. ``language`` filters (as on the web catalog); ``lang``, taken everywhere, only
#: chooses the language of the texts (until December 2026 it also filtered here).
COURSE_FILTERS = ("language", "kind", "area")


@bp.get("/courses")
@access.public
@same_for_everyone
def list_courses():
    """Published courses; ``language``, ``kind`` and ``area`` filter (as on the web catalog), ``lang`` only chooses
    the language of the texts."""
    refuse_unknown(*COURSE_FILTERS)
    language = choice_arg("language", supported_locales())
    kind = choice_arg("kind", [k.value for k in CourseKind])
    area = choice_arg("area", list(AREAS))
    shown = _locale()  # a lang this site does not have: 400, not a silent default
    courses = catalog.list_catalog(kind=kind, area=area, lang=language)
    titles = load_course_titles(courses, shown)
    languages = catalog.list_course_locales(courses)
    modules = catalog.list_modules_of(courses, trainee=True)
    return jsonify({"courses": [
        {**_texts(c, titles[c.id], modules[c.id]), "languages": languages[c.id],
         "credited_minutes": sum(m.credited_minutes for m in modules[c.id] if m.is_required)}
        for c in courses
    ]})


def _visible_course(slug: str) -> tuple[Course, Enrollment | None]:
    course = catalog.get_course(slug)
    enrollment = enrollment_services.get_enrollment(current_user, course) if current_user else None
    if not enrollment_services.can_view_course(current_user, course, enrollment):
        raise NotFoundError(_("No such course."))
    return course, enrollment


@bp.get("/courses/<course_slug>")
@access.public
def course_outline(course_slug: str):
    course, _enrollment = _visible_course(course_slug)
    outline = catalog.load_trainee_outline(course)
    texts = load_texts(course, _locale(), fields=("title", "summary"))
    modules = []
    for module in outline.modules:
        quiz = outline.quizzes.get(module.id)
        modules.append({
            "slug": module.slug, "title": texts(module), "summary": texts(module, "summary"),
            "kind": module.kind.value, "required": module.is_required, "credited_minutes": module.credited_minutes,
            "competency_areas": list(module.competency_areas),
            "lessons": [{"slug": lesson.slug, "title": texts(lesson), "estimated_minutes": lesson.estimated_minutes}
                        for lesson in outline.lessons.get(module.id, [])],
            "has_quiz": quiz is not None,
            "quiz": {"pass_mark": quiz.pass_mark, "max_attempts": quiz.max_attempts} if quiz else None,
        })
    body = {**_texts(course, texts, outline.modules), "languages": catalog.list_course_locales([course])[course.id],
            "credited_minutes": outline.credited_minutes, "modules": modules}
    body["is_fallback"] = texts.used_fallback
    return jsonify(body)


def _enrollment_json(summary: EnrollmentSummary, course: Course, texts: Texts) -> dict[str, Any]:
    enrollment = summary.enrollment
    return {
        "course": {"slug": course.slug, "title": texts(course), "version": enrollment.course_version},
        "status": enrollment.status.value,
        "enrolled_at": iso_utc(enrollment.enrolled_at),
        "completed_at": iso_utc(enrollment.completed_at),
        "percent": summary.percent,
        "modules_completed": summary.completed_modules,
        "required_modules": summary.required_modules,
        "required_modules_completed": summary.completed_required,
    }


@bp.get("/me/enrollments")
@access.signed_in
def my_enrollments():
    rows = enrollment_services.list_enrollments_with_courses(current_user)
    courses = [course for _enrollment, course in rows]
    titles = load_course_titles(courses, _locale())
    summaries = enrollment_services.summarize_enrollments([e for e, _course in rows],
                                                          catalog.list_modules_of(courses, trainee=True))
    return jsonify({"enrollments": [_enrollment_json(summaries[e.id], c, titles[c.id]) for e, c in rows]})


@bp.post("/courses/<course_slug>/enrollment")
@access.signed_in
def enroll_in_course(course_slug: str):
    course, before = _visible_course(course_slug)
    was_active = before is not None and before.status is not EnrollmentStatus.WITHDRAWN
    enrollment = enrollment_services.enroll(current_user._get_current_object(), course)
    db.session.commit()
    summary = enrollment_services.summarize_enrollments([enrollment], catalog.list_modules_of([course], trainee=True))
    titles = load_course_titles([course], _locale())
    return jsonify(_enrollment_json(summary[enrollment.id], course, titles[course.id])), 200 if was_active else 201
