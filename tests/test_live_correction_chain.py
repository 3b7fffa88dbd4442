"""Corrections of finalised live-session attendance keep the money right whatever order managers act in: a new
correction withdraws the pending items of earlier ones (kept, audited), a still-pending live entry is replaced by one
of the corrected minutes, an approved one gets one pending adjustment for the difference (paid in the open period
once the period it was paid in is exported), the approver reads what an adjustment changes, and the trainee's session
page says what is approved and what is pending. Amounts are read from the timesheets and the payroll export."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from lms import db
from lms.db import utcnow
from lms.hours import adjustments, approvals, corrections, export, timesheets
from lms.hours.approvals import AlreadyDecided
from lms.hours.models import EntrySource, EntryStatus, HoursEntry
from lms.hours.periods import period_containing
from lms.live import attendance
from lms.live.models import AttendanceInterval, AttendanceStatus
from tests.concurrency import finish, uncommitted_for_a_while
from tests.live_support import live_course, seat, soon, stayed
from tests.test_hours_ledger import Staff, audit_rows, entries_of, make_staff

MIN_SHARE = 75


@pytest.fixture
def staff(make_user, make_org, add_member) -> Staff:
    """acme (biweekly, $24/h): Bea Boss manages it; Tina ("Nia" of the QA report) and Carl ("José") work there."""
    return make_staff(make_user, make_org, add_member)


@dataclass
class World:
    staff: Staff
    trainer: Any
    session: Any


@pytest.fixture
def world(staff, trainer) -> World:
    """A three-hour session that ended an hour ago, with Tina and Carl seated (nobody has time yet)."""
    module = live_course(trainer)[1]
    session = soon(module, trainer, -240, minutes=180)
    seat(session, staff.trainee, staff.colleague)
    return World(staff, trainer, session)


def correct(world: World, person: Any, minutes: int, status: AttendanceStatus | None = None) -> None:
    """The trainer corrects the person's final attendance to ``minutes`` (0: no time) and/or ``status``, through the
    live service: the time they have is set aside and the corrected time added."""
    active = db.session.execute(select(AttendanceInterval).where(
        AttendanceInterval.session_id == world.session.id, AttendanceInterval.user_id == person.id,
        AttendanceInterval.is_void.is_(False))).scalar_one_or_none()
    start = world.session.starts_at
    has = int((active.left_at - active.joined_at).total_seconds() // 60) if active else 0
    change = attendance.Change(status=status)
    if minutes != has:
        change = attendance.Change(status=status, void_interval_id=active.id if active else None,
                                   joined_at=start if minutes else None,
                                   left_at=start + timedelta(minutes=minutes) if minutes else None)
    attendance.change_attendance(world.session, person, change, world.trainer, utcnow(), MIN_SHARE, "Sign-in sheet")
    db.session.commit()


def chain(person: Any) -> list[tuple[EntrySource, int, EntryStatus]]:
    return [(e.source, e.minutes, e.status) for e in entries_of(person)]


def pending(person: Any) -> list[HoursEntry]:
    return [e for e in entries_of(person) if e.status is EntryStatus.PENDING]


def live_day(person: Any) -> date:
    return entries_of(person)[0].activity_date


def sheet(staff: Staff, person: Any, day: date) -> timesheets.Timesheet:
    return timesheets.get_timesheet(staff.org, person, day)


def paid(staff: Staff, person: Any, *days: date) -> int:
    """Approved minutes the timesheets pay the person in the periods of ``days`` (the activity's by default)."""
    return sum(sheet(staff, person, day).total_minutes for day in (days or (live_day(person),)))


def approve(staff: Staff, entry: HoursEntry) -> None:
    approvals.approve(entry, staff.manager)
    db.session.commit()


def withdrawal(entry: HoursEntry) -> Any:
    [row] = audit_rows("hours.withdrawn", entry)
    return row


def finalised(world: World, who: str = "trainee", minutes: int = 90, *, approved: bool = False) -> HoursEntry:
    """``who`` (``trainee`` or ``colleague``) checked in for ``minutes`` and the trainer finalised attendance: the live
    entry it made, approved by the manager when ``approved``."""
    person = getattr(world.staff, who)
    stayed(world.session, person, minutes)
    attendance.finalize(world.session, world.trainer, utcnow(), MIN_SHARE)
    db.session.commit()
    [live] = entries_of(person)
    if approved:
        approve(world.staff, live)
    return live


def corrected(world: World, *minutes: int, who: str = "trainee") -> list[HoursEntry]:
    """The trainer corrects the attendance of ``who`` to each of ``minutes`` in turn: the entries then pending."""
    person = getattr(world.staff, who)
    for count in minutes:
        correct(world, person, count)
    return pending(person)


# ---------------------------------------------------------------- the QA report

def test_nia_corrected_twice_after_approval_is_paid_what_attendance_says(world):
    staff = world.staff
    live = finalised(world, approved=True)
    [plus_60] = corrected(world, 150)
    assert (plus_60.minutes, plus_60.corrects_id, plus_60.description) == (
        60, live.id, "Attendance corrected from 90 to 150 minutes.")
    [plus_30] = corrected(world, 120)
    db.session.refresh(plus_60)
    assert plus_60.status is EntryStatus.WITHDRAWN and plus_30.minutes == 30  # not -30 stacked on +60
    assert plus_30.description == "Attendance corrected from 90 to 120 minutes."
    row = withdrawal(plus_60)  # kept, with who, why and what replaced it
    assert (row.actor_id, row.reason, row.data["replaced_by"], row.data["minutes"]) == (
        world.trainer.id, "attendance_corrected", plus_30.id, 60)
    assert plus_60.decided_by_id == world.trainer.id and plus_60.decided_at is not None

    # The manager of the report: reject the +60 as "superseded", approve the other one.
    with pytest.raises(AlreadyDecided, match="withdrawn"):
        approvals.reject(plus_60, staff.manager, "Superseded")
    db.session.rollback()
    approve(staff, plus_30)
    assert paid(staff, staff.trainee) == 120 and sheet(staff, staff.trainee, live_day(staff.trainee)).pending == []
    assert corrections.approved_total(live) == 120


def test_jose_pending_entry_corrected_down_and_back_up_leaves_one_pending_item(world):
    staff = world.staff
    original = finalised(world, "colleague", 155)
    corrected(world, 45, 155, who="colleague")
    assert chain(staff.colleague) == [(EntrySource.LIVE, 155, EntryStatus.WITHDRAWN),
                                      (EntrySource.LIVE, 45, EntryStatus.WITHDRAWN),
                                      (EntrySource.LIVE, 155, EntryStatus.PENDING)]
    _first, second, current = entries_of(staff.colleague)
    assert withdrawal(original).data["replaced_by"] == second.id
    assert withdrawal(second).data["replaced_by"] == current.id
    assert current.description == "Attendance corrected from 45 to 155 minutes." and current.corrects_id is None
    assert sheet(staff, staff.colleague, live_day(staff.colleague)).pending_minutes == 155
    for stale in (original, second):  # whichever a manager still has open: nothing to decide
        with pytest.raises(AlreadyDecided):
            approvals.approve(stale, staff.manager)
        db.session.rollback()
    approve(staff, current)
    assert paid(staff, staff.colleague) == 155


def test_stacked_adjustments_left_by_the_old_code_are_withdrawn_by_the_next_correction(world):
    """José's ledger as the QA found it: a pending 2 h 35 entry with pending -1 h 50 and +1 h 50 adjustments."""
    staff = world.staff
    original = finalised(world, "colleague", 155)
    for number, minutes in ((1, -110), (2, 110)):
        db.session.add(HoursEntry(
            user_id=original.user_id, org_id=original.org_id, source=EntrySource.ADJUSTMENT, activity_date=original.activity_date,
            minutes=minutes, measured_minutes=155 + minutes if minutes < 0 else 155, title=original.title,
            session_id=original.session_id, corrects_id=original.id, source_ref=f"{original.source_ref}:correction:{number}"))
    db.session.commit()
    corrected(world, 150, who="colleague")
    assert chain(staff.colleague) == [(EntrySource.LIVE, 155, EntryStatus.WITHDRAWN),
                                      (EntrySource.ADJUSTMENT, -110, EntryStatus.WITHDRAWN),
                                      (EntrySource.ADJUSTMENT, 110, EntryStatus.WITHDRAWN),
                                      (EntrySource.LIVE, 150, EntryStatus.PENDING)]
    assert entries_of(staff.colleague)[-1].source_ref == f"{original.source_ref}:correction:3"
    approve(staff, pending(staff.colleague)[0])
    assert paid(staff, staff.colleague) == 150


# ---------------------------------------------------------------- every order

def test_correct_then_approve_one_pending_item_carries_the_corrected_total(world):
    staff = world.staff
    finalised(world)
    [current] = corrected(world, 120)
    assert (current.source, current.minutes, current.measured_minutes) == (EntrySource.LIVE, 120, 120)
    approve(staff, current)
    assert paid(staff, staff.trainee) == 120


def test_approved_between_two_corrections_the_second_corrects_what_was_approved(world):
    staff = world.staff
    finalised(world, approved=True)
    approve(staff, corrected(world, 150)[0])  # +60 approved: 150 paid
    [minus_30] = corrected(world, 120)
    assert (minus_30.minutes, minus_30.description) == (-30, "Attendance corrected from 150 to 120 minutes.")
    assert paid(staff, staff.trainee) == 150 and sheet(staff, staff.trainee, live_day(staff.trainee)).pending_minutes == -30
    approve(staff, minus_30)
    assert paid(staff, staff.trainee) == 120


def test_a_correction_back_to_the_approved_value_leaves_nothing_pending(world):
    staff = world.staff
    finalised(world, approved=True)
    [plus_60] = corrected(world, 150)
    assert corrected(world, 90) == []
    assert withdrawal(plus_60).data["replaced_by"] is None
    assert paid(staff, staff.trainee) == 90


def test_a_status_change_keeps_the_pending_adjustment_that_is_still_right(world):
    staff = world.staff
    finalised(world, approved=True)
    [plus_30] = corrected(world, 120)
    correct(world, staff.trainee, 120, status=AttendanceStatus.LATE)
    assert pending(staff.trainee) == [plus_30] and audit_rows("hours.withdrawn", plus_30) == []


def test_rejected_then_corrected_nothing_is_paid_and_nothing_appended(world):
    staff = world.staff
    approvals.reject(finalised(world), staff.manager, "Not on the roster")
    db.session.commit()
    corrected(world, 120)
    assert chain(staff.trainee) == [(EntrySource.LIVE, 90, EntryStatus.REJECTED)]
    assert paid(staff, staff.trainee) == 0


def test_a_pending_entry_corrected_to_nothing_and_back(world):
    staff = world.staff
    finalised(world)
    correct(world, staff.trainee, 0, status=AttendanceStatus.ABSENT)
    assert chain(staff.trainee) == [(EntrySource.LIVE, 90, EntryStatus.WITHDRAWN)]
    assert sheet(staff, staff.trainee, live_day(staff.trainee)).pending == []
    correct(world, staff.trainee, 60, status=AttendanceStatus.PRESENT)
    assert chain(staff.trainee)[-1] == (EntrySource.LIVE, 60, EntryStatus.PENDING)
    approve(staff, pending(staff.trainee)[0])
    assert paid(staff, staff.trainee) == 60


def test_an_approved_entry_corrected_to_nothing_is_deducted_once(world):
    staff = world.staff
    finalised(world, approved=True)
    corrected(world, 30)
    correct(world, staff.trainee, 0, status=AttendanceStatus.ABSENT)
    [minus_90] = pending(staff.trainee)
    assert minus_90.minutes == -90
    approve(staff, minus_90)
    assert paid(staff, staff.trainee) == 0


def test_a_managers_own_pending_correction_keeps_the_entry_and_the_attendance_is_adjusted(world):
    """Replacing the entry would leave the manager's correction pointing at an entry nobody can approve."""
    staff = world.staff
    live = finalised(world)
    own, _new = adjustments.add_adjustment(staff.org, staff.trainee, adjustments.Adjustment(
        minutes=-15, description="Long break", corrects_id=live.id), staff.manager, "own")
    db.session.commit()
    [attendance_fix] = [e for e in corrected(world, 120) if e.id not in (live.id, own.id)]
    assert (attendance_fix.minutes, attendance_fix.corrects_id) == (30, live.id)
    for entry in (live, own, attendance_fix):
        approve(staff, entry)
    assert paid(staff, staff.trainee) == 105  # the attendance's 120 less the manager's own 15


def test_after_the_period_is_exported_the_difference_is_paid_in_the_open_period(world):
    staff = world.staff
    live = finalised(world, approved=True)
    corrected(world, 150)  # +60 pending when payroll runs
    start, end = period_containing(staff.org, live.activity_date)
    done = export.export_period(staff.org, start, staff.manager, today=end + timedelta(days=1))
    db.session.commit()
    [plus_30] = corrected(world, 120)
    approve(staff, plus_30)
    next_day = end + timedelta(days=1)
    assert plus_30.paid_period_start == next_day and live.paid_period_start == start  # the locked line never moves
    assert (paid(staff, staff.trainee, start), paid(staff, staff.trainee, next_day)) == (90, 30)
    assert sheet(staff, staff.trainee, start).is_locked
    again = export.export_period(staff.org, start, staff.manager, today=end + timedelta(days=1))
    assert again.content == done.content  # the exported file is the same
    following = period_containing(staff.org, next_day)
    csv_text = export.build_csv(staff.org, *following)[0].decode()
    assert f",{plus_30.id}," in csv_text and ",30," in csv_text
    approve(staff, corrected(world, 100)[0])
    assert paid(staff, staff.trainee, start, next_day) == 100


def test_a_pending_entry_corrected_after_its_period_was_exported_is_paid_whole_in_the_open_period(world):
    staff = world.staff
    live = finalised(world)
    start, end = period_containing(staff.org, live.activity_date)
    export.export_period(staff.org, start, staff.manager, today=end + timedelta(days=1))
    db.session.commit()
    [current] = corrected(world, 120)
    approve(staff, current)
    assert current.paid_period_start == end + timedelta(days=1)
    assert (paid(staff, staff.trainee, start), paid(staff, staff.trainee, end + timedelta(days=1))) == (0, 120)


# ---------------------------------------------------------------- what people read

def _text(response) -> str:
    assert response.status_code == 200, response.status_code
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def test_the_queue_shows_what_an_adjustment_changes_and_a_withdrawn_entry_says_what_replaced_it(client, u, login, world):
    staff = world.staff
    finalised(world, approved=True)
    corrected(world, 150, 120)
    _live, plus_60, plus_30 = entries_of(staff.trainee)
    login(staff.manager)
    queue = _text(client.get(u("lms.hours.queue", org_slug="acme")))
    assert "Attendance corrected from 1 hour 30 minutes to 2 hours: +30 minutes" in queue
    review = _text(client.get(u("lms.hours.review", org_slug="acme", entry_id=plus_60.id)))
    assert "Withdrawn" in review and "A later correction of the attendance replaced this entry: it is not paid." in review
    assert "withdrawn: a later correction of the attendance replaced it" in review
    assert u("lms.hours.review", org_slug="acme", entry_id=plus_30.id) in review and "Add a correction" not in review
    current = _text(client.get(u("lms.hours.review", org_slug="acme", entry_id=plus_30.id)))
    assert "(Attendance corrected from 1 hour 30 minutes to 2 hours: +30 minutes)" in current
    assert "measured: 2 hours" not in current and "Attendance corrected from 90 to 120 minutes." in current
    refused = client.submit(u("lms.hours.approve", org_slug="acme", entry_id=plus_60.id), follow_redirects=True)
    assert refused.request.path == u("lms.hours.review", org_slug="acme", entry_id=plus_60.id)  # post/redirect/get
    assert "This entry was withdrawn: a later correction of the attendance replaced it." in refused.get_data(as_text=True)


def test_the_session_page_says_what_is_approved_and_what_is_pending(client, u, login, world):
    staff = world.staff
    page = u("lms.sessions.detail", session_id=world.session.id)
    live = finalised(world)
    login(staff.trainee)
    assert "1 hour 30 minutes in your training hours, waiting for approval." in _text(client.get(page))
    approve(staff, live)
    corrected(world, 150, 120)
    text = _text(client.get(page))
    assert "You attended part of this session: 2 hours." in text or "You attended this session: 2 hours." in text
    assert ("1 hour 30 minutes approved in your training hours; a correction to 2 hours is waiting for approval."
            in text)
    approve(staff, pending(staff.trainee)[0])
    assert "2 hours approved in your training hours." in _text(client.get(page))


def test_the_session_page_says_when_the_hours_were_rejected(client, u, login, world):
    staff = world.staff
    approvals.reject(finalised(world), staff.manager, "Not on the roster")
    db.session.commit()
    login(staff.trainee)
    text = _text(client.get(u("lms.sessions.detail", session_id=world.session.id)))
    assert "A manager rejected the training hours of this session: they are not paid." in text
    assert "approved in your training hours" not in text


def test_a_manager_approving_the_earlier_adjustment_at_the_same_moment_is_counted_not_withdrawn(app, world):
    """The manager's approval of the +60 is still uncommitted while the trainer corrects again: the correction waits
    for it, leaves the approved +60 alone and asks for the difference from 150."""
    staff = world.staff
    finalised(world, approved=True)
    [plus_60] = corrected(world, 150)
    entry_id, manager_id = plus_60.id, staff.manager.id
    db.session.commit()

    def approve_elsewhere() -> None:
        approvals.approve(db.session.get(HoursEntry, entry_id), db.session.get(type(staff.manager), manager_id))

    thread, errors = uncommitted_for_a_while(app, approve_elsewhere)
    correct(world, staff.trainee, 120)
    finish(thread, errors)
    db.session.expire_all()
    assert chain(staff.trainee)[1:] == [(EntrySource.ADJUSTMENT, 60, EntryStatus.APPROVED),
                                        (EntrySource.ADJUSTMENT, -30, EntryStatus.PENDING)]
    assert audit_rows("hours.withdrawn", plus_60) == []
    approve(staff, pending(staff.trainee)[0])
    assert paid(staff, staff.trainee) == 120
