"""A staff member's page for their organisation's managers: employment details (current staff), the end of employment
with a confirmation step, undoing it, and where the person stands: hours, continuing education, courses and
certificates, each linking to its own page. Registered on the organisations blueprint (``lms.orgs.*``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask import flash, redirect, render_template, request, url_for

from lms import db, edit_versions
from lms.catalog import services as catalog
from lms.catalog.models import Course
from lms.catalog.texts import LocalText, load_course_titles
from lms.certificates import queries as certificate_queries
from lms.certificates import withheld
from lms.certificates.codes import display
from lms.certificates.dates import expires_on
from lms.certificates.models import Certificate
from lms.db import utcnow
from lms.edit_versions import ChangedSinceError
from lms.enrollment import services as enrollment_services
from lms.enrollment.models import Enrollment
from lms.enrollment.services import EnrollmentSummary
from lms.errors import DomainError
from lms.hours import compliance, employment_dates, member_summary, missing_ids, start_moves
from lms.i18n import _, current_locale, format_when, ngettext
from lms.notify.services import MailError
from lms.orgs import employment, history, services
from lms.orgs.models import Membership, Organisation
from lms.security import access, current_user
from lms.web.edit_conflicts import EditCheck
from lms.web.employee_ids import warn_about_exported_ids
from lms.web.forms import EmptyForm
from lms.web.org_forms import EmploymentForm, EndMembershipForm
from lms.web.orgs import bp


@dataclass
class CourseRow:
    enrollment: Enrollment
    course: Course
    title: LocalText
    progress: EnrollmentSummary


@dataclass
class CertificateRow:
    cert: Certificate
    code: str
    title: str
    title_lang: str
    issued_on: date
    expires_on: date | None
    marker: str


def course_rows(user: Any, locale: str) -> list[CourseRow]:
    """The person's enrolments (in progress and completed) with course titles and progress: four queries whatever
    the number of courses."""
    rows = enrollment_services.list_enrollments_with_courses(user)
    courses = [course for _enrollment, course in rows]
    titles = load_course_titles(courses, locale)
    summaries = enrollment_services.summarize_enrollments([e for e, _c in rows],
                                                          catalog.list_modules_of(courses, trainee=True))
    return [CourseRow(e, c, titles[c.id].get(c, "title"), summaries[e.id]) for e, c in rows]


def certificate_rows(certs: list[Certificate], locale: str, now: datetime) -> list[CertificateRow]:
    """The rows of ``certs``, from their frozen snapshots: no query."""
    result = []
    for cert in certs:
        titles = cert.snapshot["course_titles"]
        lang = locale if titles.get(locale) else cert.snapshot["source_locale"]
        result.append(CertificateRow(cert, display(cert.code), titles.get(lang) or cert.snapshot["course_slug"], lang,
                                     date.fromisoformat(cert.snapshot["issued_on"]), expires_on(cert),
                                     certificate_queries.marker(cert, now)))
    return result


def _page(org: Organisation, membership: Membership, form: EmploymentForm | None, end_form: EndMembershipForm | None,
          status: int = 200, edit: EditCheck | None = None):
    """The staff member's page. Former staff: no details form and no end form, an undo button instead; no CE
    standing (``lms.hours.compliance.ce_status``) and no certificates (an organisation sees the certificates of its
    current staff only: ``lms.certificates.queries.list_for_staff_member``), nor their courses completed without a
    certificate (``lms.certificates.withheld``). Earlier periods of employment (they left and joined again:
    ``lms.orgs.history``) are listed, the latest first. The undo button only while it may be used
    (``lms.orgs.employment.can_undo_end``); after that the page says to invite them again."""
    current = membership.is_current
    certs = certificate_queries.list_for_staff_member(membership)
    if edit is None and current:
        edit = EditCheck.current(services.employment_version(membership))
    ce = compliance.ce_status(org, membership, org.today())
    return render_template(
        "lms/orgs/member.html", org=org, membership=membership, form=form if current else None, edit=edit,
        end_form=end_form if current else None, undo_form=None if current else EmptyForm(),
        can_undo=employment.can_undo_end(membership, current_user._get_current_object()), undo_days=employment.UNDO_DAYS,
        ce=ce, hours=member_summary.hours_summary(org, membership.user, org.today(), ce),
        past_periods=history.list_past_periods(membership),
        courses=course_rows(membership.user, current_locale()),
        certificates=None if certs is None else certificate_rows(certs, current_locale(), utcnow()),
        withheld=withheld.shown(withheld.list_for_staff_member(membership) or [], current_locale()),
    ), edit.status(status) if edit else status


@bp.route("/<org_slug>/members/<int:membership_id>", methods=["GET", "POST"])
@access.org_manager
def member(org_slug: str, membership_id: int):
    """The details form carries the version it was opened on: a save over details saved since (another tab, another
    manager) is refused with 409, naming them and showing their saved values (:mod:`lms.web.edit_conflicts`)."""
    org = services.get_org(org_slug)
    membership = services.get_membership_by_id(org, membership_id)
    form = EmploymentForm()
    if request.method == "GET":
        form.fill_from(membership)
    edit = EditCheck.carried(lambda: services.employment_version(membership))
    if form.validate_on_submit():
        try:
            if (confirm_page := _start_move_page(org, membership, form, edit)) is not None:
                return confirm_page
            had_id = membership.employee_id
            changed, sent = services.change_member(membership, form.employment(), current_user._get_current_object(),
                                                   edit.seen)
        except services.EmploymentEndedError as exc:  # a page opened before the end was recorded
            flash(exc.message, "error")
            return redirect(url_for(".member", org_slug=org.slug, membership_id=membership.id))
        except ChangedSinceError as exc:
            db.session.rollback()
            edit.refused(exc.fields, services.employment_version(membership), EmploymentForm.saved(membership))
        except DomainError as exc:
            db.session.rollback()
            _show_error(form, exc)
        else:
            db.session.commit()
            flash(_("Saved.") if changed else _("No changes to save."), "success" if changed else "info")
            if sent:
                flash(ngettext("%(num)d entry from %(name)s's own training records is now in your review queue: it is "
                               "dated within their employment here.",
                               "%(num)d entries from %(name)s's own training records are now in your review queue: "
                               "they are dated within their employment here.", sent, name=membership.user.name),
                      "success")
            warn_about_exported_ids([membership.employee_id])
            if had_id and not membership.employee_id:
                _warn_lines_without_id(membership)
            return redirect(url_for("lms.orgs.show", org_slug=org.slug))
    return _page(org, membership, form, EndMembershipForm(), 400 if request.method == "POST" else 200, edit)


def _start_move_page(org: Organisation, membership: Membership, form: EmploymentForm, edit: EditCheck):
    """A start date moved later (or set) that changes entries or the CE year (:func:`lms.hours.start_moves.start_move`)
    is saved only from its confirmation page (``confirm_start=yes``): until then, that page, and nothing saved. The
    details are checked first, so a refusal is never hidden behind the confirmation."""
    if request.form.get("confirm_start") == "yes" or not membership.is_current:  # former staff: the save refuses
        return None
    if edit.seen:  # saved since: refused now (409), not after a confirmation
        edit_versions.check_unchanged({key: getattr(membership, key) for key in services.EDITABLE_FIELDS}, edit.seen)
    services.check_details(membership, form.employment())
    move = start_moves.start_move(membership, form.employment_start.data)
    if move is None:
        return None
    return render_template("lms/orgs/start_confirm.html", org=org, membership=membership, form=form, edit=edit,
                           move=move)


def _warn_lines_without_id(membership: Membership) -> None:
    """After an employee ID was cleared: the lines no payroll file has yet that will be written without one."""
    count = missing_ids.count_unexported_without_id(membership)
    if count:
        flash(ngettext("%(name)s has no employee ID now, so %(num)d entry not exported yet (approved, or awaiting "
                       "approval) will be written to the payroll file without one: payroll cannot tell whose it "
                       "is. Enter their ID before the pay period is exported, unless they have none (a volunteer, "
                       "for example).",
                       "%(name)s has no employee ID now, so %(num)d entries not exported yet (approved, or awaiting "
                       "approval) will be written to the payroll file without one: payroll cannot tell whose "
                       "they are. Enter their ID before the pay period is exported, unless they have none (a volunteer, "
                       "for example).", count, name=membership.user.name), "info")


def _show_error(form: EmploymentForm, exc: DomainError) -> None:
    """A refusal on the field it is about (an employee ID someone has, a start date), else on the role (the last
    manager stepping down)."""
    name = exc.details.get("field")
    form._fields.get(name or "", form.role).errors.append(exc.message)


@bp.post("/<org_slug>/members/<int:membership_id>/end")
@access.org_manager
def end_member(org_slug: str, membership_id: int):
    """First the confirmation page (naming the person and the day, saying what ending means), then, sent from it
    with ``confirm=yes``, the end recorded. Either way the day is checked first."""
    org = services.get_org(org_slug)
    membership = services.get_membership_by_id(org, membership_id)
    form = EndMembershipForm()
    if form.validate_on_submit():
        try:
            if not form.is_confirmed:
                employment.check_end(membership, form.ended_on.data)
                # the only manager: said here, with no "Yes" (recording it refuses too, under the lock)
                last = membership.is_manager and not services.has_another_manager(membership)
                return render_template("lms/orgs/end_confirm.html", org=org, membership=membership, form=form,
                                       pending_after=employment_dates.pending_after(membership, form.ended_on.data),
                                       last_manager=last), 409 if last else 200
            employment.remove_member(membership, current_user._get_current_object(), form.ended_on.data)
        except DomainError as exc:
            db.session.rollback()
            if not membership.is_current:  # ended meanwhile, e.g. by another manager: the page says so
                flash(exc.message, "error")
                return redirect(url_for(".member", org_slug=org.slug, membership_id=membership.id))
            form.ended_on.errors.append(exc.message)
        else:
            db.session.commit()
            flash(_("%(name)s's employment ended on %(date)s: they are listed under former staff.",
                    name=membership.user.name, date=format_when(membership.employment_end)), "success")
            return redirect(url_for("lms.orgs.show", org_slug=org.slug))
    return _page(org, membership, EmploymentForm.saved(membership), form, 400)


@bp.post("/<org_slug>/members/<int:membership_id>/reinstate")
@access.org_manager
def reinstate_member(org_slug: str, membership_id: int):
    """"Undo: they still work here": the end of employment is cleared (an audit row keeps the date)."""
    org = services.get_org(org_slug)
    membership = services.get_membership_by_id(org, membership_id)
    if EmptyForm().validate_on_submit():
        try:
            ended_on = employment.reinstate_member(membership, current_user._get_current_object())
        except DomainError as exc:
            db.session.rollback()
            flash(exc.message, "error")
        else:
            db.session.commit()
            flash(_("%(name)s is current staff again: the end of employment on %(date)s is undone. They are a staff "
                    "member; make them a manager again here if they were one.",
                    name=membership.user.name, date=format_when(ended_on)), "success")
            _tell_reinstated(membership, ended_on)
    return redirect(url_for(".member", org_slug=org.slug, membership_id=membership.id))


def _tell_reinstated(membership: Membership, ended_on: date) -> None:
    """After the commit: the undo stands even if the email cannot be sent."""
    try:
        employment.tell_reinstated(membership, current_user._get_current_object(), ended_on)
    except MailError:
        flash(_("We could not email: %(emails)s. Please tell them another way.", emails=membership.user.email), "error")
