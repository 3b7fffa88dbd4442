"""Certificates for people: my certificates, the PDF, staff certificates for managers, revocation and manual issuance.

A certificate someone may not see answers 404, exactly like one that does not exist: the page reveals nothing.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask import Response, abort, flash, redirect, render_template, request, url_for

from lms import db
from lms.accounts.services import get_confirmed_user, get_confirmed_user_by_email
from lms.catalog import services as catalog
from lms.catalog.models import Course, CourseStatus
from lms.catalog.texts import load_course_titles
from lms.certificates import dates, issuance, queries, render, revocation, training, withheld
from lms.certificates.codes import display
from lms.certificates.dates import expires_on, revoked_on
from lms.certificates.models import Certificate, CertificateStatus
from lms.db import utcnow
from lms.errors import DomainError
from lms.i18n import _, current_locale, in_language, supported_locales
from lms.orgs import queries as org_queries
from lms.orgs import services as org_services
from lms.security import access, current_user
from lms.web.certs import bp
from lms.web.certs.forms import IssueForm, IssueHoursForm, RevokeForm, format_hours
from lms.web.certs.helpers import download_headers, verify_url
from lms.web.file_names import certificate_file_name


def _item(cert: Certificate, now: datetime) -> dict[str, Any]:
    """What a list row shows, all from the certificate's frozen snapshot."""
    snap = cert.snapshot
    titles = snap["course_titles"]
    locale = current_locale()
    title_lang = locale if titles.get(locale) else snap["source_locale"]
    return {
        "cert": cert,
        "code": display(cert.code),
        "title": titles.get(title_lang) or snap["course_slug"],
        "title_lang": title_lang,
        "holder_name": snap["holder_name"],
        "marker": queries.marker(cert, now),
        "minutes": snap["minutes"],
        "basis": training.hours_basis(cert),
        "issued_on": date.fromisoformat(snap["issued_on"]),
        "expires_on": expires_on(cert),
        "revoked_on": revoked_on(cert),
    }


def _load(code: str) -> tuple[Certificate, set[int]]:
    """The certificate and the IDs of the organisations the viewer manages (not looked up for its holder or an admin);
    404 for an unknown code."""
    cert = queries.get_by_code(code)
    if cert is None:
        abort(404)
    if current_user.is_admin or cert.user_id == current_user.id:
        return cert, set()
    return cert, org_services.managed_org_ids(current_user)


@bp.get("/certificates/")
@access.signed_in
def mine():
    now = utcnow()
    items = [_item(cert, now) for cert in queries.list_for_user(current_user)]
    return render_template("lms/certs/mine.html", items=items, withheld=_withheld(withheld.list_for_user(current_user)))


def _withheld(rows: list[withheld.Withheld]) -> list[dict[str, Any]]:
    """Completed courses without a certificate for want of credited time: who, which course (titled in the viewer's
    language), the day it was completed on the trainee's calendar, and where a trainer issues it by hand."""
    return [
        {**vars(line), "issue_url": url_for("lms.certificates.issue_hours", course_slug=line.course.slug, user_id=line.user.id)}
        for line in withheld.shown(rows, current_locale())
    ]


@bp.get("/certificates/<code>/certificate.pdf")
@access.signed_in
def pdf(code: str):
    cert, managed = _load(code)
    if not queries.can_download(cert, current_user, managed):
        abort(404)
    if cert.status is CertificateStatus.REVOKED:
        message = _("This certificate was revoked, so no PDF is made for it. Its verification page shows why.")
        return render_template("lms/error.html", status=410, title=_("Certificate revoked"), message=message), 410
    lang = request.args.get("lang")
    lang = lang if lang in supported_locales() else current_locale()
    bilingual = request.args.get("bilingual") in {"1", "true", "yes"}
    data = render.render_pdf(cert, lang, verify_url(cert.code), bilingual=bilingual)
    with in_language(current_locale() if bilingual else lang):  # the file's name in the certificate's language
        filename = certificate_file_name(cert.number, "en-es" if bilingual else lang)
    return Response(data, mimetype="application/pdf", headers=download_headers(filename))


@bp.get("/orgs/<org_slug>/certificates")
@access.org_manager
def staff(org_slug: str):
    org = org_services.get_org(org_slug)
    show = request.args.get("show", "all")
    show = show if show in queries.STAFF_FILTERS else "all"
    now = utcnow()
    listing = queries.list_for_org(org.id, now, show, request.args.get("page", 1, type=int) or 1)
    items = [_item(cert, now) for cert in listing.certificates]
    held = withheld.shown(withheld.list_for_org(org.id), current_locale()) if show == "all" else []
    return render_template(
        "lms/certs/staff.html",
        org=org,
        listing=listing,
        items=items,
        show=show,
        filters=queries.STAFF_FILTERS,
        soon_days=queries.EXPIRING_SOON_DAYS,
        withheld=held,
        member_ids=org_queries.member_ids_by_user(org) if held else {},
    )


@bp.route("/certificates/<code>/revoke", methods=["GET", "POST"])
@access.signed_in
def revoke(code: str):
    cert, managed = _load(code)
    if not revocation.can_revoke(cert, current_user, managed):
        abort(404)
    form = RevokeForm()
    if cert.status is CertificateStatus.VALID and form.validate_on_submit():
        try:
            revocation.revoke(cert.code, form.reason.data, current_user._get_current_object(), managed)
        except DomainError as exc:
            form.reason.errors = [*form.reason.errors, exc.message]
        else:
            db.session.commit()
            flash(_("The certificate is revoked. Anyone who verifies it now sees that, with your reason."), "success")
            return redirect(url_for("lms.certificates.verify_page", code=display(cert.code)))
    status = 400 if request.method == "POST" else 200
    return render_template("lms/certs/revoke.html", item=_item(cert, utcnow()), form=form), status


def _course_choices() -> list[tuple[str, str]]:
    """The published courses, by title in the viewer's language."""
    courses = catalog.list_catalog()
    titles = load_course_titles(courses, current_locale())
    return [("", _("Choose a course"))] + [(c.slug, f"{titles[c.id](c) or c.slug} ({c.slug}, {c.version})") for c in courses]


def _issue_page(form: IssueForm | None = None, issued: dict[str, Any] | None = None, status: int = 200) -> Any:
    """Step 1 of issuing by hand (trainee and course), after the certificate just issued, if any."""
    if form is None:
        form = IssueForm(formdata=None)
        form.course.choices = _course_choices()
    waiting = _withheld(withheld.list_to_issue())
    return render_template("lms/certs/issue.html", form=form, issued=issued, waiting=waiting), status


@bp.route("/certificates/issue", methods=["GET", "POST"])
@access.trainer
def issue():
    """Issue by hand, step 1: the trainee's email and the course; step 2 (:func:`issue_hours`) states the hours."""
    form = IssueForm()
    form.course.choices = _course_choices()
    if form.validate_on_submit():
        user = get_confirmed_user_by_email(form.email.data)  # never an account made with someone else's address
        try:
            if user is not None:
                issuance.check_not_own(user, current_user._get_current_object())
                return redirect(url_for("lms.certificates.issue_hours", course_slug=form.course.data, user_id=user.id))
            form.email.errors = [*form.email.errors, _("No account has this email address, or its owner has not "
                                                       "confirmed it yet.")]
        except DomainError as exc:
            form.email.errors = [*form.email.errors, exc.message]
    return _issue_page(form, status=400 if request.method == "POST" else 200)


@bp.route("/certificates/issue/<course_slug>/<int:user_id>", methods=["GET", "POST"])
@access.trainer
def issue_hours(course_slug: str, user_id: int):
    """Issue by hand, step 2: the training time the certificate states (pre-filled with what the trainee completed in
    the LMS, to confirm or correct) and the reason. A certificate the trainee already has is shown instead."""
    # Never an account made with someone else's address, which step 1 does not find by it either
    course, user = catalog.find_course(course_slug), get_confirmed_user(user_id)
    if course is None or course.status is not CourseStatus.PUBLISHED:
        abort(404)
    title = load_course_titles([course], current_locale())[course.id](course) or course.slug
    existing = issuance.get_certificate(user, course)
    form = IssueHoursForm()
    if existing is None and form.validate_on_submit() and _completed_day_ok(form, user):
        try:
            cert = issuance.issue_manually(
                user, course, current_user._get_current_object(), form.reason.data, form.stated(), form.completed_on.data
            )
        except DomainError as exc:
            db.session.rollback()
            form.form_errors.append(exc.message)
        else:
            db.session.commit()
            return _issue_page(issued=_issued(cert, user, title, existing=False))
    return _hours_page(form, user, course, title, existing)


def _completed_day_ok(form: IssueHoursForm, user: Any) -> bool:
    problem = dates.completed_day_problem(form.completed_on.data, user) if form.completed_on.data else None
    if problem:
        form.completed_on.errors = [*form.completed_on.errors, problem]
    return problem is None


def _hours_page(form: IssueHoursForm, user: Any, course: Course, title: str, existing: Certificate | None) -> Any:
    enrollment = training.enrollment_of(user, course)
    credited = training.count(enrollment).time
    held = withheld.is_withheld(enrollment) if existing is None else False
    if request.method == "GET":
        form.fill_from(credited)
    page = render_template(
        "lms/certs/issue_hours.html",
        form=form,
        trainee=user,
        course=course,
        title=title,
        credited=credited.as_dict(),
        withheld_on=dates.completion_day(user, enrollment.completed_at) if held else None,
        issued=_issued(existing, user, title, existing=True) if existing else None,
        revoked=_revoked(issuance.get_revoked(user, course)) if existing is None else None,
        example=format_hours(Decimal("1.5")),
    )
    return page, 400 if request.method == "POST" and existing is None else 200


def _revoked(cert: Certificate | None) -> dict[str, Any] | None:
    """The trainee's revoked certificate for this course version, which a new one replaces."""
    if cert is None:
        return None
    return {"number": cert.number, "revoked_on": revoked_on(cert), "reason": cert.revocation_reason}


def _issued(cert: Certificate, user: Any, title: str, existing: bool) -> dict[str, Any]:
    return {"code": display(cert.code), "number": cert.number, "name": user.name, "course": title, "existing": existing}
