"""Enrolment of staff by their organisation's manager."""

from __future__ import annotations

from functools import partial

from flask import flash, redirect, render_template, request, url_for

from lms import db
from lms.catalog import services as catalog
from lms.catalog.models import CourseStatus
from lms.catalog.texts import load_texts
from lms.enrollment import services as enrollment_services
from lms.errors import DomainError, NotFoundError
from lms.i18n import _, current_locale, ngettext
from lms.orgs import services as org_services
from lms.security import access
from lms.web import bulk
from lms.web.learn import bp
from lms.web.learn.helpers import is_active, viewer


def _page(course, org, members, status: int = 200, error: str | None = None):
    enrolled = enrollment_services.list_course_enrollments(course, [m.user_id for m in members])
    title = load_texts(course, current_locale(), owners=[("course", course.id)], fields=["title"])(course)
    listed = bulk.listed_value(m.user_id for m in members if not is_active(enrolled.get(m.user_id)))
    return render_template("lms/learn/enroll_staff.html", course=course, title=title, org=org, members=members,
                           enrolled=enrolled, is_active=is_active, error=error, listed=listed,
                           tick_name=partial(bulk.tick_name, TICK)), status


#: The name of a person's checkbox is ``user-<user id>`` (:func:`lms.web.bulk.tick_name`).
TICK = "user"


def _chosen(members) -> set[int] | None:
    """The user ids ticked on the form; None if any is not a current staff member (a tampered form)."""
    chosen = set(bulk.read_ticks(request.form, TICK).ticked)
    return chosen if chosen <= {m.user_id for m in members} else None


@bp.route("/<course_slug>/orgs/<org_slug>/enroll", methods=["GET", "POST"])
@access.org_manager
@bulk.no_store
def enroll_staff(course_slug: str, org_slug: str):
    org = org_services.get_org(org_slug)
    course = catalog.get_course(course_slug)
    if course.status is not CourseStatus.PUBLISHED:
        raise NotFoundError(_("This course is not open for enrolment."))
    members = org_services.list_members(org)
    if request.method == "GET":
        return _page(course, org, members)
    if not bulk.read_ticks(request.form, TICK).is_consistent:  # ticks on people the page did not list: lms/web/bulk.py
        return _page(course, org, members, 409, _("This page had changed since it was shown, so nobody was enrolled. "
                                                  "Check the list, tick the people you mean, and send again."))
    chosen = _chosen(members)
    if chosen is None:
        return _page(course, org, members, 400, _("Choose people from the list of current staff."))
    if not chosen:
        return _page(course, org, members, 200, _("Choose at least one person to enrol."))
    already = {user_id for user_id, e in enrollment_services.list_course_enrollments(
        course, list(chosen)).items() if is_active(e)}
    try:
        for member in members:
            if member.user_id in chosen - already:
                enrollment_services.enroll(member.user, course, actor=viewer())
    except DomainError as exc:
        db.session.rollback()
        return _page(course, org, members, 400, exc.message)
    db.session.commit()
    flash(ngettext("%(num)d person enrolled.", "%(num)d people enrolled.", len(chosen - already)), "success")
    if already:
        flash(ngettext("%(num)d person was already enrolled.", "%(num)d people were already enrolled.",
                       len(already)), "success")
    return redirect(url_for(".enroll_staff", course_slug=course.slug, org_slug=org.slug))
