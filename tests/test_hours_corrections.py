"""Payroll rules for late approvals and corrections: a late approval is paid after the last export, a correction is
paid at the rate of the entry it corrects, follows that entry's decision, and never deducts time that was not paid."""

from __future__ import annotations

from datetime import date

import pytest

from lms import db
from lms.audit import AuditEvent
from lms.errors import DomainError
from lms.hours import adjustments, approvals, review_queue, schedule_change, timesheets
from lms.hours.models import EntrySource, EntryStatus, HoursEntry
from lms.signals import attendance_finalized
from tests import bulk_forms
from tests.test_hours_approval import export_period
from tests.test_hours_ledger import Staff, _attendance, audit_rows, entries_of, external, form_token, make_staff


@pytest.fixture
def staff(make_user, make_org, add_member) -> Staff:
    return make_staff(make_user, make_org, add_member)


def correct(staff: Staff, entry: HoursEntry, minutes: int, key: str, approve_now: bool = False) -> HoursEntry:
    made, _created = adjustments.add_adjustment(staff.org, staff.trainee, adjustments.Adjustment(
        minutes=minutes, description="Correction", corrects_id=entry.id), staff.manager, key, approve_now=approve_now)
    db.session.commit()
    return made


def approve_now(client, u, staff: Staff, original: HoursEntry, minutes: str, reason: str):
    """A manager's correction of ``original`` through the adjustment form, with "Approve it now" ticked."""
    member = review_queue.get_member(staff.org, original.user_id)
    path = u("lms.hours.adjust", org_slug="acme", membership_id=member.id)
    token, key = form_token(client, path + f"?corrects={original.id}")
    return client.post(path, data={"csrf_token": token, "idempotency_key": key, "minutes": minutes,
                                   "corrects_id": str(original.id), "description": reason, "approve_now": "y"})


# ---------------------------------------------------------------- late approvals

def test_a_late_approval_is_paid_after_the_last_export_not_in_an_old_period_nobody_exports(client, u, login, staff):
    """acme is biweekly from 2026-01-05. 2026-03-02..15 was never exported (nobody had hours then), but payroll ran
    for 2026-03-16..29: an entry done on 2026-03-10 and approved now is paid on 2026-03-30..04-12, the first open
    period, where the manager will see and export it."""
    export_period(staff.org, date(2026, 3, 16), date(2026, 3, 29))
    entry = external(staff.trainee, day=date(2026, 3, 10))
    login(staff.manager)
    response = client.post(u("lms.hours.approve", org_slug="acme", entry_id=entry.id),
                           data={"csrf_token": client.csrf_token()})
    assert response.status_code == 302
    db.session.refresh(entry)
    assert (entry.status, entry.paid_period_start, entry.activity_date) == (
        EntryStatus.APPROVED, date(2026, 3, 30), date(2026, 3, 10))
    page = client.get(u("lms.hours.org_timesheet", org_slug="acme", start="2026-03-30")).get_data(as_text=True)
    assert "Tina Trainee" in page
    old = client.get(u("lms.hours.org_timesheet", org_slug="acme", start="2026-03-02")).get_data(as_text=True)
    assert "Tina Trainee" not in old


def test_an_entry_after_the_last_export_keeps_its_own_period(staff):
    export_period(staff.org, date(2026, 3, 2), date(2026, 3, 15))
    entry = external(staff.trainee, day=date(2026, 4, 1))  # in 2026-03-30..04-12, after the export
    approvals.approve(entry, staff.manager)
    db.session.commit()
    assert entry.paid_period_start == date(2026, 3, 30)


def test_a_pay_schedule_change_places_unexported_entries_after_the_last_export(staff):
    entry = external(staff.trainee, day=date(2026, 3, 10))
    approvals.approve(entry, staff.manager)
    db.session.commit()
    assert entry.paid_period_start == date(2026, 3, 2)
    export_period(staff.org, date(2026, 3, 16), date(2026, 3, 29))  # a later period exported first
    staff.org.pay_period_anchor = date(2026, 1, 12)  # the periods move by a week
    assert schedule_change.repay_unexported(staff.org, staff.manager) == 1
    db.session.commit()
    # The new period holding the day after the export (2026-03-30) is 2026-03-23..04-05, which overlaps the exported
    # 03-16..03-29: the entry is paid in the bridging period 2026-03-30..04-05 (docs/payroll-export.md).
    assert entry.paid_period_start == date(2026, 3, 30)
    assert timesheets.get_timesheet(staff.org, staff.trainee, date(2026, 4, 1)).start == date(2026, 3, 30)


# ---------------------------------------------------------------- the rate of a correction

def test_a_correction_is_paid_at_the_rate_of_the_entry_it_corrects(client, u, login, staff):
    original = external(staff.trainee, day=date(2026, 3, 10), minutes=120)
    approvals.approve(original, staff.manager)
    db.session.commit()
    assert original.rate_cents == 2400
    staff.org.training_pay_rate_cents = 3000  # the rate rises afterwards
    db.session.commit()
    login(staff.manager)
    response = approve_now(client, u, staff, original, "-120", "Did not attend")
    assert response.status_code == 302
    fix = entries_of(staff.trainee)[-1]
    assert (fix.minutes, fix.status, fix.rate_cents) == (-120, EntryStatus.APPROVED, 2400)
    starts = {original.paid_period_start, fix.paid_period_start}
    paid = sum(timesheets.get_timesheet(staff.org, staff.trainee, start).total_cents for start in starts)
    assert paid == 0  # the correction cancels the line it corrects to the cent
    [event] = audit_rows("hours.approved", fix)
    assert event.data["rate_cents"] == 2400


# ---------------------------------------------------------------- corrections follow their entry

def test_rejecting_an_entry_rejects_its_pending_corrections(client, u, login, staff):
    original = external(staff.trainee, minutes=90)
    fix = correct(staff, original, -30, "c1")
    login(staff.manager)
    response = client.post(u("lms.hours.reject", org_slug="acme", entry_id=original.id),
                           data={"csrf_token": client.csrf_token(), "reason": "Duplicate of another entry"},
                           follow_redirects=True)
    assert "Rejected, with 1 pending correction of it." in response.get_data(as_text=True)
    db.session.refresh(fix)
    assert (fix.status, fix.rejection_reason, fix.decided_by_id) == (
        EntryStatus.REJECTED, "The entry this corrects was rejected.", staff.manager.id)
    [event] = audit_rows("hours.rejected", fix)
    assert event.data["because_rejected"] == original.id
    with pytest.raises(DomainError):  # nothing left to correct
        correct(staff, original, 15, "c2")
    db.session.rollback()


def test_bulk_rejection_counts_the_corrections_it_takes_along(client, u, login, staff):
    original = external(staff.trainee, minutes=90)
    fix = correct(staff, original, -30, "c1")
    login(staff.manager)
    response = client.post(u("lms.hours.bulk_decide", org_slug="acme"), follow_redirects=True, data={
        "csrf_token": client.csrf_token(), "action": "reject", "reason": "Not our training",
        **bulk_forms.entries(original.id, fix.id)})
    page = response.get_data(as_text=True)
    assert "2 entries rejected." in page and "already rejected" not in page
    assert {e.status for e in entries_of(staff.trainee)} == {EntryStatus.REJECTED}


def test_a_correction_waits_for_its_entry_and_is_refused_once_that_entry_is_rejected(client, u, login, staff):
    original = external(staff.trainee, minutes=90)
    fix = correct(staff, original, 30, "c1")
    with pytest.raises(DomainError, match="first"):
        approvals.approve(fix, staff.manager)
    db.session.rollback()
    # A correction made before the original was rejected cannot be approved (here it was left pending by hand).
    approvals.transition(original, EntryStatus.REJECTED, staff.manager, rejection_reason="No evidence")
    db.session.commit()
    login(staff.manager)
    response = client.post(u("lms.hours.bulk_decide", org_slug="acme"), follow_redirects=True, data={
        "csrf_token": client.csrf_token(), "action": "approve", **bulk_forms.entries(fix.id)})
    page = response.get_data(as_text=True)
    assert "0 entries approved." in page and "was rejected, so there is nothing to correct" in page
    assert db.session.get(HoursEntry, fix.id).status is EntryStatus.PENDING


def test_approving_a_deduction_never_takes_approved_time_below_zero(staff):
    original = external(staff.trainee, minutes=60)
    approvals.approve(original, staff.manager)
    more = correct(staff, original, 60, "more")  # +60 pending: the ledger would credit 120
    less = correct(staff, original, -100, "less")  # allowed while the +60 stands
    approvals.reject(more, staff.manager, "They left at noon")
    db.session.commit()
    with pytest.raises(DomainError, match="below zero"):
        approvals.approve(less, staff.manager)  # 60 approved - 100 would deduct unpaid time
    db.session.rollback()
    assert db.session.get(HoursEntry, less.id).status is EntryStatus.PENDING


def test_an_approve_now_correction_of_a_pending_entry_rerenders_and_saves_nothing(client, u, login, staff):
    original = external(staff.trainee, minutes=90)
    login(staff.manager)
    response = approve_now(client, u, staff, original, "-15", "Arrived late")
    assert response.status_code == 400
    assert "Decide the entry this corrects first" in response.get_data(as_text=True)
    assert "Please correct the highlighted fields." not in response.get_data(as_text=True)  # no field is wrong
    assert [e.id for e in entries_of(staff.trainee)] == [original.id]


# ---------------------------------------------------------------- attendance corrections

def test_attendance_corrections_leave_rejected_corrections_out(make_user, staff):
    session, row = _attendance(make_user, staff, 45)
    attendance_finalized.send(row, session=session, correction=False)
    db.session.commit()
    [original] = entries_of(staff.trainee)
    approvals.approve(original, staff.manager)
    row.minutes = 180
    attendance_finalized.send(row, session=session, correction=True)
    db.session.commit()
    raised = entries_of(staff.trainee)[-1]
    assert raised.minutes == 135
    approvals.reject(raised, staff.manager, "Left after the first hour")
    row.minutes = 170
    attendance_finalized.send(row, session=session, correction=True)
    db.session.commit()
    again = entries_of(staff.trainee)[-1]
    assert (again.source, again.minutes, again.corrects_id) == (EntrySource.ADJUSTMENT, 125, original.id)
    assert again.source_ref == f"attendance:{row.id}:correction:2"


def test_no_attendance_correction_once_the_original_entry_was_rejected(make_user, staff):
    session, row = _attendance(make_user, staff, 120)
    attendance_finalized.send(row, session=session, correction=False)
    db.session.commit()
    [original] = entries_of(staff.trainee)
    approvals.reject(original, staff.manager, "Duplicate")
    row.minutes = 60
    attendance_finalized.send(row, session=session, correction=True)
    db.session.commit()
    assert entries_of(staff.trainee) == [original]
    assert db.session.query(AuditEvent).filter_by(action="hours.approved").count() == 0


def test_the_reason_given_to_corrections_is_stored_in_the_persons_language(staff, make_user, add_member):
    """The trainee reads it later; an English-speaking manager's click must not leave them an English sentence."""
    rosa = make_user("rosa@example.org", name="Rosa", locale="es")
    add_member(staff.org, rosa, employment_start=date(2025, 1, 1))
    original = external(rosa, minutes=90)
    fix, _created = adjustments.add_adjustment(staff.org, rosa, adjustments.Adjustment(
        minutes=-30, description="Correction", corrects_id=original.id), staff.manager, "c-es")
    approvals.reject(original, staff.manager, "Duplicate")
    db.session.commit()
    assert db.session.get(HoursEntry, fix.id).rejection_reason == "Se rechazó el registro que esto corrige."
