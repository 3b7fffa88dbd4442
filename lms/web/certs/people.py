"""Certificates for people: my certificates, the PDF, staff certificates for managers, revocation and manual issuance.

A certificate someone may not see answers 404, exactly like one that does not exist: the page reveals nothing.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import Response, abort, flash, redirect, render_template, request, url_for

from lms import db
from lms.accounts.services import get_user_by_email
from lms.catalog import services as catalog
from lms.catalog.texts import load_course_titles
from lms.certificates import issuance, queries, render, revocation
from lms.certificates.codes import display
from lms.certificates.models import Certificate, CertificateStatus
from lms.db import utcnow
from lms.errors import DomainError
from lms.i18n import _, current_locale, supported_locales
from lms.orgs import services as org_services
from lms.security import access, current_user
from lms.web.certs import bp
from lms.web.certs.forms import IssueForm, RevokeForm
from lms.web.certs.helpers import download_headers, verify_url


def _item(cert: Certificate, now: datetime) -> dict[str, Any]:
    """What a list row shows, all from the certificate's frozen snapshot."""
    snap = cert.snapshot
    titles = snap["course_titles"]
    locale = current_locale()
    title_lang = locale if titles.get(locale) else snap["source_locale"]
    return {"cert": cert, "code": display(cert.code), "title": titles.get(title_lang) or snap["course_slug"],
            "title_lang": title_lang, "holder_name": snap["holder_name"], "marker": queries.marker(cert, now),
            "minutes": snap["minutes"], "issued_on": date.fromisoformat(snap["issued_on"]),
            "expires_on": cert.expires_at.date() if cert.expires_at else None,
            "revoked_on": cert.revoked_at.date() if cert.revoked_at else None}


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
    return render_template("lms/certs/mine.html", items=items)


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
    filename = f"certificate-{cert.number}-{'en-es' if bilingual else lang}.pdf"
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
    return render_template("lms/certs/staff.html", org=org, listing=listing, items=items, show=show,
                           filters=queries.STAFF_FILTERS, soon_days=queries.EXPIRING_SOON_DAYS)


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


def _issue_form(courses: dict[str, Any], titles: dict[int, Any], **kwargs: Any) -> IssueForm:
    form = IssueForm(**kwargs)
    form.course.choices = [("", _("Choose a course"))] + [
        (slug, f"{titles[c.id](c) or slug} ({slug}, {c.version})") for slug, c in courses.items()
    ]
    return form


@bp.route("/certificates/issue", methods=["GET", "POST"])
@access.trainer
def issue():
    courses = {course.slug: course for course in catalog.list_catalog()}
    titles = load_course_titles(list(courses.values()), current_locale())
    form = _issue_form(courses, titles)
    if form.validate_on_submit():
        user, course = get_user_by_email(form.email.data), courses[form.course.data]
        had = issuance.get_certificate(user, course) if user else None
        try:
            if user is None:
                raise DomainError(_("No account has this email address."))
            cert = issuance.issue_manually(user, course, current_user._get_current_object(), form.reason.data)
        except DomainError as exc:
            db.session.rollback()
            form.email.errors = [*form.email.errors, exc.message]
        else:
            db.session.commit()
            issued = {"code": display(cert.code), "number": cert.number, "name": user.name,
                      "course": titles[course.id](course) or course.slug, "existing": had is not None}
            return render_template("lms/certs/issue.html", form=_issue_form(courses, titles, formdata=None), issued=issued)
    status = 400 if request.method == "POST" else 200
    return render_template("lms/certs/issue.html", form=form, issued=None), status
