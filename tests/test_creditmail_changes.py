"""Any change of the time a trainee's final attendance credits is emailed to them, down or up, with the figure that
stands now (lms/live/credit_notices.py): a trainer who corrects a time in two steps (sets the wrong one aside, then
adds the right one) sends two emails, the last with the new minutes, so the trainee's last word is right. A save
that leaves the credited minutes as they were emails nobody. Received by the real SMTP test server."""

from __future__ import annotations

from datetime import timedelta

import pytest

from lms import db
from tests.conftest import body_of
from tests.live_support import page_text
from tests.test_attendance_credit_lowered_mail import _active, attendance_minutes, finalised, set_time
from tests.test_attendance_report_kept import send, sheet
from tests.test_hours_ledger import Staff, make_staff


@pytest.fixture
def staff(make_user, make_org, add_member) -> Staff:
    return make_staff(make_user, make_org, add_member)


@pytest.fixture
def paula(make_user, staff, add_member):
    person = make_user("paula@example.org", name="Paula Promotora", locale="es")
    add_member(staff.org, person)
    return person


def _person(u, session, person) -> str:
    return u("lms.sessions.attendance_person", session_id=session.id, user_id=person.id)


def set_aside(client, u, session, person, interval, reason: str = "Wrong time"):
    response = client.submit(_person(u, session, person), {
        "action": "remove", "remove-interval_id": str(interval.id), "remove-reason": reason})
    assert response.status_code == 302, page_text(response)[:2000]


def add_time(client, u, session, person, minutes: int, reason: str = "Sign-in sheet"):
    start = session.starts_at
    response = client.submit(_person(u, session, person), {
        "action": "time", "time-joined_at": start.strftime("%Y-%m-%dT%H:%M"),
        "time-left_at": (start + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M"), "time-replaces": "",
        "time-reason": reason})
    assert response.status_code == 302, page_text(response)[:2000]


def test_set_aside_then_added_again_sends_two_emails_the_last_with_the_new_time(client, u, login, staff, module,
                                                                                trainer, mailbox):
    tina = staff.trainee
    session, intervals = finalised(module, trainer, (tina, 90))
    mailbox.clear()
    login(trainer)
    set_aside(client, u, session, tina, intervals[tina.id], "Wrong day on the sheet")
    add_time(client, u, session, tina, 60, "The right time, from the sheet")
    assert attendance_minutes(session, tina) == 60
    first, last = mailbox
    down, up = body_of(first), body_of(last)
    assert "Credited time before: 1 hour 30 minutes" in down and "Credited time now: 0 minutes" in down
    assert "It now credits you less training time." in down
    assert last["To"] == "tina@example.org"
    assert last["Subject"] == "Your training time was corrected: Role-play practice"
    assert "Credited time before: 0 minutes" in up and "Credited time now: 1 hour" in up
    assert "Credited time now: 1 hour 30" not in up
    assert "It now credits you more training time." in up and "less training time" not in up
    assert "Corrected by: Carmen Coach" in up and "Reason: The right time, from the sheet" in up
    assert "Your training hours follow this change." in up
    assert f"/sessions/{session.id}" in up and "/hours/" in up


def test_a_spanish_speaker_gets_the_new_figure_in_spanish(client, u, login, staff, module, trainer, paula, mailbox):
    session, intervals = finalised(module, trainer, (paula, 90))
    mailbox.clear()
    login(trainer)
    set_aside(client, u, session, paula, intervals[paula.id])
    add_time(client, u, session, paula, 45)
    first, last = mailbox
    assert "Tiempo acreditado ahora: 0 minutos" in body_of(first)
    assert "Tiempo acreditado ahora: 45 minutos" in body_of(last)


def test_a_save_that_leaves_the_credited_time_as_it_was_emails_nobody(client, u, login, staff, module, trainer,
                                                                      mailbox):
    tina = staff.trainee
    session, intervals = finalised(module, trainer, (tina, 90))
    mailbox.clear()
    login(trainer)
    set_time(client, u, session, tina, intervals[tina.id], 90, "Same time, from the sheet")  # replaced by the same
    client.submit(_person(u, session, tina), {"action": "status", "status-status": "late",
                                              "status-reason": "Came late"})  # a status credits no time
    assert attendance_minutes(session, tina) == 90
    assert mailbox == []
    set_time(client, u, session, tina, _active(session, tina), 100, "Stayed longer")
    [message] = mailbox
    assert "Credited time now: 1 hour 40 minutes" in body_of(message)


def test_the_api_tells_an_increase_too(client, u, login, staff, module, trainer, mailbox):
    tina = staff.trainee
    session, intervals = finalised(module, trainer, (tina, 30))
    mailbox.clear()
    login(trainer)
    start = session.starts_at
    put = client.put(u("lms.api.update_attendance", session_id=session.id, user_id=tina.id),
                     headers={"X-CSRFToken": client.csrf_token()},
                     json={"void_interval_id": intervals[tina.id].id, "reason": "Stayed to the end",
                           "interval": {"joined_at": start.isoformat(),
                                        "left_at": (start + timedelta(minutes=120)).isoformat()}})
    assert put.status_code == 200, put.json
    [message] = mailbox
    body = body_of(message)
    assert "Credited time before: 30 minutes" in body and "Credited time now: 2 hours" in body
    assert "It now credits you more training time." in body


def test_a_report_imported_after_finalising_tells_whose_time_changed(client, u, login, staff, module, trainer,
                                                                     make_user, mailbox):
    tina = staff.trainee
    session, _intervals = finalised(module, trainer, (tina, 30), (staff.colleague, 110))
    mailbox.clear()
    login(trainer)
    emails = (tina.email, staff.colleague.email)
    response = send(client, u, session, file=(sheet(session, *emails), "sheet.csv"), reason="The sign-in sheet")
    assert response.status_code == 200, page_text(response)[:2000]
    db.session.expire_all()
    assert attendance_minutes(session, tina) == 110
    [message] = mailbox  # the colleague's 110 minutes did not change
    body = body_of(message)
    assert message["To"] == tina.email
    assert "Credited time before: 30 minutes" in body and "Credited time now: 1 hour 50 minutes" in body
    assert "Reason: The sign-in sheet" in body
