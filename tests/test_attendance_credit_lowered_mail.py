"""A trainee is emailed, in their language, when a trainer's correction of their final attendance lowers the time
credited to them: which session, the time before and now, who corrected it, why, and whom to ask. An increase is
emailed too (tests/test_creditmail_changes.py); not a status-only correction (a status credits no time), a change
before attendance is final, or nothing at all. Received by the real SMTP test server; driven through the trainer's
page and the API."""

from __future__ import annotations

from datetime import timedelta

import pytest

from lms import db
from lms.live import attendance
from tests.conftest import body_of
from tests.live_support import page_text, seat, soon, stayed
from tests.test_hours_ledger import Staff, make_staff

MIN_SHARE = 75


@pytest.fixture
def staff(make_user, make_org, add_member) -> Staff:
    return make_staff(make_user, make_org, add_member)


@pytest.fixture
def paula(make_user, staff, add_member):
    """A Spanish-speaking promotora of acme."""
    person = make_user("paula@example.org", name="Paula Promotora", locale="es")
    add_member(staff.org, person)
    return person


def finalised(module, trainer, *people_minutes):
    """A 120-minute session that ended an hour ago, each (person, minutes) there from the start, finalised; returns
    the session and each person's interval."""
    session = soon(module, trainer, -180, minutes=120)
    seat(session, *(person for person, _minutes in people_minutes))
    intervals = {person.id: stayed(session, person, minutes) for person, minutes in people_minutes}
    attendance.finalize(session, trainer, session.ends_at + timedelta(minutes=30), MIN_SHARE)
    db.session.commit()
    return session, intervals


def set_time(client, u, session, person, interval, minutes: int, reason: str = "Sign-in sheet says so"):
    """On the trainer's page of the person: their time replaced by ``minutes`` from the start."""
    start = session.starts_at
    response = client.submit(u("lms.sessions.attendance_person", session_id=session.id, user_id=person.id), {
        "action": "time", "time-joined_at": start.strftime("%Y-%m-%dT%H:%M"),
        "time-left_at": (start + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M"),
        "time-replaces": str(interval.id), "time-reason": reason})
    assert response.status_code == 302, page_text(response)[:2000]
    return response


def test_fewer_minutes_email_the_trainee(client, u, login, staff, module, trainer, mailbox):
    tina = staff.trainee
    session, intervals = finalised(module, trainer, (tina, 90))
    mailbox.clear()
    login(trainer)
    set_time(client, u, session, tina, intervals[tina.id], 30, "Left at the break (sign-in sheet)")
    [message] = mailbox
    body = body_of(message)
    assert message["To"] == "tina@example.org"
    assert message["Subject"] == "Your training time was corrected: Role-play practice"
    assert "Hello Tina Trainee," in body
    assert 'Carmen Coach corrected your attendance of the live session "Role-play practice"' in body
    assert "Credited time before: 1 hour 30 minutes" in body and "Credited time now: 30 minutes" in body
    assert "Corrected by: Carmen Coach" in body and "Reason: Left at the break (sign-in sheet)" in body
    assert "ask Carmen Coach, who made it, or a manager of your organisation" in body
    assert f"/sessions/{session.id}" in body and "/hours/" in body

    mailbox.clear()
    set_time(client, u, session, tina, _active(session, tina), 60, "Found the second page of the sheet")  # up: told
    [message] = mailbox
    assert "Credited time now: 1 hour" in body_of(message) and "more training time" in body_of(message)
    mailbox.clear()
    client.submit(u("lms.sessions.attendance_person", session_id=session.id, user_id=tina.id),
                  {"action": "status", "status-status": "absent", "status-reason": "Not on the sheet"})  # status only
    assert mailbox == []


def test_a_spanish_speaker_reads_it_in_spanish(client, u, login, staff, module, trainer, paula, mailbox):
    session, intervals = finalised(module, trainer, (paula, 120))
    mailbox.clear()
    login(trainer)
    set_time(client, u, session, paula, intervals[paula.id], 45)
    [message] = mailbox
    body = body_of(message)
    assert message["To"] == "paula@example.org"
    assert "Hola, Paula Promotora:" in body and "Práctica de juegos de roles" in body
    assert "2 horas" in body and "45 minutos" in body


def test_the_api_tells_too_and_before_finalising_nobody_is_told(client, u, login, staff, module, trainer, mailbox):
    tina, carl = staff.trainee, staff.colleague
    open_session = soon(module, trainer, -60, minutes=120)  # under way: not final
    seat(open_session, carl)
    early = stayed(open_session, carl, 40)
    session, intervals = finalised(module, trainer, (tina, 100))
    mailbox.clear()
    login(trainer)
    token = client.csrf_token()
    start = open_session.starts_at
    put = client.put(u("lms.api.update_attendance", session_id=open_session.id, user_id=carl.id), headers={
        "X-CSRFToken": token}, json={"void_interval_id": early.id, "interval": {
            "joined_at": start.isoformat(), "left_at": (start + timedelta(minutes=10)).isoformat()}})
    assert put.status_code == 200, put.json
    assert mailbox == []

    start = session.starts_at
    put = client.put(u("lms.api.update_attendance", session_id=session.id, user_id=tina.id), headers={
        "X-CSRFToken": token}, json={"void_interval_id": intervals[tina.id].id, "reason": "Camera off, not there",
                                     "interval": {"joined_at": start.isoformat(),
                                                  "left_at": (start + timedelta(minutes=20)).isoformat()}})
    assert put.status_code == 200, put.json
    [message] = mailbox
    body = body_of(message)
    assert "Credited time before: 1 hour 40 minutes" in body and "Credited time now: 20 minutes" in body
    assert "Reason: Camera off, not there" in body


def test_an_unreachable_mail_server_keeps_the_correction_and_tells_the_trainer(app, client, u, login, staff, module,
                                                                              trainer, mailbox):
    tina = staff.trainee
    session, intervals = finalised(module, trainer, (tina, 90))
    login(trainer)
    app.config["LMS_MAIL_PORT"] = 1  # nothing listens there
    response = set_time(client, u, session, tina, intervals[tina.id], 30)
    page = page_text(client.get(response.headers["Location"]))
    assert "We could not email: tina@example.org. Please tell them another way." in page
    assert attendance_minutes(session, tina) == 30


def _active(session, person):
    from sqlalchemy import select

    from lms.live.models import AttendanceInterval

    return db.session.execute(select(AttendanceInterval).where(
        AttendanceInterval.session_id == session.id, AttendanceInterval.user_id == person.id,
        AttendanceInterval.is_void.is_(False))).scalar_one()


def attendance_minutes(session, person) -> int:
    from tests.live_support import attendance_row

    return attendance_row(session, person).minutes
