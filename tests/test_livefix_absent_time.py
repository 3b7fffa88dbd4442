"""Marking someone "Absent" on the roster of final attendance while time of theirs still counts: the roster asks, in
the same step, whether to set that time aside too (ticked at first) or keep it counted, and setting it aside goes
through the person page's "Set aside" (audited, the ledger corrected, the trainee told): lms/live/absent_time.py,
lms/web/live/absent_step.py."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from lms import db
from lms.audit import AuditEvent
from lms.hours import approvals
from lms.hours.live_attendance import session_hours
from lms.hours.models import EntryStatus
from lms.live.models import AttendanceInterval, AttendanceStatus
from tests.conftest import html_text
from tests.live_support import attendance_row, live_entry, seat, soon, stayed
from tests.test_hours_ledger import Staff, make_staff

REASON = "She left before it began"


@pytest.fixture
def staff(make_user, make_org, add_member) -> Staff:
    return make_staff(make_user, make_org, add_member)


@pytest.fixture
def final(client, u, login, staff, module, trainer):
    """A finalised session: Tina was there 60 minutes and Carl 120 (both present); the trainer is signed in."""
    session = soon(module, trainer, -150, minutes=120)
    seat(session, staff.trainee, staff.colleague)
    stayed(session, staff.trainee, 60)
    stayed(session, staff.colleague, 120)
    login(trainer)
    assert client.submit(u("lms.sessions.finalize_attendance", session_id=session.id), {"confirm": "yes"}).status_code == 302
    return session


def _mark(client, u, session, person, **extra):
    return client.submit(u("lms.sessions.attendance", session_id=session.id),
                         {f"status-{person.id}": "absent", f"shown-{person.id}": "present", "reason": REASON, **extra})


def _counted(session, person) -> int:
    db.session.expire_all()
    return len(db.session.execute(select(AttendanceInterval).where(
        AttendanceInterval.session_id == session.id, AttendanceInterval.user_id == person.id,
        AttendanceInterval.is_void.is_(False))).scalars().all())


def test_the_roster_asks_first_with_setting_aside_ticked(client, u, staff, final):
    tina = staff.trainee
    asked = _mark(client, u, final, tina)
    page = asked.get_data(as_text=True)
    summary = re.search(r'<div class="error-summary"[^>]*>.*?</div>', page, re.S).group(0)
    assert asked.status_code == 409 and "autofocus" in summary
    assert f'href="#absent_time-{tina.id}-set_aside"' in summary
    assert "Tina Trainee is marked “Absent”, yet 1 hour of theirs still counts as training hours." in html_text(summary)
    assert re.search(rf'id="absent_time-{tina.id}-set_aside"[^>]*value="set_aside" checked', page)
    assert re.search(r'<option value="absent" selected>', page)  # the status chosen is kept
    assert re.search(rf"<textarea[^>]*>\s*{REASON}</textarea>", page)  # the reason typed is kept
    db.session.expire_all()
    assert attendance_row(final, tina).status is AttendanceStatus.PRESENT and _counted(final, tina) == 1  # nothing saved


def test_setting_aside_drops_the_pending_hours_audited_and_tells_her(client, u, staff, final, mailbox):
    tina = staff.trainee
    sent = _mark(client, u, final, tina, **{f"absent_time-{tina.id}": "set_aside"})
    assert sent.status_code == 302
    db.session.expire_all()
    row = attendance_row(final, tina)
    assert row.status is AttendanceStatus.ABSENT and row.minutes == 0 and _counted(final, tina) == 0
    assert session_hours(tina.id, final.id) is None or session_hours(tina.id, final.id).total == 0
    corrected = db.session.execute(select(AuditEvent).where(
        AuditEvent.action == "live.attendance_corrected", AuditEvent.object_id == row.id)).scalars().all()
    assert len(corrected) == 2 and all(event.reason == REASON for event in corrected)
    assert [m["To"] for m in mailbox] == [tina.email]  # her credited time went down
    page = html_text(client.get(u("lms.sessions.attendance", session_id=final.id)).get_data(as_text=True))
    assert "Marked absent and their time set aside: Tina Trainee (1 hour)." in page
    assert _counted(final, staff.colleague) == 1  # Carl is untouched


def test_keeping_it_counted_keeps_the_time_and_warns_as_before(client, u, staff, final):
    tina = staff.trainee
    assert _mark(client, u, final, tina, **{f"absent_time-{tina.id}": "keep"}).status_code == 302
    db.session.expire_all()
    row = attendance_row(final, tina)
    assert row.status is AttendanceStatus.ABSENT and row.minutes == 60 and _counted(final, tina) == 1
    assert session_hours(tina.id, final.id).total == 60
    page = html_text(client.get(u("lms.sessions.attendance", session_id=final.id)).get_data(as_text=True))
    assert "Tina Trainee is marked “Absent”, yet 1 hour in the session still count as training hours" in page


def test_approved_hours_get_a_pending_correction(client, u, staff, final):
    tina = staff.trainee
    entry = live_entry(tina, final)
    approvals.approve(entry, staff.manager)
    db.session.commit()
    assert _mark(client, u, final, tina, **{f"absent_time-{tina.id}": "set_aside"}).status_code == 302
    db.session.expire_all()
    hours = session_hours(tina.id, final.id)
    assert live_entry(tina, final).status is EntryStatus.APPROVED  # locked: corrected by a pending adjustment
    assert (hours.approved, hours.pending, hours.total) == (60, -60, 0)


def test_absent_without_time_is_not_asked(client, u, login, staff, module, trainer, make_user):
    session = soon(module, trainer, -150, minutes=120)
    seat(session, staff.trainee)
    login(trainer)
    assert client.submit(u("lms.sessions.finalize_attendance", session_id=session.id), {"confirm": "yes"}).status_code == 302
    # Tina had no time: finalising marked her absent; excusing and marking her absent again asks nothing
    roster = u("lms.sessions.attendance", session_id=session.id)
    assert client.submit(roster, {f"status-{staff.trainee.id}": "excused", f"shown-{staff.trainee.id}": "absent",
                                  "reason": REASON}).status_code == 302
    assert client.submit(roster, {f"status-{staff.trainee.id}": "absent", f"shown-{staff.trainee.id}": "excused",
                                  "reason": REASON}).status_code == 302


def test_before_finalising_nothing_is_asked(client, u, login, staff, module, trainer):
    session = soon(module, trainer, -150, minutes=120)
    seat(session, staff.trainee)
    stayed(session, staff.trainee, 60)
    login(trainer)
    sent = client.submit(u("lms.sessions.attendance", session_id=session.id), {f"status-{staff.trainee.id}": "absent",
                                                                                f"shown-{staff.trainee.id}": ""})
    assert sent.status_code == 302 and _counted(session, staff.trainee) == 1
