"""Live sessions on the days the clocks change in California (2026-03-08, 2026-11-01, 2027-03-14) and late in the
evening, when the UTC date is already tomorrow: a weekly series keeps its local time, a session at 01:30 on the
fall-back day is the first 01:30, a time the spring-forward night skips is refused with a message naming it, and the
.ics file, the API, the check-in window and the reminder email all state the same instants. Time is frozen with
:mod:`tests.timezone_clock`."""

from __future__ import annotations

from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from sqlalchemy import func, select

from lms import db
from lms.live import checkin, registration
from lms.live.models import AttendanceInterval, LiveSession
from lms.live.report_parsing import parse_report
from tests.conftest import body_of
from tests.live_support import LA, live_course, schedule, session_form
from tests.timezone_clock import freeze, utc

NNBSP = "\u202f"


@pytest.fixture
def clock(app, monkeypatch):
    return freeze(monkeypatch, utc(2026, 10, 1, 17, 0))  # 10:00 PDT on 1 October 2026


@pytest.fixture
def module(trainer, clock):
    """A live module crediting an hour."""
    module = live_course(trainer)[1]
    module.credited_minutes = 60
    db.session.commit()
    return module


def _text(response) -> str:
    return response.get_data(as_text=True).replace(NNBSP, " ").replace("\xa0", " ")


def _event(client, u, session: LiveSession):
    response = client.get(u("lms.sessions.ics", session_id=session.id))
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    event, = Calendar.from_ical(response.get_data()).walk("VEVENT")
    return event, response.get_data(as_text=True)


def _count() -> int:
    return db.session.execute(select(func.count()).select_from(LiveSession)).scalar_one()


# ---------------------------------------------------------------- a weekly series across the end of daylight saving


def test_a_weekly_series_keeps_18_00_local_across_the_fall_back(client, u, module, trainer):
    sessions = schedule(module, trainer, repeat=3, day=date(2026, 10, 25), at=time(18, 0), minutes=90)
    assert [s.starts_at for s in sessions] == [utc(2026, 10, 26, 1, 0), utc(2026, 11, 2, 2, 0), utc(2026, 11, 9, 2, 0)]
    assert [s.starts_at.astimezone(ZoneInfo(LA)).time() for s in sessions] == [time(18, 0)] * 3
    assert all(s.ends_at - s.starts_at == timedelta(minutes=90) for s in sessions)
    # the .ics states UTC instants (a "Z" time needs no VTIMEZONE), the same ones
    event, raw = _event(client, u, sessions[1])
    assert "DTSTART:20261102T020000Z" in raw and "DTEND:20261102T033000Z" in raw
    assert event.decoded("DTSTART") == sessions[1].starts_at
    # and the API: UTC with a Z, and the session's own zone to read it in
    body = client.get(u("lms.api.get_session", session_id=sessions[1].id)).json
    assert (body["starts_at"], body["ends_at"], body["timezone"]) == ("2026-11-02T02:00:00Z", "2026-11-02T03:30:00Z", LA)


def test_a_session_at_01_30_on_the_fall_back_day_is_the_first_01_30(client, u, login, module, trainer):
    login(trainer)
    form = session_form(module, trainer, date(2026, 11, 1), start_time="01:30", minutes="60", address="Room 1")
    response = client.submit(u("lms.sessions.create"), form)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    session = db.session.execute(select(LiveSession)).scalar_one()
    assert (session.starts_at, session.ends_at) == (utc(2026, 11, 1, 8, 30), utc(2026, 11, 1, 9, 30))
    assert "Sunday, November 1, 2026 · 1:30 AM PDT – 1:30 AM PST" in _text(client.get(response.headers["Location"]))
    _event_, raw = _event(client, u, session)
    assert "DTSTART:20261101T083000Z" in raw and "DTEND:20261101T093000Z" in raw


def test_an_end_time_typed_on_the_fall_back_day_is_read_on_the_wall_clock(client, u, login, module, trainer):
    login(trainer)
    form = session_form(module, trainer, date(2026, 11, 1), start_time="00:30", end_time="02:00", minutes="",
                        address="Room 1")
    assert client.submit(u("lms.sessions.create"), form).status_code == 302
    session = db.session.execute(select(LiveSession)).scalar_one()
    assert session.ends_at - session.starts_at == timedelta(minutes=150)  # 00:30 PDT to 02:00 PST: the hour repeats


# ---------------------------------------------------------------- the spring-forward night


def test_02_30_on_the_spring_forward_day_is_refused_with_a_message(client, u, login, module, trainer, clock):
    clock.set(utc(2026, 2, 1, 18, 0))
    login(trainer)
    form = session_form(module, trainer, date(2026, 3, 8), start_time="02:30", minutes="60", address="Room 1")
    refused = client.submit(u("lms.sessions.create"), form)
    assert refused.status_code == 400
    assert ("March 8, 2026 at 02:30 does not exist in that time zone (the clocks change that night). "
            "Choose another time.") in _text(refused)
    assert _count() == 0
    accepted = client.submit(u("lms.sessions.create"), {**form, "start_time": "03:30"})
    assert accepted.status_code == 302
    session = db.session.execute(select(LiveSession)).scalar_one()
    assert session.starts_at == utc(2026, 3, 8, 10, 30)  # 03:30 PDT


def test_a_weekly_series_that_meets_a_skipped_time_is_refused_naming_that_week(client, u, login, module, trainer,
                                                                                clock):
    clock.set(utc(2026, 12, 1, 18, 0))
    login(trainer)
    form = session_form(module, trainer, date(2027, 2, 28), start_time="02:30", minutes="60", address="Room 1",
                        repeat="3")
    refused = client.submit(u("lms.sessions.create"), form)
    assert refused.status_code == 400 and "March 14, 2027 at 02:30 does not exist" in _text(refused)
    assert _count() == 0  # no part of the series


def test_a_session_across_the_spring_forward_lasts_its_real_minutes(client, u, module, trainer, clock):
    clock.set(utc(2026, 2, 1, 18, 0))
    session, = schedule(module, trainer, day=date(2026, 3, 7), at=time(23, 0), minutes=240)
    assert (session.starts_at, session.ends_at) == (utc(2026, 3, 8, 7, 0), utc(2026, 3, 8, 11, 0))  # 23:00 PST to 04:00 PDT
    _event_, raw = _event(client, u, session)
    assert "DTSTART:20260308T070000Z" in raw and "DTEND:20260308T110000Z" in raw


# ---------------------------------------------------------------- check-in window and reminders


def test_the_check_in_window_of_the_repeated_hour_is_in_real_time(module, trainer, clock):
    session, = schedule(module, trainer, day=date(2026, 11, 1), at=time(1, 30), minutes=60)
    grace = timedelta(minutes=15)
    assert checkin.window(session, grace) == (utc(2026, 11, 1, 8, 15), utc(2026, 11, 1, 9, 45))
    assert not checkin.in_window(session, utc(2026, 11, 1, 8, 14), grace)
    assert checkin.in_window(session, utc(2026, 11, 1, 9, 44), grace)  # 01:44 PST, the second 01:44
    assert not checkin.in_window(session, utc(2026, 11, 1, 9, 46), grace)


def test_the_24h_reminder_before_a_session_after_the_fall_back(runner, module, trainer, make_user, mailbox, clock):
    session, = schedule(module, trainer, day=date(2026, 11, 1), at=time(18, 0), minutes=60)  # 18:00 PST = 02:00Z
    rosa = make_user("rosa@example.org", name="Rosa", timezone=LA)
    registration.register(session, rosa, rosa, clock.now)
    db.session.commit()
    mailbox.clear()
    clock.set(utc(2026, 11, 1, 1, 59))  # 18:59 PDT on 31 October: 24 hours and a minute before
    assert runner.invoke(args=["lms", "send-reminders"]).exit_code == 0 and mailbox == []
    clock.set(utc(2026, 11, 1, 2, 0))
    assert runner.invoke(args=["lms", "send-reminders"]).exit_code == 0
    body = body_of(mailbox[0]).replace(NNBSP, " ")
    assert "When: Sunday, November 1, 2026 · 6:00 PM – 7:00 PM PST" in body


def test_a_late_evening_session_is_listed_on_its_local_day(client, u, module, trainer, clock):
    """23:30 PST on 7 December is 07:30 UTC on 8 December: the API's day filter is the caller's calendar."""
    clock.set(utc(2026, 12, 1, 18, 0))
    session, = schedule(module, trainer, day=date(2026, 12, 7), at=time(23, 30), minutes=60)
    listed = client.get(u("lms.api.list_sessions", **{"from": "2026-12-07", "until": "2026-12-07"})).json["sessions"]
    assert [s["id"] for s in listed] == [session.id] and listed[0]["starts_at"] == "2026-12-08T07:30:00Z"
    assert client.get(u("lms.api.list_sessions", **{"from": "2026-12-08"})).json["sessions"] == []


# ---------------------------------------------------------------- attendance times typed or imported in the repeated hour


def test_a_report_leave_time_in_the_repeated_hour_is_the_second_one():
    """Zoom writes wall-clock times without an offset: joined at 1:50 AM (PDT), left at 1:10 AM (PST, an hour
    later by the clock's second pass). Read as the first 1:10 it was "before the join time" and the row was lost."""
    report = parse_report("Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes)\r\n"
                          "Ana,ana@example.org,11/01/2026 01:50:00 AM,11/01/2026 01:10:00 AM,20\r\n"
                          "Ben,ben@example.org,11/01/2026 01:20:00 AM,11/01/2026 01:40:00 AM,20\r\n", LA)
    assert report.problems == []
    assert [(row.email, row.joined_at, row.left_at) for row in report.rows] == [
        ("ana@example.org", utc(2026, 11, 1, 8, 50), utc(2026, 11, 1, 9, 10)),
        ("ben@example.org", utc(2026, 11, 1, 8, 20), utc(2026, 11, 1, 8, 40)),  # not ambiguous in order: the first
    ]
    refused = parse_report("Name,User Email,Join Time,Leave Time\r\nAna,ana@example.org,11/02/2026 01:50:00 AM,"
                           "11/02/2026 01:10:00 AM\r\n", LA)
    assert [p.message for p in refused.problems] == ["The leave time is before the join time."]  # an ordinary night


def test_a_trainer_types_a_leave_time_in_the_repeated_hour(client, u, login, module, trainer, make_user, clock):
    session, = schedule(module, trainer, day=date(2026, 11, 1), at=time(0, 30), minutes=180)  # 00:30 PDT to 02:30 PST
    ana = make_user("ana@example.org", name="Ana Ruiz")
    registration.register(session, ana, ana, clock.now)
    db.session.commit()
    clock.set(utc(2026, 11, 1, 12, 0))  # the next morning
    login(trainer)
    path = u("lms.sessions.attendance_person", session_id=session.id, user_id=ana.id)
    response = client.submit(path, {"action": "time", "time-joined_at": "2026-11-01T01:50",
                                    "time-left_at": "2026-11-01T01:10"})
    assert response.status_code == 302, _text(response)[:3000]
    interval = db.session.execute(select(AttendanceInterval)).scalar_one()
    assert (interval.joined_at, interval.left_at) == (utc(2026, 11, 1, 8, 50), utc(2026, 11, 1, 9, 10))
