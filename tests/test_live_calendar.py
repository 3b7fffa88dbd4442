"""iCalendar for live sessions: one session's .ics and the personal feed with a secret, revocable link; parsed back
with the icalendar library, including a weekly series across the end of daylight saving time."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar

from lms import db
from lms.db import utcnow
from lms.live import calendar, registration, scheduling
from lms.live.models import CalendarFeed, SessionMode
from tests.conftest import SECRET
from tests.live_support import LA, schedule, seat


def _events(response) -> list:
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype == "text/calendar"
    parsed = Calendar.from_ical(response.get_data())
    assert str(parsed["METHOD"]) == "PUBLISH" and str(parsed["VERSION"]) == "2.0"
    return list(parsed.walk("VEVENT"))


def _feed_path(u, client) -> str:
    page = client.get(u("lms.sessions.mine")).get_data(as_text=True)
    start = page.index("/sessions/feed/")
    return page[start:page.index(".ics", start) + 4]


def test_one_session_as_ics_in_the_readers_language(client, u, login, module, trainer, make_user):
    session, = schedule(module, trainer, day=date(2038, 2, 2), mode=SessionMode.HYBRID,
                        join_url="https://meet.example.org/room")
    anonymous, = _events(client.get(u("lms.sessions.ics", session_id=session.id)))
    assert str(anonymous["UID"]) == f"session-{session.id}@lms.test"
    assert anonymous.decoded("DTSTART") == datetime(2038, 2, 3, 2, 0, tzinfo=UTC)  # 18:00 in Los Angeles
    assert anonymous.decoded("DTEND") == datetime(2038, 2, 3, 4, 0, tzinfo=UTC)
    assert str(anonymous["SUMMARY"]) == "Role-play practice · Practice course (English)" and str(anonymous["STATUS"]) == "CONFIRMED"
    assert "LOCATION" not in anonymous and "meet.example.org" not in str(anonymous["DESCRIPTION"])
    assert str(anonymous["URL"]).endswith(f"/sessions/{session.id}")
    reader = make_user(locale="es")
    registration.register(session, reader, reader, utcnow())
    db.session.commit()
    login(reader)
    mine, = _events(client.get(u("lms.sessions.ics", session_id=session.id)))
    assert str(mine["UID"]) == str(anonymous["UID"])  # stable: calendars update rather than duplicate
    assert str(mine["SUMMARY"]) == "Práctica de juegos de roles · Curso de práctica (inglés)"
    assert str(mine["LOCATION"]) == "1200 Main Street, Fresno, CA"
    # a trainee joins from the session page (its button records their time), never from the meeting link itself
    assert "meet.example.org" not in mine.to_ical().decode()
    description = str(mine["DESCRIPTION"])
    assert f"tiempo de asistencia: {mine['URL']}" in description and description.count(str(mine["URL"])) == 1
    login(trainer)
    leading, = _events(client.get(u("lms.sessions.ics", session_id=session.id)))
    assert "meet.example.org/room" in str(leading["LOCATION"]) and "meet.example.org/room" in str(leading["DESCRIPTION"])


def test_a_cancelled_session_shows_as_cancelled(client, u, module, trainer):
    session, = schedule(module, trainer)
    scheduling.cancel_session(session, "Storm warning", trainer, utcnow())
    db.session.commit()
    event, = _events(client.get(u("lms.sessions.ics", session_id=session.id)))
    assert str(event["STATUS"]) == "CANCELLED" and "Storm warning" in str(event["DESCRIPTION"])


def test_the_personal_feed_keeps_18_00_local_across_the_end_of_daylight_saving(client, u, login, module, trainer,
                                                                              make_user):
    sessions = schedule(module, trainer, repeat=4, allow_past=True, day=date(2026, 10, 20))
    person = make_user(locale="es")
    for session in sessions:  # registered by hand: the series is in the past
        seat(session, person)
    feed = calendar.feed_token(person, SECRET)
    events = _events(client.get(u("lms.sessions.feed", token=feed)))  # no sign-in: calendar apps have no cookies
    starts = sorted(e.decoded("DTSTART") for e in events)
    assert [s.astimezone(ZoneInfo(LA)).strftime("%Y-%m-%d %H:%M") for s in starts] == [
        "2026-10-20 18:00", "2026-10-27 18:00", "2026-11-03 18:00", "2026-11-10 18:00"]
    assert [s.utcoffset() for s in starts] == [timedelta(0)] * 4  # written in UTC
    assert {str(e["SUMMARY"]) for e in events} == {"Práctica de juegos de roles · Curso de práctica (inglés)"}  # the owner's language
    assert len({str(e["UID"]) for e in events}) == 4


def test_the_feed_link_is_secret_and_can_be_reset_or_turned_off(client, u, login, module, trainer, make_user):
    seat, waiting = schedule(module, trainer, repeat=2, capacity=1)
    person, other = make_user(), make_user()
    registration.register(waiting, other, other, utcnow())
    registration.register(seat, person, person, utcnow())
    registration.register(waiting, person, person, utcnow())  # waitlisted: not in the calendar
    db.session.commit()
    login(person)
    old = _feed_path(u, client)
    events = _events(client.get(old))
    assert [e.decoded("DTSTART") for e in events] == [seat.starts_at]
    assert "1200 Main Street" in str(events[0]["LOCATION"])
    assert client.get(old.replace("/feed/", "/feed/x")).status_code == 404  # forged
    assert client.get(u("lms.sessions.feed", token=calendar.feed_token(other, "another-secret" * 4))).status_code == 404
    assert client.submit(u("lms.sessions.calendar_feed"), {"action": "reset"}).status_code == 302
    new = _feed_path(u, client)
    assert new != old
    assert client.get(old).status_code == 404 and client.get(new).status_code == 200
    assert db.session.query(CalendarFeed).one().version == 2
    client.submit(u("lms.sessions.calendar_feed"), {"action": "off"})
    assert client.get(new).status_code == 404
    assert "/sessions/feed/" not in client.get(u("lms.sessions.mine")).get_data(as_text=True)
    assert calendar.user_for_feed_token(new, SECRET) is None


def test_a_trainer_feed_lists_the_sessions_they_lead(client, u, module, trainer):
    schedule(module, trainer, repeat=2, trainer_ids=(trainer.id,))
    events = _events(client.get(u("lms.sessions.feed", token=calendar.feed_token(trainer, SECRET))))
    assert len(events) == 2 and all("1200 Main Street" in str(e["LOCATION"]) for e in events)
