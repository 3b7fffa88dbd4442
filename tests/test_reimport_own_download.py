"""Importing a file of first joins and last leaves (lms.live.report_import): the roster's own "Download attendance
(CSV)" and a Teams "2. Participants" table have one row per person, from their first arrival to their last departure.
Added to the time of someone who left and came back, such a row would credit the gap between their stretches (paid
training hours), so it is not imported for anyone who already has time in the session: the row is listed with its
line. People with no time yet are imported as usual; a row their time already covers adds nothing and is not listed.
"""

from __future__ import annotations

import html
import io
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from lms import db
from lms.db import utcnow
from lms.live import roster as rosters
from lms.live.models import AttendanceInterval, IntervalSource
from lms.live.report_import import apply_report
from lms.live.report_parsing import parse_report
from tests.live_support import LA, add_time, held_at, seat

START = datetime(2026, 11, 10, 17, 0, tzinfo=UTC)  # 09:00 in Los Angeles
ALREADY = "Already has time in this session: this file shows only the first arrival and the last departure"
#: The same message as the Spanish catalog gives it (the trainer reads the page in their language).
ALREADY_ES = "Ya tiene tiempo en esta sesión: este archivo muestra solo la primera llegada y la última salida"


def _minutes(session) -> dict[str, int]:
    return {line.user.email: line.minutes for line in rosters.load_roster(session, utcnow()).lines if not line.is_host}


def _imported(session) -> list[tuple[int, datetime, datetime]]:
    return sorted(db.session.execute(select(AttendanceInterval.user_id, AttendanceInterval.joined_at,
                                            AttendanceInterval.left_at)
                                     .where(AttendanceInterval.session_id == session.id,
                                            AttendanceInterval.source == IntervalSource.IMPORT)).all())


def _line_of(text: str, email: str) -> int:
    return next(number for number, line in enumerate(text.splitlines(), start=1) if email in line)


def _upload(client, u, session, data: bytes):
    response = client.submit(u("lms.sessions.import_report", session_id=session.id),
                             {"file": (io.BytesIO(data), "attendance.csv")}, content_type="multipart/form-data")
    assert response.status_code == 200, response.get_data(as_text=True)[-2000:]
    return html.unescape(response.get_data(as_text=True))


@pytest.fixture
def held(trainer, module, make_user):
    """A session held in Los Angeles: Ana there 9:00-9:30 and 9:45-10:00 (45 minutes), Ben 9:00-9:50, Carl seated with
    no time."""
    session = held_at(module, trainer, START, 120, tz=LA)
    people = {who: make_user(f"{who}@example.org", name=f"{who.title()} Test") for who in ("ana", "ben", "carl")}
    seat(session, *people.values())
    add_time(session, people["ana"], 0, 30)
    add_time(session, people["ana"], 45, 60)
    add_time(session, people["ben"], 0, 50)
    return session, people


@pytest.mark.parametrize("locale", ["en", "es"])
def test_the_download_does_not_credit_the_gap_of_someone_who_came_back(client, u, login, trainer, held, locale):
    session, people = held
    trainer.locale = locale
    db.session.commit()
    before = _minutes(session)
    assert before == {"ana@example.org": 45, "ben@example.org": 50, "carl@example.org": 0}
    login(trainer)
    download = client.get(u("lms.sessions.attendance_csv", session_id=session.id))
    text = download.get_data().decode("utf-8-sig")
    assert ("Minutos acreditados" if locale == "es" else "Credited minutes") in text
    assert "2026-11-10 09:00" in text and "2026-11-10 10:00" in text  # Ana's one row spans the gap

    page = _upload(client, u, session, download.get_data())
    assert _imported(session) == []
    assert _minutes(session) == before  # Ana still 45, not 60
    ana_line = _line_of(text, "ana@example.org")
    already = ALREADY_ES if locale == "es" else ALREADY
    problem = next(p for p in page.split("<tr>") if already in p)
    assert f'<th scope="row">{ana_line}</th>' in problem and "Ana Test" in problem
    assert ("Cambie sus horarios en su página de asistencia." if locale == "es"
            else "Change their times on their attendance page.") in problem
    assert page.count(already) == 1  # Ben's row is covered by his time: nothing to say, nothing added
    _upload(client, u, session, download.get_data())  # again: still nothing
    assert _imported(session) == [] and _minutes(session) == before


def test_a_row_added_for_someone_with_no_time_is_imported(client, u, login, trainer, held):
    session, people = held
    login(trainer)
    text = client.get(u("lms.sessions.attendance_csv", session_id=session.id)).get_data().decode("utf-8-sig")
    lines = [line for line in text.splitlines() if "carl@example.org" not in line]
    lines.append("Carl Test,carl@example.org,Registered,2026-11-10 09:10,2026-11-10 09:40,,")
    page = _upload(client, u, session, ("\r\n".join(lines) + "\r\n").encode("utf-8-sig"))
    assert _imported(session) == [(people["carl"].id, datetime(2026, 11, 10, 17, 10, tzinfo=UTC),
                                   datetime(2026, 11, 10, 17, 40, tzinfo=UTC))]
    assert _minutes(session) == {"ana@example.org": 45, "ben@example.org": 50, "carl@example.org": 30}
    assert page.count(ALREADY) == 1  # Ana's row, as before


def test_the_download_still_counts_join_button_time_as_time_already_there(app, trainer, held, make_user):
    """Someone who pressed Join, checked out and joined again has two Join-button stretches: the download's row
    spans both, so it is not added (unlike a meeting report, which replaces those estimates)."""
    session, _people = held
    dee = make_user("dee@example.org", name="Dee Test")
    seat(session, dee)
    add_time(session, dee, 0, 20, IntervalSource.JOIN_BUTTON)
    add_time(session, dee, 60, 80, IntervalSource.JOIN_BUTTON)
    text = ("Name,Email,Status,Joined (America/Los_Angeles),Left (America/Los_Angeles),Credited minutes,Notes\r\n"
            "Dee Test,dee@example.org,Registered,2026-11-10 09:00,2026-11-10 10:20,40,\r\n")
    report = parse_report(text, session.timezone)
    assert report.first_and_last_only
    result = apply_report(session, report, trainer, utcnow(), 75)
    db.session.commit()
    assert result.imported == 0 and [(p.line, p.email) for p in result.problems] == [(2, "dee@example.org")]
    assert _minutes(session)["dee@example.org"] == 40


def test_only_first_and_last_files_are_flagged(app):
    precise = "Name,Email,Join Time,Leave Time\r\nAna,ana@example.org,2026-11-10 09:00,2026-11-10 10:00\r\n"
    spanish = ("Nombre,Correo electrónico,Estado,Entrada (America/Los_Angeles),Salida (America/Los_Angeles),"
               "Minutos acreditados,Notas\r\nAna,ana@example.org,Inscrita,2026-11-10 09:00,2026-11-10 10:00,60,\r\n")
    teams = ("Name\tFirst Join\tLast Leave\tIn-Meeting Duration\tEmail\tParticipant ID (UPN)\tRole\r\n"
             "Ana\t11/10/26, 9:00:00 AM\t11/10/26, 10:00:00 AM\t1h\tana@example.org\tana@example.org\tAttendee\r\n")
    assert not parse_report(precise, LA).first_and_last_only
    assert parse_report(spanish, LA).first_and_last_only and len(parse_report(spanish, LA).rows) == 1
    assert parse_report(teams, LA).first_and_last_only and parse_report(teams, LA).kind == "teams"


def test_a_teams_participants_table_is_added_only_for_people_with_no_time(app, trainer, held, make_user):
    """Teams "2. Participants" alone (first join, last leave): Ana (two check-in stretches) is listed, not added;
    Eve, who only pressed Join, gets the report's time, which replaces her estimate, as any report does."""
    session, people = held
    eve = make_user("eve@example.org", name="Eve Test")
    seat(session, eve)
    click = add_time(session, eve, 5, None, IntervalSource.JOIN_BUTTON)
    text = ("Name\tFirst Join\tLast Leave\tIn-Meeting Duration\tEmail\tParticipant ID (UPN)\tRole\r\n"
            "Ana Test\t11/10/26, 9:00:00 AM\t11/10/26, 10:00:00 AM\t45m\tana@example.org\tana@example.org\tAttendee\r\n"
            "Eve Test\t11/10/26, 9:05:00 AM\t11/10/26, 9:55:00 AM\t50m\teve@example.org\teve@example.org\tAttendee\r\n")
    result = apply_report(session, parse_report(text, session.timezone), trainer, utcnow(), 75)
    db.session.commit()
    assert result.imported == 1 and result.people == 1
    assert [(p.line, p.email) for p in result.problems] == [(2, "ana@example.org")]
    assert ALREADY in result.problems[0].message
    db.session.refresh(click)
    assert click.is_void
    minutes = _minutes(session)
    assert (minutes["ana@example.org"], minutes["eve@example.org"]) == (45, 50)
    assert _imported(session) == [(eve.id, datetime(2026, 11, 10, 17, 5, tzinfo=UTC),
                                   datetime(2026, 11, 10, 17, 55, tzinfo=UTC))]
