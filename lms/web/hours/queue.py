"""Hours views for an organisation's managers: the approval queue (filters, bulk approve/reject, entries whose
measured time is far below their credited time flagged, and live entries crediting the same time twice), an entry's
page with approve and reject, and adjustments for a staff member. Only the organisation's own entries are ever
shown."""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import get_locale, get_timezone
from werkzeug.datastructures import MultiDict

from lms import db
from lms.catalog.areas import area_title
from lms.errors import DomainError
from lms.hours import (
    adjustments,
    approvals,
    bulk_decisions,
    corrections,
    employment_dates,
    entries,
    own_hours,
    resubmissions,
    review_queue,
    status_changes,
    withdrawals,
)
from lms.hours.live_attendance import attendance_of
from lms.hours.measured import LOW_MEASURED_PERCENT, is_low_measured
from lms.hours.models import EntrySource, EntryStatus
from lms.hours.overlaps import EntryOverlap, overlaps_of
from lms.hours.titles import display_titles
from lms.i18n import _, current_locale, ngettext, to_local
from lms.live.times import when_text
from lms.orgs import services as orgs
from lms.orgs.models import Organisation
from lms.security import access
from lms.web import bulk
from lms.web.forms import EmptyForm
from lms.web.hours import bp
from lms.web.hours.entry_history import EVENT_TITLES, REASON_TITLES, event_reason, event_title  # noqa: F401 (imported from here)
from lms.web.hours.ledger import PER_PAGE, detail_titles, form_status, page_number, small_int, viewer
from lms.web.hours.ledger_forms import AdjustForm, RejectForm
from lms.web.hours.queue_bulk import BulkForm, flash_result, show_refusal
from lms.web.hours.queue_filters import filter_args, read_filters
from lms.web.hours.sent_back import tell_sent_back
from lms.web.hours.status_changes import event_change

#: The name of an entry's checkbox on the queue is ``entry-<id>`` (:func:`lms.web.bulk.tick_name`).
TICK = "entry"
def _render_queue(org: Organisation, args: MultiDict, selected: set[int] = frozenset(), error: str | None = None,
                  status: int = 200, form: BulkForm | None = None):
    page = page_number()
    read = read_filters(args)
    queue = review_queue.list_queue(org, read.filters, PER_PAGE, (page - 1) * PER_PAGE)
    overlaps = overlaps_of(entry for entry, _person in queue.rows)
    own = own_hours.own_hours(org, (entry for entry, _person in queue.rows if entry.status is EntryStatus.PENDING),
                              viewer())  # the viewer's own pending entries: no checkbox, a note says who decides them
    pending = [entry.id for entry, _person in queue.rows if entry.status is EntryStatus.PENDING and entry.id not in own.ids]
    outside = employment_dates.outside_employment(org.id, (entry for entry, _person in queue.rows))
    approvable = [i for i in pending if i not in outside]  # what "Approve all N listed" approves
    returns = review_queue.list_returns(org, [entry.id for entry, _person in queue.rows])
    changed = status_changes.list_status_changes(org)  # statuses corrected after approval, not reviewed yet
    return render_template(
        "lms/hours/ledger/queue.html", org=org, queue=queue, number=page, args=filter_args(args), notes=read.notes,
        bad_days=read.bad_days, range_problem=read.range_problem, is_reversed=read.is_reversed, pending_count=len(pending),
        approvable_count=len(approvable), resubmitted_count=len([i for i in approvable if i in returns]),
        returns=returns, returned_on=returned_on, EvidenceSince=review_queue.EvidenceSince,
        titles=display_titles([entry for entry, _person in queue.rows] + _others(overlaps) + [c.entry for c in changed],
                              current_locale()),
        overlaps=overlaps, overlap_when=overlap_when, status_changes=changed,
        status_arg=args.get("status", "pending"), members=orgs.list_members(org, include_former=True),
        selected=selected, error=error, form=form or BulkForm(), Source=EntrySource, Status=EntryStatus,
        tick_name=partial(bulk.tick_name, TICK),
        listed=bulk.listed_value(pending),
        flagged={entry.id for entry, _person in queue.rows if is_low_measured(entry)}, low_percent=LOW_MEASURED_PERCENT,
        attendance=attendance_of(entry for entry, _person in queue.rows),
        outside=outside, Outside=employment_dates.Outside,
        own=own, last_page=_last_page(org, read.filters, page, queue),
    ), status


def _last_page(org: Organisation, filters: review_queue.QueueFilters, page: int, queue: review_queue.QueuePage) -> int | None:
    """The number of the list's last page when ``page`` is past its end (0 when nothing matches), else None."""
    if queue.rows or page == 1:
        return None
    return -(-review_queue.count_queue(org, filters) // PER_PAGE)


@bp.get("/orgs/<org_slug>/queue")
@access.org_manager
@bulk.no_store
def queue(org_slug: str):
    return _render_queue(orgs.get_org(org_slug), request.args)


@bp.post("/orgs/<org_slug>/queue")
@access.org_manager
@bulk.no_store
def bulk_decide(org_slug: str):
    org = orgs.get_org(org_slug)
    ticks = bulk.read_ticks(request.form, TICK)
    approve_listed = request.form.get("action") == "approve_listed"  # "Approve all N listed": needs the list
    if not ticks.is_consistent or (approve_listed and bulk.LISTED not in request.form):
        # a tick on a row this page did not list: decide nothing (lms/web/bulk.py)
        return _render_queue(org, request.form, error=_(
            "This page had changed since it was shown, so nothing was decided. Check the entries below, tick the "
            "ones you mean, and send again."), status=409)
    ids, action = ticks.ticked, request.form.get("action")
    if approve_listed:  # the rows this page listed, whatever is ticked, but those it marked as not approvable
        ids, action = employment_dates.leave_out_outside(org.id, bulk.listed_ids(request.form)), "approve"
    if not ids or action not in ("approve", "reject"):
        return _render_queue(org, request.form, set(ids), _("Tick at least one entry, then choose an action."), 400)
    status = EntryStatus.APPROVED if action == "approve" else EntryStatus.REJECTED
    try:
        result = bulk_decisions.decide_many(org, ids, status, viewer(), request.form.get("reason"))
    except DomainError as exc:
        db.session.rollback()
        form = BulkForm()
        return _render_queue(org, request.form, set(ids), show_refusal(form, exc), 400, form)
    db.session.commit()
    flash_result(result, status)
    if status is EntryStatus.REJECTED:
        tell_sent_back(result.decided)
    return redirect(url_for(".queue", org_slug=org.slug, **filter_args(request.form)))


def returned_on(returned: review_queue.Returned) -> date | None:
    """The day an entry was returned (rejected), in the viewer's zone."""
    return to_local(returned.returned_at).date() if returned.returned_at else None


def _others(overlaps: dict[int, list[EntryOverlap]]) -> list[Any]:
    return [found.other for each in overlaps.values() for found in each]


def overlap_when(overlap: EntryOverlap) -> str:
    """The other session's time in the viewer's zone and language, the zone named."""
    return when_text(overlap.starts_at, overlap.ends_at, str(get_timezone()), str(get_locale()))


def _review(org: Organisation, entry: Any, form: RejectForm | None = None, status: int = 200):
    detail = entries.entry_detail(entry, lambda other: other.org_id == org.id)
    member = review_queue.get_member(org, entry.user_id)
    overlaps = overlaps_of([entry]).get(entry.id, [])
    titles = {**detail_titles(detail), **display_titles([o.other for o in overlaps], current_locale())}
    return render_template(
        "lms/hours/ledger/review.html", org=org, d=detail, titles=titles, member=member, overlaps=overlaps,
        overlap_when=overlap_when,
        history=review_queue.list_history(entry), reject_form=form or RejectForm(), form=EmptyForm(), Status=EntryStatus,
        area_title=area_title, low_measured=is_low_measured(entry), low_percent=LOW_MEASURED_PERCENT,
        event_title=event_title, event_reason=event_reason, event_change=event_change, correctable=corrections.is_correctable(entry),
        attendance=attendance_of([entry]).get(entry.id), replaced_by=withdrawals.replacement_of(entry),
        links=resubmissions.links_of(entry), returned=review_queue.list_returns(org, [entry.id]).get(entry.id),
        returned_on=returned_on, EvidenceSince=review_queue.EvidenceSince,
        # dated outside the person's employment here: marked, and only Reject is offered (as the queue marks it)
        outside=employment_dates.outside_employment(org.id, [entry]).get(entry.id), Outside=employment_dates.Outside,
        status_changes=status_changes.list_status_changes(org, entry.id),
        own=own_hours.own_hours(org, [entry], viewer()),  # the viewer's own: no Approve or Reject, a note instead
    ), status


@bp.get("/orgs/<org_slug>/entries/<int:entry_id>")
@access.org_manager
def review(org_slug: str, entry_id: int):
    org = orgs.get_org(org_slug)
    return _review(org, review_queue.get_org_entry(org, entry_id))


@bp.post("/orgs/<org_slug>/entries/<int:entry_id>/approve")
@access.org_manager
def approve(org_slug: str, entry_id: int):
    org = orgs.get_org(org_slug)
    entry = review_queue.get_org_entry(org, entry_id)
    if EmptyForm().validate_on_submit():
        return _decided(org, entry, lambda: approvals.approve(entry, viewer()), _("Approved."),
                        _("You had already approved this entry."))
    return redirect(url_for(".review", org_slug=org.slug, entry_id=entry.id))


@bp.post("/orgs/<org_slug>/entries/<int:entry_id>/reject")
@access.org_manager
def reject(org_slug: str, entry_id: int):
    org = orgs.get_org(org_slug)
    entry = review_queue.get_org_entry(org, entry_id)
    form = RejectForm()
    if not form.validate_on_submit():
        return _review(org, entry, form, 400)
    return _decided(org, entry, lambda: approvals.reject(entry, viewer(), form.reason.data), _("Rejected."),
                    _("You had already rejected this entry."))


def _decided(org: Organisation, entry: Any, decide: Any, message: str, repeated: str):
    """Run ``decide``; on success flash ``message`` (or how many corrections went with it), or ``repeated`` when
    the manager had already made this very decision (a double tap is not an error). Always ends on the entry's page
    (post/redirect/get): a decision refused because the entry was decided elsewhere (a stale second tab) flashes why,
    and the page shows the entry's status now, so reloading it never sends the form again."""
    try:
        decision = decide()
    except DomainError as exc:  # AlreadyDecided (409 in the API) included
        db.session.rollback()
        flash(exc.message, "error")
    else:
        db.session.commit()
        if decision.repeated:
            flash(repeated, "info")
        elif decision.also_rejected:
            flash(ngettext("Rejected, with %(num)d pending correction of it.",
                           "Rejected, with %(num)d pending corrections of it.", len(decision.also_rejected)), "success")
        else:
            flash(message, "success")
        if not decision.repeated and decision.entry.status is EntryStatus.REJECTED:
            tell_sent_back([decision.entry, *decision.also_rejected])
    return redirect(url_for(".review", org_slug=org.slug, entry_id=entry.id))


@bp.route("/orgs/<org_slug>/members/<int:membership_id>/adjust", methods=["GET", "POST"])
@access.org_manager
def adjust(org_slug: str, membership_id: int):
    org = orgs.get_org(org_slug)
    member = orgs.get_membership_by_id(org, small_int(str(membership_id)) or 0)
    form, corrected, uncorrectable = _adjust_form(org, member)
    if form.validate_on_submit():
        try:
            entry, created = adjustments.add_adjustment(org, member.user, adjustments.Adjustment(
                minutes=form.minutes.data, description=form.description.data, activity_date=form.activity_date.data,
                corrects_id=form.corrects()), viewer(), form.idempotency_key.data, approve_now=form.approve_now.data,
                guard_repeats=form.guard_repeats())
        except DomainError as exc:
            db.session.rollback()
            form.show_error(exc)
        else:
            db.session.commit()
            flash(_("Adjustment saved.") if created else _("We had already received this; it is saved once."),
                  "success")
            return redirect(url_for(".review", org_slug=org.slug, entry_id=entry.id))
    if uncorrectable is not None:
        form.corrects_id.data = ""  # refused once (the service says why); sent again, it is an adjustment on its own
    return render_template("lms/hours/ledger/adjust.html", org=org, member=member, form=form, corrected=corrected,
                           uncorrectable=uncorrectable, titles=display_titles([corrected, uncorrectable], current_locale()),
                           own=own_hours.adjusting_own(org, member.user, viewer()),
                           ), form_status(form)


def _adjust_form(org: Organisation, member: Any) -> tuple[AdjustForm, Any, Any]:
    """The adjustment form, the entry it corrects, and the entry chosen that cannot be corrected (it was rejected:
    the page names it, and the form stands on its own)."""
    form = AdjustForm()
    if request.method == "GET":
        form.corrects_id.data = str(small_int(request.args.get("corrects")) or "")
    chosen = _corrected(org, member, form.corrects())
    uncorrectable = chosen if chosen is not None and not corrections.is_correctable(chosen) else None
    corrected = None if uncorrectable is not None else chosen
    form.set_correcting(corrected is not None)
    return form, corrected, uncorrectable


def _corrected(org: Organisation, member: Any, entry_id: int | None) -> Any:
    if entry_id is None:
        return None
    try:
        entry = review_queue.get_org_entry(org, entry_id)
    except DomainError:
        return None
    return entry if entry.user_id == member.user_id else None
