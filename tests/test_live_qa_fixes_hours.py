"""Fixes from a trainer's QA pass, hours and email side: live hours of someone with no organisation read "Own record"
on My hours (as the session page says: no organisation approves or pays it), the manager's entry page shows the
trainer's reason for a correction of final attendance, and session emails show the session's own local time."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from lms import db
from lms.db import utcnow
from lms.hours.models import EntryStatus, HoursEntry
from lms.live import attendance
from lms.live.models import AttendanceInterval
from lms.live.notices import send_session_email
from tests.conftest import body_of
from tests.live_support import live_course, page_text, schedule, seat, soon, stayed
from tests.test_hours_ledger import make_staff

MIN_SHARE = 75


def _finalised(module, trainer, person, minutes: int):
    """A 3-hour session of ``module`` that ended an hour ago: ``person`` had a seat and stayed ``minutes``, and the
    trainer has finalised attendance; committed."""
    session = soon(module, trainer, -240, minutes=180)
    seat(session, person)
    stayed(session, person, minutes)
    attendance.finalize(session, trainer, utcnow(), MIN_SHARE)
    db.session.commit()
    return session


def test_live_hours_of_someone_with_no_organisation_read_own_record(client, u, login, module, trainer, make_user):
    ana = make_user("ana@example.org", name="Ana Alone")
    session = _finalised(module, trainer, ana, 170)
    [entry] = db.session.execute(select(HoursEntry).where(HoursEntry.user_id == ana.id)).scalars()
    assert entry.org_id is None and entry.status is EntryStatus.PENDING  # the rule: nobody reviews it

    login(ana)
    detail = page_text(client.get(u("lms.sessions.detail", session_id=session.id)))
    assert "in your own training records only: no organisation approves or pays it" in detail
    mine = page_text(client.get(u("lms.hours.mine")))
    assert ("Approved: 0 minutes. Waiting for review: 0 minutes. In your own records only (no organisation reviews "
            "them): 2 hours 50 minutes.") in mine
    row = mine.split("<tbody")[1]
    assert '<span class="badge hours-own">Own record</span>' in row and "Pending" not in row
    entry_page = page_text(client.get(u("lms.hours.entry", entry_id=entry.id)))
    assert "Own record" in entry_page and "None (only in your own records)" in entry_page


def test_staff_live_hours_still_read_pending(client, u, login, trainer, make_user, make_org, add_member):
    staff = make_staff(make_user, make_org, add_member)
    _finalised(live_course(trainer)[1], trainer, staff.trainee, 170)
    login(staff.trainee)
    mine = page_text(client.get(u("lms.hours.mine")))
    assert "Waiting for review: 2 hours 50 minutes." in mine and "In your own records only" not in mine
    row = mine.split("<tbody")[1]
    assert '<span class="badge hours-pending">Pending</span>' in row and "Own record" not in row


def _correct(session, person, trainer, minutes: int, reason: str) -> None:
    active = db.session.execute(select(AttendanceInterval).where(
        AttendanceInterval.session_id == session.id, AttendanceInterval.user_id == person.id,
        AttendanceInterval.is_void.is_(False))).scalar_one()
    change = attendance.Change(void_interval_id=active.id, joined_at=session.starts_at,
                               left_at=session.starts_at + timedelta(minutes=minutes))
    attendance.change_attendance(session, person, change, trainer, utcnow(), MIN_SHARE, reason)
    db.session.commit()


def _history(client, u, org, entry) -> str:
    page = page_text(client.get(u("lms.hours.review", org_slug=org.slug, entry_id=entry.id)))
    return page.split(">History</h2>")[1].split("</ol>")[0]


def test_the_managers_entry_history_shows_the_trainers_reason_for_a_correction(client, u, login, trainer, make_user,
                                                                              make_org, add_member):
    staff = make_staff(make_user, make_org, add_member)
    session = _finalised(live_course(trainer)[1], trainer, staff.trainee, 90)
    [first] = db.session.execute(select(HoursEntry).where(HoursEntry.user_id == staff.trainee.id)).scalars()
    _correct(session, staff.trainee, trainer, 170, "Sign-in sheet shows she stayed to the end")
    _correct(session, staff.trainee, trainer, 160, "Left ten minutes early after all")
    pending = db.session.execute(select(HoursEntry).where(
        HoursEntry.user_id == staff.trainee.id, HoursEntry.status == EntryStatus.PENDING)).scalars().all()
    [latest] = pending

    login(staff.manager)
    history = _history(client, u, staff.org, latest)
    items = re.findall(r"<li>(.*?)</li>", history, re.S)
    assert "Carmen Coach · attendance corrected by the trainer: Left ten minutes early after all" in items[0]
    assert "recorded" in items[1]
    assert "Sign-in sheet" not in history  # the earlier correction made another entry, not this one
    assert "corrected by the trainer" not in _history(client, u, staff.org, first)  # made by finalising


def test_session_emails_show_the_sessions_own_time_when_zones_differ(module, trainer, make_user, mailbox):
    [session] = schedule(module, trainer)  # in person, in Los Angeles
    ana = make_user("ana@example.org", timezone="America/New_York")
    send_session_email("session_reminder", session, ana, "https://lms.example.org/sessions/1")
    body = body_of(mailbox[-1])
    assert "In the session's time zone (Pacific Time" in body


def test_the_email_partial_shows_the_sessions_time_when_given(app, module, trainer, make_user, mailbox):
    """What the templates do with ``when_there`` (the shared partial): shown once, after "When"."""
    [session] = schedule(module, trainer)  # in person, in Los Angeles
    ana = make_user("ana@example.org", timezone="America/New_York")
    send_session_email("session_reminder", session, ana, "https://lms.example.org/sessions/1",
                       when_there="Monday, December 7, 2026 · 6:00 PM – 8:00 PM PST")
    body = body_of(mailbox[-1])
    when = body.index("When: ")
    there = body.index("In the session's time zone (Pacific Time")
    assert when < there and body.count("In the session's time zone") == 1
    assert "Monday, December 7, 2026 · 6:00 PM – 8:00 PM PST" in body[there:]
    bea = make_user("bea@example.org", timezone="America/Los_Angeles")  # the session's own zone: said once
    send_session_email("session_reminder", session, bea, "https://lms.example.org/sessions/1")
    assert "In the session's time zone" not in body_of(mailbox[-1])


def test_the_cancellation_email_links_to_the_courses_other_sessions(client, u, login, module, trainer, make_user,
                                                                   mailbox):
    session = soon(module, trainer, 240)
    ana = make_user("ana@example.org")
    seat(session, ana)
    login(trainer)
    assert client.submit(u("lms.sessions.cancel", session_id=session.id), {"reason": "Trainer is ill"}).status_code == 302
    body = body_of(mailbox[-1])
    link = body.split("You can choose another session here:")[1].split()[0]
    assert link.endswith(u("lms.sessions.index", course="practice"))
