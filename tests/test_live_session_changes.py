"""Moving a session (new time, place or join link) tells everyone registered or waitlisted by email, in their language
and zone with the time before and now; calendars get a higher SEQUENCE; reminders already sent go out again for the
new time; a mail server that is down never loses the edit."""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta

from icalendar import Calendar

from lms import db
from lms.db import utcnow
from lms.live import calendar, registration, scheduling
from lms.live.models import LiveSession, SessionMode
from lms.live.times import when_text
from tests.conftest import SECRET, body_of
from tests.live_support import LA, schedule, seat, soon

NY = "America/New_York"


def _fields(session: LiveSession, **changes: str) -> dict:
    """The edit form as the page fills it in, with ``changes`` typed over it."""
    data = scheduling.data_of(session)
    values = {
        "module": str(data.module_id),
        "starts_on": data.starts_on.isoformat(),
        "start_time": data.start_time.strftime("%H:%M"),
        "end_time": "",
        "minutes": str(data.minutes),
        "timezone": data.timezone,
        "locale": data.locale,
        "mode": data.mode.value,
        "address": data.address,
        "join_url": data.join_url,
        "capacity": str(data.capacity),
        "deadline": "",
        "cost": "",
        "notes": data.notes,
        "trainers": [str(t) for t in data.trainer_ids],
    }
    return {**values, **changes}


def _edit(client, u, session: LiveSession, **changes: str):
    response = client.submit(u("lms.sessions.edit", session_id=session.id), _fields(session, **changes))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return client.get(response.headers["Location"]).get_data(as_text=True)


def _reload(session: LiveSession) -> LiveSession:
    db.session.expire_all()
    return db.session.get(LiveSession, session.id)


def _event(client, path: str):
    response = client.get(path)
    assert response.status_code == 200
    (event,) = Calendar.from_ical(response.get_data()).walk("VEVENT")
    return event


def test_a_new_time_is_emailed_to_everyone_in_their_language_and_zone(client, u, login, module, trainer, make_user, mailbox):
    (session,) = schedule(module, trainer, day=date(2038, 2, 2), at=time(12, 30), capacity=1)
    ana = make_user("ana@example.org", name="Ana", locale="en")
    rosa = make_user("rosa@example.org", name="Rosa", locale="es", timezone=NY)
    gone = make_user("gone@example.org")
    for person in (ana, rosa, gone):
        registration.register(session, person, person, utcnow())
    registration.cancel_registration(session, gone, gone, utcnow())  # left the waitlist: history, not told
    other = make_user("other@example.org")
    registration.register(session, other, other, utcnow())  # waitlisted too, like Rosa
    db.session.commit()
    was_start, was_end = session.starts_at, session.ends_at
    mailbox.clear()
    login(trainer)

    page = _edit(client, u, session, start_time="11:45")

    session = _reload(session)
    assert session.starts_at == was_start - timedelta(minutes=45) and session.ends_at == was_end - timedelta(minutes=45)
    assert "Session saved. 3 people are being told of the change by email." in page
    by_to = {m["To"]: m for m in mailbox}
    assert set(by_to) == {"ana@example.org", "rosa@example.org", "other@example.org"}  # not the cancelled one
    ana_body = body_of(by_to["ana@example.org"])
    assert by_to["ana@example.org"]["Subject"] == "Changed: Role-play practice"
    assert f"Before: {when_text(was_start, was_end, LA, 'en_US')}" in ana_body
    assert f"Now: {when_text(session.starts_at, session.ends_at, LA, 'en_US')}" in ana_body
    assert "11:45\u202fAM" in ana_body and "12:30\u202fPM" in ana_body
    assert "Address: 1200 Main Street, Fresno, CA" in ana_body  # she has a seat
    assert f"/sessions/{session.id}.ics" in ana_body and f"/sessions/{session.id}" in ana_body
    rosa_mail = by_to["rosa@example.org"]
    assert "Práctica de juegos de roles" in rosa_mail["Subject"] and "Hola, Rosa" in body_of(rosa_mail)
    assert when_text(was_start, was_end, NY, "es_US") in body_of(rosa_mail)  # her zone, Spanish formats
    assert when_text(session.starts_at, session.ends_at, NY, "es_US") in body_of(rosa_mail)
    waiting = body_of(by_to["other@example.org"])
    assert "waitlist" in waiting and "1200 Main Street" not in waiting  # the place is for people with a seat


def test_a_new_place_or_link_is_emailed_but_seats_and_notes_are_not(client, u, login, module, trainer, make_user, mailbox):
    (session,) = schedule(module, trainer, capacity=5)
    person = make_user("p@example.org")
    registration.register(session, person, person, utcnow())
    db.session.commit()
    login(trainer)
    mailbox.clear()
    page = _edit(client, u, session, capacity="8", notes="Bring a pen")
    assert "Session saved." in page and "being told" not in page and mailbox == []
    _edit(client, u, session, mode="hybrid", address="Room 4, 1200 Main Street", join_url="https://meet.example.org/new")
    (message,) = mailbox
    body = body_of(message)
    assert "New address: Room 4, 1200 Main Street" in body and "The online meeting has a new link." in body
    # a trainee joins with the session page's button, which records their time; the meeting link is not emailed
    assert "meet.example.org" not in body
    assert f"the session page, so your attendance time is recorded: http://lms.test/sessions/{session.id}" in body
    assert "Before:" not in body and "When:" in body  # the time did not change


def test_the_calendar_sequence_counts_each_change(client, u, login, module, trainer, make_user):
    (session,) = schedule(module, trainer)
    session.created_at = utcnow() - timedelta(hours=1)  # calendars count whole seconds: an hour apart is clear
    person = make_user()
    registration.register(session, person, person, utcnow())
    db.session.commit()
    ics = u("lms.sessions.ics", session_id=session.id)
    feed = u("lms.sessions.feed", token=calendar.feed_token(person, SECRET))
    first = _event(client, ics)
    assert int(first["SEQUENCE"]) == 0 and int(_event(client, feed)["SEQUENCE"]) == 0
    login(trainer)

    _edit(client, u, session, start_time="17:00")
    moved = _event(client, ics)
    assert int(moved["SEQUENCE"]) == 1 and int(_event(client, feed)["SEQUENCE"]) == 1
    assert moved.decoded("LAST-MODIFIED") > first.decoded("LAST-MODIFIED")
    assert moved.decoded("DTSTART") == _reload(session).starts_at
    _edit(client, u, session, capacity="12")  # nothing a calendar shows
    assert int(_event(client, ics)["SEQUENCE"]) == 1
    _edit(client, u, session, address="Room 9")
    assert int(_event(client, ics)["SEQUENCE"]) == 2
    client.submit(u("lms.sessions.cancel", session_id=session.id), {"reason": "Storm"})
    cancelled = _event(client, feed)
    assert int(cancelled["SEQUENCE"]) == 3 and str(cancelled["STATUS"]) == "CANCELLED"


def test_a_sent_reminder_goes_out_again_for_the_new_time(client, u, login, runner, module, trainer, make_user, mailbox):
    session = soon(module, trainer, 30)
    person = make_user("p@example.org")
    registration.register(session, person, person, utcnow())
    db.session.commit()
    assert runner.invoke(args=["lms", "send-reminders"]).exit_code == 0
    assert [m["Subject"] for m in mailbox] == ["Reminder: Role-play practice"]
    login(trainer)
    later = (session.starts_at + timedelta(minutes=20)).strftime("%H:%M")  # the session's zone is UTC
    _edit(client, u, session, start_time=later, starts_on=(session.starts_at + timedelta(minutes=20)).date().isoformat())
    assert runner.invoke(args=["lms", "send-reminders"]).exit_code == 0
    assert [m["Subject"] for m in mailbox] == [
        "Reminder: Role-play practice",
        "Changed: Role-play practice",
        "Reminder: Role-play practice",
    ]
    assert runner.invoke(args=["lms", "send-reminders"]).exit_code == 0
    assert len(mailbox) == 3  # once for the new time, not again


def test_a_mail_server_that_is_down_never_loses_the_edit(app, client, u, login, module, trainer, make_user, mailbox, caplog):
    (session,) = schedule(module, trainer)
    for person in (make_user("a@example.org"), make_user("b@example.org")):
        registration.register(session, person, person, utcnow())
    db.session.commit()
    login(trainer)
    app.config["LMS_MAIL_PORT"] = 1  # nothing listens there
    with caplog.at_level(logging.WARNING):
        page = _edit(client, u, session, start_time="19:15")
    assert _reload(session).starts_at.minute == 15 and _reload(session).sequence == 1
    assert "2 people could not be emailed about the change: a@example.org, b@example.org." in page
    assert any("could not email 2 people about its change" in r.getMessage() for r in caplog.records)
    assert mailbox == []


def test_correcting_a_session_that_is_over_tells_nobody(app, module, trainer, make_user, mailbox):
    (session,) = schedule(module, trainer, allow_past=True, day=date(2025, 3, 4))
    person = make_user()
    seat(session, person)
    data = scheduling.data_of(session)
    update = scheduling.update_session(session, data.__class__(**{**data.__dict__, "start_time": time(17, 30)}), trainer, utcnow())
    assert update.changes == ("time",) and update.to_tell == [] and session.sequence == 1


def test_the_change_is_in_the_audit_log(app, module, trainer):
    from sqlalchemy import select

    from lms.audit import AuditEvent

    (session,) = schedule(module, trainer, mode=SessionMode.IN_PERSON)
    data = scheduling.data_of(session)
    was = session.starts_at
    scheduling.update_session(session, data.__class__(**{**data.__dict__, "start_time": time(9, 0)}), trainer, utcnow())
    db.session.commit()
    event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "live_session.updated")).scalar_one()
    assert event.data["changes"] == ["time"] and datetime.fromisoformat(event.data["was_starts_at"]) == was
