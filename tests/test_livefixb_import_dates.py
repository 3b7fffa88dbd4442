"""Importing a sign-in sheet or the roster's own download (lms.live.report_parsing):

- day-first dates, as a sheet typed with Spanish settings writes them (``06/12/2026 09:20`` for 6 December), are read
  so: a date that reads both ways takes the reading nearer the session; one that reads one way only (``23/11/2026``)
  is read that way; ISO dates too. The import page says which dates are accepted.
- the roster's "Download attendance (CSV)" names the time zone in its headers ("Entrada (America/Los_Angeles)"): the
  importer reads those headers, in that zone, so the download imports again and changes nobody's minutes.
"""

from __future__ import annotations

import html
import io
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from lms import db
from lms.db import utcnow
from lms.live import roster as rosters
from lms.live.models import AttendanceInterval, IntervalSource
from lms.live.report_parsing import parse_report, parse_time
from tests.live_support import LA, add_time, held_at, seat

MADRID = "Europe/Madrid"


def _near(start: datetime, minutes: int = 120) -> tuple[datetime, datetime]:
    return start, start + timedelta(minutes=minutes)


# ---------------------------------------------------------------- dates


@pytest.mark.parametrize("written, expected", [
    ("06/12/2026 09:20", datetime(2026, 12, 6, 8, 20, tzinfo=UTC)),  # day first: 6 December (Madrid is UTC+1)
    ("12/06/2026 9:20 AM", datetime(2026, 12, 6, 8, 20, tzinfo=UTC)),  # month first, as Zoom in US English
    ("06/12/26 9:20 a. m.", datetime(2026, 12, 6, 8, 20, tzinfo=UTC)),  # Spanish AM
    ("06.12.2026 09:20:30", datetime(2026, 12, 6, 8, 20, 30, tzinfo=UTC)),
    ("06-12-2026 09:20", datetime(2026, 12, 6, 8, 20, tzinfo=UTC)),
    ("2026-12-06 09:20", datetime(2026, 12, 6, 8, 20, tzinfo=UTC)),  # ISO
    ("2026-12-06T09:20:00+01:00", datetime(2026, 12, 6, 8, 20, tzinfo=UTC)),
])
def test_an_ambiguous_date_takes_the_reading_on_the_sessions_day(app, written, expected):
    near = _near(datetime(2026, 12, 6, 8, 0, tzinfo=UTC))
    assert parse_time(written, ZoneInfo(MADRID), near=near) == expected


def test_the_same_date_reads_month_first_for_a_session_in_june(app):
    june = _near(datetime(2026, 6, 12, 7, 0, tzinfo=UTC))
    assert parse_time("06/12/2026 09:20", ZoneInfo(MADRID), near=june) == datetime(2026, 6, 12, 7, 20, tzinfo=UTC)
    # without a session to go by, month first, as before (Zoom and Teams in US English)
    assert parse_time("06/12/2026 09:20", ZoneInfo(MADRID)) == datetime(2026, 6, 12, 7, 20, tzinfo=UTC)


def test_a_day_after_the_twelfth_is_read_day_first_whatever_the_session(app):
    june = _near(datetime(2026, 6, 12, 7, 0, tzinfo=UTC))
    assert parse_time("23/11/2026 18:00", ZoneInfo(MADRID), near=june) == datetime(2026, 11, 23, 17, 0, tzinfo=UTC)
    assert parse_time("11/23/2026 6:00 PM", ZoneInfo(MADRID), near=june) == datetime(2026, 11, 23, 17, 0, tzinfo=UTC)
    assert parse_time("31/31/2026 18:00", ZoneInfo(MADRID), near=june) is None


def test_a_spanish_sheet_with_semicolons_and_day_first_dates_is_read_on_the_sessions_day(app):
    start = datetime(2026, 12, 6, 8, 0, tzinfo=UTC)  # 09:00 in Madrid
    text = ("Nombre;Correo;Entrada;Salida\r\n"
            "Ana Ruiz;ana@example.org;06/12/2026 09:20;06/12/2026 10:50\r\n"
            "Ben Cruz;ben@example.org;06/12/2026 9:05;06/12/2026 10:59\r\n")
    report = parse_report(text, MADRID, _near(start))
    assert report.error == "" and report.problems == []
    assert [(row.email, row.joined_at, row.left_at) for row in report.rows] == [
        ("ana@example.org", start + timedelta(minutes=20), start + timedelta(minutes=110)),
        ("ben@example.org", start + timedelta(minutes=5), start + timedelta(minutes=119)),
    ]


def test_a_spanish_sheet_imports_through_the_page(client, u, login, trainer, module, make_user):
    """The trainer's day: 4 March in Madrid, a sheet typed in Spanish. Read month first, 04/03 is 3 April and every
    row was refused as "not during the session"."""
    session = held_at(module, trainer, datetime(2025, 3, 4, 9, 0, tzinfo=UTC), 120, tz=MADRID)  # 10:00 there
    ana = make_user("ana@example.org", name="Ana Ruiz")
    seat(session, ana)
    trainer.locale = "es"
    db.session.commit()
    sheet = "Nombre;Correo;Entrada;Salida\r\nAna Ruiz;ana@example.org;04/03/2025 10:20;04/03/2025 11:50\r\n"
    login(trainer)
    page = client.get(u("lms.sessions.import_report", session_id=session.id)).get_data(as_text=True)
    assert "06/12/2026 09:20" in html.unescape(page)  # the accepted dates are stated
    response = client.submit(u("lms.sessions.import_report", session_id=session.id),
                             {"file": (io.BytesIO(sheet.encode("cp1252")), "asistencia.csv")},
                             content_type="multipart/form-data")
    assert response.status_code == 200, response.get_data(as_text=True)[-2000:]
    [interval] = db.session.execute(select(AttendanceInterval).where(AttendanceInterval.user_id == ana.id)).scalars()
    assert (interval.joined_at, interval.left_at) == (session.starts_at + timedelta(minutes=20),
                                                      session.starts_at + timedelta(minutes=110))


# ---------------------------------------------------------------- the roster's own download


def test_headers_naming_a_zone_are_read_in_that_zone(app):
    start = datetime(2026, 11, 10, 17, 0, tzinfo=UTC)  # 09:00 in Los Angeles, 02:00 next day in Tokyo
    tokyo = ("Nombre,Correo electrónico,Entrada (Asia/Tokyo),Salida (Asia/Tokyo)\r\n"
             "Ana,ana@example.org,2026-11-11 02:10,2026-11-11 03:00\r\n")
    report = parse_report(tokyo, LA, _near(start))
    assert report.problems == [] and [(r.joined_at, r.left_at) for r in report.rows] == [
        (start + timedelta(minutes=10), start + timedelta(minutes=60))]
    # not a zone: the header is read all the same, its times in the session's zone
    local = "Name,Email,Joined (hora local),Left (hora local)\r\nAna,ana@example.org,2026-11-10 09:10,2026-11-10 10:00\r\n"
    report = parse_report(local, LA, _near(start))
    assert report.problems == [] and [(r.joined_at, r.left_at) for r in report.rows] == [
        (start + timedelta(minutes=10), start + timedelta(minutes=60))]


def _minutes(session) -> dict[str, int]:
    return {line.user.email: line.minutes for line in rosters.load_roster(session, utcnow()).lines if not line.is_host}


@pytest.mark.parametrize("locale", ["en", "es"])
def test_the_attendance_download_imports_again_and_changes_no_ones_minutes(client, u, login, trainer, module,
                                                                          make_user, locale):
    session = held_at(module, trainer, datetime(2026, 11, 10, 17, 0, tzinfo=UTC), 120, tz=LA)
    ana, ben, carl = (make_user(f"{who}@example.org", name=f"{who.title()} Test") for who in ("ana", "ben", "carl"))
    seat(session, ana, ben, carl)
    add_time(session, ana, 0, 50)
    add_time(session, ben, 30, 100)
    trainer.locale = locale
    db.session.commit()
    before = _minutes(session)
    login(trainer)
    download = client.get(u("lms.sessions.attendance_csv", session_id=session.id))
    assert download.status_code == 200
    text = download.get_data().decode("utf-8-sig")
    assert ("Entrada (America/Los_Angeles)" if locale == "es" else "Joined (America/Los_Angeles)") in text

    def upload():
        return client.submit(u("lms.sessions.import_report", session_id=session.id),
                             {"file": (io.BytesIO(download.get_data()), "attendance.csv")},
                             content_type="multipart/form-data")

    response = upload()
    assert response.status_code == 200, response.get_data(as_text=True)[-2000:]
    imported = db.session.execute(select(AttendanceInterval.user_id, AttendanceInterval.joined_at,
                                         AttendanceInterval.left_at)
                                  .where(AttendanceInterval.session_id == session.id,
                                         AttendanceInterval.source == IntervalSource.IMPORT)).all()
    assert imported == []  # their time covers their rows already: nothing to add (tests/test_reimport_own_download.py)
    assert _minutes(session) == before == {"ana@example.org": 50, "ben@example.org": 70, "carl@example.org": 0}
    upload()  # again: nothing new
    again = db.session.execute(select(AttendanceInterval.id).where(
        AttendanceInterval.session_id == session.id, AttendanceInterval.source == IntervalSource.IMPORT)).all()
    assert again == []
