"""Hours views for the trainee: my hours, submitting external training, logging field experience, an entry's page
and evidence downloads (also used by managers and admins, who may see the evidence of their organisation's entries)."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, send_file, url_for

from lms import db
from lms.catalog.areas import area_title
from lms.errors import DomainError, upload_limit
from lms.hours import (
    compliance,
    entries,
    entry_orgs,
    external_training,
    field_experience,
    own_records,
    resubmissions,
    review_queue,
)
from lms.hours import evidence as evidence_files
from lms.hours.live_attendance import attendance_of
from lms.hours.models import EntrySource, EntryStatus
from lms.hours.repeats import PossibleRepeat
from lms.hours.titles import display_titles
from lms.i18n import _, current_locale, today_for
from lms.orgs.services import list_user_memberships
from lms.security import access, current_user
from lms.web.hours import bp, resubmit
from lms.web.hours.attachments import Attachment
from lms.web.hours.entry_history import event_change, own_event_reason, own_event_title
from lms.web.hours.ledger_forms import ExternalForm, FieldForm

PER_PAGE = 50
#: The "My hours" list's filter of the entries sent back and not yet submitted again.
SENT_BACK = "sent-back"


def viewer() -> Any:
    return current_user._get_current_object()


def small_int(value: str | None) -> int | None:
    """A positive id or number from a form or query string, or None (never an error, never beyond 32 bits)."""
    value = (value or "").strip()
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 10 and 0 < int(value) < 2**31 else None


def page_number() -> int:
    return min(small_int(request.args.get("page")) or 1, 10_000)


@bp.get("/")
@access.signed_in
def mine():
    """The person's entries; ``?show=sent-back``: only those sent back and not submitted again (the dashboard's
    notice links here). Each rejected entry says which entries submit it again (one query for the page)."""
    page, show = page_number(), SENT_BACK if request.args.get("show") == SENT_BACK else None
    where = resubmissions.sent_back_clause(viewer()) if show else None
    listed = entries.list_user_entries(viewer(), PER_PAGE, (page - 1) * PER_PAGE, where=where)
    rejected = [e.id for e in listed.entries if e.status is EntryStatus.REJECTED]
    memberships = list_user_memberships(viewer())
    return render_template("lms/hours/ledger/mine.html", page=listed, number=page, totals=entries.user_totals(viewer()),
                           own=own_records.own_record_minutes(viewer()),
                           titles=display_titles(listed.entries, current_locale()), Status=EntryStatus,
                           Source=EntrySource, ce=compliance.list_own_ce_status(memberships),
                           show=show, resubmitted=resubmissions.resubmitted_as(rejected),
                           can_resubmit=resubmissions.can_resubmit,
                           may_log_field=field_experience.may_log_field(viewer(), memberships))


@bp.route("/external", methods=["GET", "POST"])
@access.signed_in
@upload_limit(evidence_files.max_bytes)
def submit_external():
    """The form; a file chosen is kept when the form is shown again (:mod:`lms.web.hours.attachments`). Its button
    says where the entry goes: for review while someone employs the person, else to their own records, which nobody
    reviews ("Save" when an earlier employer may still review it, by its date)."""
    orgs = entry_orgs.list_user_orgs(viewer())
    form = ExternalForm(orgs=orgs, max_size=evidence_files.describe_limit())
    rejected = resubmit.rejected_entry(form, EntrySource.EXTERNAL)
    status = 400 if request.method == "POST" else 200
    valid, attachment = form.validate_on_submit(), Attachment(form, viewer().id)
    if request.method == "POST":
        attachment.read()
        status = 413 if attachment.too_large else status
    if valid and not form.evidence.errors:
        upload = resubmit.upload_for(form, rejected, attachment.upload)
        try:
            entry, created = external_training.submit_external(viewer(), external_training.ExternalTraining(
                title=form.title.data, provider=form.provider.data, activity_date=form.activity_date.data,
                minutes=form.total_minutes(), competency_areas=tuple(form.competency_areas.data or ()),
                org_id=form.org_id.data or None), form.idempotency_key.data, upload,
                guard_repeats=form.guard_repeats())
            resubmit.link(entry, created, rejected, evidence_reused=upload is not attachment.upload)
        except DomainError as exc:
            db.session.rollback()
            form.show_error(exc)
            status = exc.status if exc.status == 413 or isinstance(exc, PossibleRepeat) else 400
        else:
            return _saved(entry, created)
    attachment.keep()
    return render_template("lms/hours/ledger/external.html", form=form, rejected=rejected,
                           rejected_evidence=resubmit.evidence_of(rejected),
                           employers=entry_orgs.employers_on(viewer().id, today_for(viewer())),
                           ever_employed=bool(orgs)), status


def form_status(form: Any) -> int:
    """A form page's status: 200 when first shown, 409 when it asks whether to save an identical entry again, 400
    for any other refusal."""
    if request.method != "POST":
        return 200
    return 409 if form.repeat_of is not None else 400


def _saved(entry: Any, created: bool):
    db.session.commit()
    if created and entry.org_id is None:  # no employer on that date: nobody reviews or pays it
        flash(_("Saved in your own training records only: no organisation reviews or pays it."), "success")
    elif created:
        flash(_("Saved. A manager of your organisation will review it."), "success")
    else:
        flash(_("We had already received this; it is saved once."), "success")
    return redirect(url_for(".entry", entry_id=entry.id))


@bp.route("/field", methods=["GET", "POST"])
@access.signed_in
def log_field():
    orgs = entry_orgs.list_user_orgs(viewer())
    form = FieldForm(orgs=orgs,
                     modules=field_experience.list_field_modules(viewer(), current_locale()),
                     chosen=request.args.get("module", type=int))
    rejected = resubmit.rejected_entry(form, EntrySource.FIELD)
    if form.validate_on_submit():
        try:
            entry, created = field_experience.log_field(viewer(), field_experience.FieldExperience(
                activity_date=form.activity_date.data, minutes=form.total_minutes(),
                description=form.description.data, supervisor_name=form.supervisor_name.data,
                supervisor_title=form.supervisor_title.data,
                competency_areas=tuple(form.competency_areas.data or ()), module_id=form.module_id.data or None,
                org_id=form.org_id.data or None), form.idempotency_key.data, guard_repeats=form.guard_repeats())
            resubmit.link(entry, created, rejected)
        except DomainError as exc:
            db.session.rollback()
            form.show_error(exc)
        else:
            return _saved(entry, created)
    # With no employer today, why comes first (the same rule log_field refuses by): instead of the form for someone
    # never on any staff, above it for someone who left (she may log a date from when she worked there).
    employed = field_experience.has_employer_today(viewer())
    return render_template("lms/hours/ledger/field.html" if employed else "lms/hours/field_no_employer.html",
                           form=form, rejected=rejected,
                           ever_employed=field_experience.may_log_field(viewer(), orgs)), form_status(form)


@bp.get("/entries/<int:entry_id>")
@access.signed_in
def entry(entry_id: int):
    user = viewer()
    found = entries.get_user_entry(user, entry_id)
    detail = entries.entry_detail(found, lambda other: other.user_id == user.id)
    return render_template("lms/hours/ledger/entry.html", d=detail, titles=detail_titles(detail), Status=EntryStatus,
                           area_title=area_title, attendance=attendance_of([found]).get(found.id),
                           links=resubmissions.links_of(found), can_resubmit=resubmissions.can_resubmit(found),
                           Source=EntrySource, history=review_queue.list_own_history(found), event_title=own_event_title,
                           event_reason=own_event_reason, event_change=event_change)


def detail_titles(detail: entries.EntryDetail) -> dict[int, str]:
    """The titles an entry's page shows (the entry and the one it corrects), in the viewer's language."""
    return display_titles([detail.entry, detail.corrected], current_locale())


@bp.get("/entries/<int:entry_id>/evidence")
@access.signed_in
def evidence(entry_id: int):
    stored = evidence_files.get_for_download(viewer(), entry_id)
    response = send_file(evidence_files.path_of(stored), mimetype=stored.content_type, as_attachment=True,
                         download_name=stored.filename, max_age=0, etag=False)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
