"""The catalog, the course page, enrolling and withdrawing."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for

from lms import db
from lms.catalog import module_kind, outline_cache
from lms.catalog import services as catalog
from lms.catalog.areas import AREAS, area_choices, area_title, course_areas
from lms.catalog.models import Course, CourseKind, ModuleKind
from lms.catalog.services import Outline
from lms.catalog.texts import list_stale, load_texts
from lms.certificates import withheld as certificate_withheld
from lms.db import utcnow
from lms.enrollment import completion as enrollment_completion
from lms.enrollment import next_steps
from lms.enrollment import services as enrollment_services
from lms.enrollment.models import Enrollment, EnrollmentStatus
from lms.errors import DomainError
from lms.hours.field_progress import list_field_progress
from lms.i18n import _, current_locale, ngettext, supported_locales
from lms.live import listing as live_listing
from lms.live import registration as live_registration
from lms.live.my_sessions import MyCourseSessions, list_my_course_sessions
from lms.orgs import services as org_services
from lms.security import access, current_user, manager_org_slugs
from lms.web.learn import bp
from lms.web.learn.helpers import (
    Filters,
    certificate_link,
    completed_on,
    course_certificates,
    fell_back,
    is_active,
    left_action,
    load_course,
    only_revoked,
    step_url,
    viewer,
)
from lms.web.learn.listing import catalog_entries
from lms.web.live.schedule_support import tell_promoted, when


@bp.get("/", endpoint="catalog")
@access.public
def catalog_page():
    filters = Filters.parse(request.args, supported_locales(), [k.value for k in CourseKind], list(AREAS))
    courses = catalog.list_catalog(kind=filters.kind, area=filters.area, lang=filters.lang)
    return render_template(
        "lms/learn/catalog.html", entries=catalog_entries(courses, current_locale(), current_user),
        filters=filters, kinds=CourseKind.choices(), areas=area_choices(), area_title=area_title,
    )


@bp.get("/<course_slug>")
@access.public
def course(course_slug: str):
    course, enrollment = load_course(course_slug)
    outline, texts = outline_cache.course_outline(course, current_locale())  # plain data, cached per content revision
    fallback = fell_back(texts, [course, *outline.modules, *outline.all_lessons(), *outline.quizzes.values()])
    return render_template(
        "lms/learn/course.html", course=course, outline=outline, t=texts, fallback=fallback, enrollment=enrollment,
        areas=course_areas(course, outline.modules), area_title=area_title,
        ModuleKind=ModuleKind, Status=EnrollmentStatus, steps_count=enrollment_completion.steps_count,
        # the organisations by name, loaded only for someone who manages one (the slugs came with the session)
        managed=org_services.managed_orgs(current_user) if current_user and manager_org_slugs(current_user) else [],
        no_session={m.id for m in module_kind.list_live_without_sessions(course, modules=outline.modules)},
        stale_summaries=list_stale(texts, outline.modules, "summary"), when=when, left_action=left_action,
        stale_summary=bool(list_stale(texts, [course], "summary")),  # the course's, told as the modules' are
        **_standing(course, enrollment, outline),
    )


def _standing(course: Course, enrollment: Enrollment | None, outline: Outline) -> dict[str, Any]:
    """The "Your progress" box: progress and where its button leads (the next step, or the start of the course to
    review it once complete), with the completion date and certificate of a completed course and the required modules
    added since it was completed (optional for this trainee); the approved and pending field experience of each
    field module; what is left once the required lessons and quizzes are done; and the trainee's own live sessions
    in the course."""
    if not is_active(enrollment):
        return {"progress": None, "resume_url": None, "completed_on": None, "certificate_url": None,
                "certificate_revoked": False, "certificate_withheld": False, "field_hours": {}, "added_after": set(), "left": [],
                "my_sessions": MyCourseSessions()}
    progress = enrollment_completion.load_progress(enrollment, outline)
    done = enrollment.status is EnrollmentStatus.COMPLETED
    step = next_steps.review_step(progress) if done else next_steps.resume_step(enrollment, progress)
    certificate = course_certificates(viewer(), [course.id]).get(course.id) if done else None
    certificate_url = certificate_link(certificate)
    return {"progress": progress, "resume_url": step_url(course, step) if step else None,
            "completed_on": completed_on(enrollment, viewer(), certificate),
            "certificate_url": certificate_url,
            "certificate_revoked": done and certificate_url is None and only_revoked(viewer(), course.id),
            "certificate_withheld": done and certificate is None and certificate_withheld.is_withheld(enrollment),
            "field_hours": list_field_progress(enrollment.user_id, outline.modules),
            "added_after": enrollment_completion.added_after_completion(enrollment, progress),
            "left": [] if done or step else next_steps.still_to_do(progress),
            "my_sessions": list_my_course_sessions(viewer(), course.id, utcnow())}


@bp.post("/<course_slug>/enroll")
@access.signed_in
def enroll(course_slug: str):
    course, before = load_course(course_slug)
    was = before.status if before is not None else None  # the enrolment object changes below
    try:
        enrollment_services.enroll(viewer(), course)
    except DomainError as exc:
        flash(exc.message, "error")
    else:
        db.session.commit()
        if was is None:
            flash(_("You are enrolled. Start with the first lesson when you are ready."), "success")
        elif was is EnrollmentStatus.WITHDRAWN:
            flash(_("You are enrolled again, and your progress is kept: continue where you left off."), "success")
        else:
            flash(_("You are already enrolled in this course."), "info")
    return redirect(url_for(".course", course_slug=course.slug))


@bp.route("/<course_slug>/withdraw", methods=["GET", "POST"])
@access.signed_in
def withdraw(course_slug: str):
    course, enrollment = load_course(course_slug)
    if enrollment is None or enrollment.status is not EnrollmentStatus.ACTIVE:
        flash(_("You are not taking this course."), "error")
        return redirect(url_for(".course", course_slug=course.slug))
    if request.method == "POST":
        return _leave(course, enrollment)
    title = load_texts(course, current_locale(), owners=[("course", course.id)], fields=["title"]).get(course, "title")
    held = live_registration.list_held_in_course(viewer(), course.id, utcnow())
    return render_template("lms/learn/withdraw.html", course=course, title=title.value, title_lang=title.locale, when=when,
                           held=live_listing.describe(held, current_locale(), viewer(), utcnow()))


def _leave(course, enrollment):
    """Withdraw, and give up the person's seats and waitlist places in the course's upcoming live sessions so they
    stop blocking the waitlist; the people moved up are emailed after the commit."""
    try:
        cancelled = live_registration.cancel_in_course(viewer(), course.id, viewer(), utcnow())
        enrollment_services.withdraw(enrollment, viewer())
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for(".withdraw", course_slug=course.slug))
    db.session.commit()
    flash(_("You have left the course. Your progress is kept if you enrol again."), "success")
    if cancelled:
        flash(ngettext("Your registration for %(num)d upcoming live session is cancelled.",
                       "Your registrations for %(num)d upcoming live sessions are cancelled.", len(cancelled)), "success")
    for session, promoted in cancelled:
        tell_promoted(session, promoted)
    return redirect(url_for(".course", course_slug=course.slug))
