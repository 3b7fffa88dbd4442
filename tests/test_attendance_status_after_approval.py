"""A trainer corrects only the attendance status (not the minutes) after the manager approved the live hours: nothing
is appended to the ledger (a status alone changes no credited time), but the manager sees the change above the
approval queue and on the entry (who, when, from what to what, why) and in the entry's history, until a manager
marks it reviewed (an audit row). Driven through the trainer's and the manager's pages."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from lms import db
from lms.audit import AuditEvent
from lms.hours.models import EntryStatus, HoursEntry
from lms.live import attendance
from tests.live_support import live_entry, page_text, seat, soon, stayed
from tests.test_hours_ledger import Staff, make_staff

SECTION = "Attendance changed after approval"
MIN_SHARE = 75


@pytest.fixture
def staff(make_user, make_org, add_member) -> Staff:
    return make_staff(make_user, make_org, add_member)


@pytest.fixture
def approved(client, u, login, staff, module, trainer):
    """Tina stayed 90 of the 120 minutes of a session that ended an hour ago; the trainer finalised it and Bea Boss
    approved Tina's live entry on its page. Returns the session."""
    session = soon(module, trainer, -180, minutes=120)
    seat(session, staff.trainee)
    stayed(session, staff.trainee, 90)
    attendance.finalize(session, trainer, session.ends_at + timedelta(minutes=30), MIN_SHARE)
    db.session.commit()
    entry = live_entry(staff.trainee, session)
    login(staff.manager)
    assert client.submit(u("lms.hours.approve", org_slug="acme", entry_id=entry.id), {}).status_code == 302
    logout(client, u)
    return session


def logout(client, u) -> None:
    client.post(u("lms.accounts.logout"), data={"csrf_token": client.csrf_token()})


def correct_status(client, u, login, trainer, session, person, status: str, reason: str):
    login(trainer)
    page = u("lms.sessions.attendance_person", session_id=session.id, user_id=person.id)
    response = client.submit(page, {"action": "status", "status-status": status, "status-reason": reason})
    assert response.status_code == 302, page_text(response)[:2000]
    logout(client, u)


def entries(person) -> list[tuple[int, EntryStatus]]:
    return [(e.minutes, e.status) for e in db.session.execute(
        select(HoursEntry).where(HoursEntry.user_id == person.id).order_by(HoursEntry.id)).scalars()]


def section(page: str) -> str:
    found = re.search(r'<section class="hours-flag-legend hours-status-changed".*?</section>', page, re.S)
    return found.group(0) if found else ""


def test_a_status_corrected_after_approval_reaches_the_manager(client, u, login, staff, trainer, approved):
    session, tina = approved, staff.trainee
    entry = live_entry(tina, session)
    correct_status(client, u, login, trainer, session, tina, "absent", "Left after the first break; sheet unsigned")
    assert entries(tina) == [(90, EntryStatus.APPROVED)]  # no zero-minute entry: nothing for payroll

    login(staff.manager)
    queue = page_text(client.get(u("lms.hours.queue", org_slug="acme")))
    listed = section(queue)
    assert SECTION in listed and "Tina Trainee" in listed
    assert "changed the attendance status from “Present” to “Absent”." in listed
    assert "Reason: Left after the first break; sheet unsigned" in listed
    assert u("lms.hours.review", org_slug="acme", entry_id=entry.id) in listed

    review = page_text(client.get(u("lms.hours.review", org_slug="acme", entry_id=entry.id)))
    shown = section(review)
    assert "from “Present” to “Absent”" in shown and "The credited time (1 hour 30 minutes) did not change" in shown
    assert "Mark as reviewed" in shown
    history = review.split("<h2>History</h2>", 1)[1]
    assert "attendance corrected by the trainer: Left after the first break; sheet unsigned (status: Present → Absent)" \
        in history
    assert history.index("approved") < history.index("attendance corrected by the trainer")

    up_to = re.search(r'name="up_to" value="(\d+)"', shown).group(1)
    response = client.submit(u("lms.hours.status_reviewed", org_slug="acme", entry_id=entry.id), {"up_to": up_to})
    assert response.status_code == 302
    review = page_text(client.get(response.headers["Location"]))
    assert "Marked as reviewed." in review and not section(review)
    assert "attendance change after approval reviewed" in review.split("<h2>History</h2>", 1)[1]
    assert not section(page_text(client.get(u("lms.hours.queue", org_slug="acme"))))
    [row] = db.session.execute(select(AuditEvent).where(
        AuditEvent.action == "hours.attendance_change_reviewed", AuditEvent.object_id == entry.id)).scalars()
    assert (row.actor_id, row.org_id, row.data["correction"]) == (staff.manager.id, staff.org.id, int(up_to))
    again = client.submit(u("lms.hours.status_reviewed", org_slug="acme", entry_id=entry.id), {"up_to": up_to})
    assert "There is no attendance change left to review on this entry." in page_text(client.get(again.headers["Location"]))
    logout(client, u)

    # A later status change shows again (reviewing covered only what the page showed).
    correct_status(client, u, login, trainer, session, tina, "excused", "Doctor's note received")
    login(staff.manager)
    listed = section(page_text(client.get(u("lms.hours.queue", org_slug="acme"))))
    assert "from “Absent” to “Excused”" in listed and "Present" not in listed


def test_a_change_made_after_the_page_was_opened_stays_listed(client, u, login, staff, trainer, approved):
    session, tina = approved, staff.trainee
    entry = live_entry(tina, session)
    correct_status(client, u, login, trainer, session, tina, "late", "Arrived 20 minutes late")
    login(staff.manager)
    shown = section(page_text(client.get(u("lms.hours.review", org_slug="acme", entry_id=entry.id))))
    up_to = re.search(r'name="up_to" value="(\d+)"', shown).group(1)
    logout(client, u)
    correct_status(client, u, login, trainer, session, tina, "absent", "Wrong person on the sheet")
    login(staff.manager)
    client.submit(u("lms.hours.status_reviewed", org_slug="acme", entry_id=entry.id), {"up_to": up_to})
    listed = section(page_text(client.get(u("lms.hours.queue", org_slug="acme"))))
    assert "from “Late” to “Absent”" in listed and "from “Present” to “Late”" not in listed


def test_bad_input_and_other_organisations(client, u, login, staff, trainer, approved):
    session, tina = approved, staff.trainee
    entry = live_entry(tina, session)
    correct_status(client, u, login, trainer, session, tina, "absent", "No sign-in")
    login(staff.manager)
    bad = client.submit(u("lms.hours.status_reviewed", org_slug="acme", entry_id=entry.id), {"up_to": "12abc"})
    assert bad.status_code == 302
    assert "nothing was marked" in page_text(client.get(bad.headers["Location"]))
    assert section(page_text(client.get(u("lms.hours.queue", org_slug="acme"))))  # still listed
    logout(client, u)
    login(staff.other_manager)
    assert client.submit(u("lms.hours.status_reviewed", org_slug="acme", entry_id=entry.id), {}).status_code == 403
    assert client.submit(u("lms.hours.status_reviewed", org_slug="other", entry_id=entry.id), {}).status_code == 404
    assert not section(page_text(client.get(u("lms.hours.queue", org_slug="other"))))


def test_minutes_changes_and_pending_entries_are_not_listed(client, u, login, staff, trainer, module):
    """A correction of the minutes after approval goes to the queue as a pending adjustment (not this list); a status
    changed while the entry is still pending shows on its queue row at once, so neither is listed."""
    session = soon(module, trainer, -180, minutes=120)
    seat(session, staff.trainee, staff.colleague)
    stayed(session, staff.trainee, 90)
    interval = stayed(session, staff.colleague, 60)
    attendance.finalize(session, trainer, session.ends_at + timedelta(minutes=30), MIN_SHARE)
    db.session.commit()
    login(staff.manager)
    client.submit(u("lms.hours.approve", org_slug="acme", entry_id=live_entry(staff.colleague, session).id), {})
    logout(client, u)
    correct_status(client, u, login, trainer, session, staff.trainee, "absent", "Not on the sheet")  # still pending
    login(trainer)
    page = u("lms.sessions.attendance_person", session_id=session.id, user_id=staff.colleague.id)
    start = session.starts_at.strftime("%Y-%m-%dT%H:%M")
    end = (session.starts_at + timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M")
    assert client.submit(page, {"action": "time", "time-joined_at": start, "time-left_at": end,
                                "time-replaces": str(interval.id), "time-reason": "Left at 30"}).status_code == 302
    logout(client, u)
    assert entries(staff.colleague) == [(60, EntryStatus.APPROVED), (-30, EntryStatus.PENDING)]
    login(staff.manager)
    queue = page_text(client.get(u("lms.hours.queue", org_slug="acme")))
    assert not section(queue)
    assert "Attendance: Absent" in queue  # Tina's pending entry shows her status now
