"""Attendance times that never happen: the hour the clocks skip on the spring-forward night (02:00-03:00 on
2026-03-08 in California). Typed by a trainer (a person's join or leave time, the time a session ended early) they
are refused at the field with the words scheduling uses; in an imported report they make a row problem. Neither is
read as the hour after (docs/live-attendance.md). Time is frozen with :mod:`tests.timezone_clock`."""

from __future__ import annotations

import html
import io
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from lms import db
from lms.live import registration
from lms.live.models import AttendanceInterval, LiveSession
from lms.live.report_parsing import parse_report, parse_time
from lms.live.times import NonexistentTime, wall_to_utc
from tests.live_support import LA, live_course, schedule
from tests.timezone_clock import freeze, utc

NNBSP = "\u202f"
SKIPPED = ("March 8, 2026 at 02:30 does not exist in that time zone (the clocks change that night). "
           "Choose another time.")


@pytest.fixture
def clock(app, monkeypatch):
    return freeze(monkeypatch, utc(2026, 2, 1, 18, 0))


@pytest.fixture
def night(trainer, make_user, clock):
    """A session from 01:00 PST to 04:00 PDT on the spring-forward night (two hours long), Ana registered."""
    module = live_course(trainer)[1]
    module.credited_minutes = 60
    session, = schedule(module, trainer, day=date(2026, 3, 8), at=time(1, 0), minutes=120)
    assert (session.starts_at, session.ends_at) == (utc(2026, 3, 8, 9, 0), utc(2026, 3, 8, 11, 0))
    ana = make_user("ana@example.org", name="Ana Ruiz")
    registration.register(session, ana, ana, clock.now)
    db.session.commit()
    return session, ana


def _text(response) -> str:
    return response.get_data(as_text=True).replace(NNBSP, " ").replace("\xa0", " ")


def _intervals() -> list[tuple[datetime, datetime | None]]:
    db.session.expire_all()
    return [(i.joined_at, i.left_at) for i in db.session.execute(select(AttendanceInterval)).scalars()]


def test_wall_to_utc_refuses_a_skipped_time_and_keeps_the_others():
    tz = ZoneInfo(LA)
    with pytest.raises(NonexistentTime):
        wall_to_utc(datetime(2026, 3, 8, 2, 30), tz)
    assert wall_to_utc(datetime(2026, 3, 8, 1, 59), tz) == utc(2026, 3, 8, 9, 59)  # PST
    assert wall_to_utc(datetime(2026, 3, 8, 3, 0), tz) == utc(2026, 3, 8, 10, 0)  # PDT
    assert wall_to_utc(datetime(2026, 11, 1, 1, 30), tz) == utc(2026, 11, 1, 8, 30)  # the first 01:30 of the fall back


@pytest.mark.parametrize(("typed", "field"), [
    ({"time-joined_at": "2026-03-08T02:30"}, "time-joined_at"),
    ({"time-joined_at": "2026-03-08T01:30", "time-left_at": "2026-03-08T02:30"}, "time-left_at"),
])
def test_a_trainer_typing_a_skipped_time_is_told_so_at_the_field(client, u, login, trainer, night, clock, typed,
                                                                  field):
    session, ana = night
    clock.set(utc(2026, 3, 8, 20, 0))  # that afternoon
    login(trainer)
    path = u("lms.sessions.attendance_person", session_id=session.id, user_id=ana.id)
    refused = client.submit(path, {"action": "time", **typed})
    assert refused.status_code == 400 and f'<p class="error" id="{field}-error">{SKIPPED}</p>' in _text(refused)
    assert _intervals() == []  # not saved as 03:30
    accepted = client.submit(path, {"action": "time", "time-joined_at": "2026-03-08T01:30",
                                    "time-left_at": "2026-03-08T03:30"})
    assert accepted.status_code == 302, _text(accepted)[:3000]
    assert _intervals() == [(utc(2026, 3, 8, 9, 30), utc(2026, 3, 8, 10, 30))]  # 01:30 PST to 03:30 PDT: an hour


def test_an_early_end_at_a_skipped_time_is_refused(client, u, login, trainer, night, clock):
    session, _ana = night
    clock.set(utc(2026, 3, 8, 10, 45))  # 03:45 PDT, before the scheduled end at 04:00
    login(trainer)
    path = u("lms.sessions.finalize_attendance", session_id=session.id)
    refused = client.submit(path, {"confirm": "yes", "early": "yes", "ended_at": "2026-03-08T02:30"})
    assert refused.status_code == 400 and f'<p class="error" id="ended_at-error">{SKIPPED}</p>' in _text(refused)
    db.session.expire_all()
    assert db.session.get(LiveSession, session.id).attendance_finalized_at is None
    done = client.submit(path, {"confirm": "yes", "early": "yes", "ended_at": "2026-03-08T03:15"})
    assert done.status_code == 302, _text(done)[:3000]
    db.session.expire_all()
    assert db.session.get(LiveSession, session.id).attendance_finalized_at is not None


def test_a_report_row_at_a_skipped_time_is_a_row_problem():
    report = parse_report("Name,User Email,Join Time,Leave Time\r\n"
                          "Ana,ana@example.org,03/08/2026 01:30:00 AM,03/08/2026 02:30:00 AM\r\n"
                          "Ben,ben@example.org,03/08/2026 02:05,03/08/2026 03:30\r\n"
                          "Eva,eva@example.org,03/08/2026 01:30:00 AM,03/08/2026 03:30:00 AM\r\n", LA)
    assert [(p.line, p.email, p.message) for p in report.problems] == [
        (2, "ana@example.org", "The time '03/08/2026 02:30:00 AM' does not exist in the session's time zone (the "
                               "clocks skip that hour that night)."),
        (3, "ben@example.org", "The time '03/08/2026 02:05' does not exist in the session's time zone (the clocks "
                               "skip that hour that night)."),
    ]
    assert [(row.email, row.joined_at, row.left_at) for row in report.rows] == [
        ("eva@example.org", utc(2026, 3, 8, 9, 30), utc(2026, 3, 8, 10, 30))]
    assert parse_time("2026-03-08T02:30:00-08:00", ZoneInfo(LA)) == utc(2026, 3, 8, 10, 30)  # an offset: it exists


def test_a_report_with_a_skipped_time_imported_from_the_page(client, u, login, trainer, night, clock):
    session, ana = night
    clock.set(utc(2026, 3, 8, 20, 0))
    login(trainer)
    data = (b"Name,User Email,Join Time,Leave Time\r\n"
            b"Ana Ruiz,ana@example.org,03/08/2026 01:30 AM,03/08/2026 02:45 AM\r\n")
    response = client.submit(u("lms.sessions.import_report", session_id=session.id),
                             {"file": (io.BytesIO(data), "sheet.csv")}, content_type="multipart/form-data")
    page = html.unescape(_text(response))
    assert "The time '03/08/2026 02:45 AM' does not exist in the session's time zone" in page, page[-3000:]
    assert db.session.execute(select(func.count()).select_from(AttendanceInterval)).scalar_one() == 0


def test_the_api_refuses_a_skipped_time_without_an_offset(client, u, trainer, night, clock):
    """``PUT /api/v1/sessions/<id>/attendance/<user_id>`` reads a time without an offset as the web form does."""
    from tests.api_support import bearer

    session, ana = night
    clock.set(utc(2026, 3, 8, 20, 0))
    headers = bearer(trainer)
    path = u("lms.api.update_attendance", session_id=session.id, user_id=ana.id)
    refused = client.put(path, json={"interval": {"joined_at": "2026-03-08T01:30", "left_at": "2026-03-08T02:30"}},
                         headers=headers)
    assert refused.status_code == 400, refused.json
    assert refused.json["error"]["message"] == SKIPPED and refused.json["error"]["fields"] == ["interval.left_at"]
    assert _intervals() == []
    accepted = client.put(path, json={"interval": {"joined_at": "2026-03-08T01:30",
                                                   "left_at": "2026-03-08T03:30"}}, headers=headers)
    assert accepted.status_code == 200, accepted.json
    assert _intervals() == [(utc(2026, 3, 8, 9, 30), utc(2026, 3, 8, 10, 30))]
