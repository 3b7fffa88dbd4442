"""The trainer's attendance pages, after a QA pass:

1. finalising takes the statuses chosen on the roster, saved or not (audited like "Save statuses", in the same
   transaction), and only once the trainer ticks that they checked the roster; a refusal saves nothing and shows the
   roster again as it was sent;
3. someone on the waitlist who checked in reads "Came without a seat" on the roster, and once the session is over their
   session page no longer wears the waitlist badge;
4. a session's page names the day it took place in the reader's zone, the day their training hours carry;
5. the links of "Sessions I lead" and the approval queue's checkboxes are named apart (date and time);
6. meeting reports and sign-in sheets separated by semicolons, or with Spanish headers, are imported; a file without a
   header row says what is accepted.
(2, the check-in code screen, is measured in a browser: tests/browser/test_check_in_code_fits.py.)"""

from __future__ import annotations

import csv
import io
import re
from datetime import time, timedelta

import pytest
from sqlalchemy import select

from lms import db
from lms.audit import AuditEvent
from lms.db import utcnow
from lms.hours.live_attendance import live_activity_date
from lms.hours.models import EntrySource, HoursEntry
from lms.live import attendance, checkin
from lms.live.models import (
    AttendanceInterval,
    AttendanceStatus,
    IntervalSource,
    RegistrationStatus,
)
from lms.live.report_parsing import parse_report
from lms.live.times import to_zone
from tests.live_support import LA, attendance_row, live_course, schedule, seat, soon, stayed
from tests.test_hours_ledger import make_staff

GRACE = timedelta(minutes=15)
UNCONFIRMED = "Tick the box to confirm that you checked the roster before it is made final."


@pytest.fixture
def course_module(trainer):
    return live_course(trainer)


def status_of(session, person) -> AttendanceStatus | None:
    row = attendance_row(session, person)
    return row.status if row is not None else None


def audit_actions(session_id: int) -> list[tuple[str, int | None]]:
    """The attendance audit rows of a session, oldest first: (action, user id of the person changed)."""
    events = db.session.execute(select(AuditEvent).where(AuditEvent.action.like("live.attendance_%"))
                                .order_by(AuditEvent.id)).scalars()
    return [(e.action, e.data.get("user_id")) for e in events if e.data.get("session_id") == session_id
            or (e.object_type, e.object_id) == ("LiveSession", session_id)]


def selected(page: str, person) -> str:
    """The option chosen in a person's status menu on the roster."""
    menu = re.search(rf'<select id="status-{person.id}".*?</select>', page, re.S)
    assert menu, person.name
    chosen = re.findall(r'<option value="(\w*)" selected>', menu.group(0))
    assert len(chosen) == 1, menu.group(0)
    return chosen[0]


@pytest.fixture
def past_class(course_module, trainer, make_user):
    """A two-hour class that ended an hour ago: Ana stayed throughout, Ben for 100 minutes; no status saved yet."""
    session = soon(course_module[1], trainer, -180, minutes=120)
    ana, ben = make_user(name="Ana Ruiz"), make_user(name="Ben Cruz")
    for person, minutes in ((ana, 120), (ben, 100)):
        seat(session, person)
        stayed(session, person, minutes)
    return session, ana, ben


# ---------------------------------------------------------------- 1. finalising takes what the roster shows


def test_the_roster_is_one_form_and_finalising_asks_for_a_tick(client, u, login, trainer, past_class):
    session, ana, _ben = past_class
    login(trainer)
    page = client.get(u("lms.sessions.attendance", session_id=session.id)).get_data(as_text=True)
    [form] = re.findall(r"<form method=\"post\" action=\"[^\"]*/attendance\">.*?</form>", page, re.S)
    assert f'name="status-{ana.id}"' in form
    assert re.search(r'<button type="submit" formnovalidate>Save statuses</button>', form)
    finalize_url = u("lms.sessions.finalize_attendance", session_id=session.id)
    assert f'formaction="{finalize_url}">Finalise attendance</button>' in form
    assert re.search(r'<input[^>]*name="confirm"[^>]*required', form)
    assert "I have checked the roster above. Finalise it now: this cannot be undone." in form
    assert "The statuses chosen in the table above are saved with it." in form


def test_finalising_makes_the_statuses_chosen_on_the_roster_final_and_audits_them(client, u, login, trainer, past_class):
    session, ana, ben = past_class
    login(trainer)
    response = client.submit(u("lms.sessions.finalize_attendance", session_id=session.id),
                             {f"status-{ana.id}": "late", f"status-{ben.id}": "excused", "confirm": "yes"})
    assert response.status_code == 302
    db.session.refresh(session)
    assert session.attendance_finalized_at is not None
    assert (status_of(session, ana), status_of(session, ben)) == (AttendanceStatus.LATE, AttendanceStatus.EXCUSED)
    assert audit_actions(session.id) == [
        ("live.attendance_changed", ana.id), ("live.attendance_changed", ben.id), ("live.attendance_finalized", None)]
    changed = db.session.execute(select(AuditEvent).where(AuditEvent.action == "live.attendance_changed")).scalars()
    assert {(e.actor_id, e.data["status"]) for e in changed} == {(trainer.id, "late"), (trainer.id, "excused")}
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Attendance is final for 2 people. 1 completed the module." in page  # Ana, late; Ben excused
    assert (selected(page, ana), selected(page, ben)) == ("late", "excused")


def test_statuses_already_saved_are_not_changed_again(client, u, login, trainer, past_class):
    session, ana, ben = past_class
    login(trainer)
    client.submit(u("lms.sessions.attendance", session_id=session.id), {f"status-{ana.id}": "late"})
    response = client.submit(u("lms.sessions.finalize_attendance", session_id=session.id),
                             {f"status-{ana.id}": "late", f"status-{ben.id}": "", "confirm": "yes"})
    assert response.status_code == 302
    assert audit_actions(session.id) == [("live.attendance_changed", ana.id), ("live.attendance_finalized", None)]
    assert (status_of(session, ana), status_of(session, ben)) == (AttendanceStatus.LATE, AttendanceStatus.PRESENT)


def test_without_the_tick_nothing_is_saved_and_the_roster_keeps_the_choices(client, u, login, trainer, past_class):
    session, ana, ben = past_class
    login(trainer)
    response = client.submit(u("lms.sessions.finalize_attendance", session_id=session.id),
                             {f"status-{ana.id}": "late", f"status-{ben.id}": "excused"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert UNCONFIRMED in page and 'aria-invalid="true"' in page
    assert (selected(page, ana), selected(page, ben)) == ("late", "excused")  # what the trainer chose, still chosen
    db.session.refresh(session)
    assert session.attendance_finalized_at is None
    assert status_of(session, ana) is None and status_of(session, ben) is None and audit_actions(session.id) == []


def test_a_refused_finalising_saves_no_status_either(client, u, login, trainer, course_module, make_user):
    session = soon(course_module[1], trainer, -30, minutes=120)  # still running: it must be said to have ended early
    ana = make_user(name="Ana Ruiz")
    seat(session, ana)
    stayed(session, ana, 20)
    login(trainer)
    response = client.submit(u("lms.sessions.finalize_attendance", session_id=session.id),
                             {f"status-{ana.id}": "late", "confirm": "yes"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "confirm that it ended early" in page and 'id="early-error"' in page
    assert selected(page, ana) == "late"
    db.session.refresh(session)
    assert session.attendance_finalized_at is None and status_of(session, ana) is None


def test_a_status_for_someone_not_on_the_roster_changes_nothing(client, u, login, trainer, past_class, make_user):
    session, ana, _ben = past_class
    stranger = make_user(name="Stranger")  # no link to the session: not on its roster
    login(trainer)
    response = client.submit(u("lms.sessions.finalize_attendance", session_id=session.id),
                             {f"status-{stranger.id}": "present", f"status-{ana.id}": "bogus", "confirm": "yes"})
    assert response.status_code == 302
    assert status_of(session, stranger) is None and status_of(session, ana) is AttendanceStatus.PRESENT
    assert audit_actions(session.id) == [("live.attendance_finalized", None)]


def test_finalising_twice_says_it_is_already_final(client, u, login, trainer, past_class):
    session, ana, _ben = past_class
    login(trainer)
    url = u("lms.sessions.finalize_attendance", session_id=session.id)
    assert client.submit(url, {"confirm": "yes"}).status_code == 302
    again = client.submit(url, {f"status-{ana.id}": "absent", "confirm": "yes"})
    assert again.status_code == 409 and "already final" in again.get_data(as_text=True)
    assert status_of(session, ana) is AttendanceStatus.PRESENT


# ---------------------------------------------------------------- 3. the waitlist


def test_someone_on_the_waitlist_who_came_reads_as_such_and_loses_the_badge_afterwards(client, u, login, as_, trainer,
                                                                                       course_module, make_user):
    session = soon(course_module[1], trainer, -180, minutes=120)
    wanda = make_user(name="Wanda Waiting")
    seat(session, wanda, status=RegistrationStatus.WAITLISTED)
    session.checkin_code = "KXT4PW"
    checkin.check_in(session, wanda, session.starts_at, GRACE)  # she came anyway, and typed the code in the room
    checkin.check_out(session, wanda, session.ends_at)
    db.session.commit()

    login(trainer)
    roster = client.get(u("lms.sessions.attendance", session_id=session.id)).get_data(as_text=True)
    row = re.search(r"Wanda Waiting</a>.*?</th>", roster, re.S).group(0)
    assert "Came without a seat" in row and "Not registered" not in row  # as the counts say (tests/test_live_fix3.py)
    person = client.get(u("lms.sessions.attendance_person", session_id=session.id, user_id=wanda.id)).get_data(as_text=True)
    assert "Came without a seat" in person and "Not registered" not in person
    assert client.submit(u("lms.sessions.finalize_attendance", session_id=session.id), {"confirm": "yes"}).status_code == 302

    as_(wanda)
    page = client.get(u("lms.sessions.detail", session_id=session.id)).get_data(as_text=True)
    assert "You attended this session" in page
    assert "On the waitlist" not in page and "live-mine" not in page


def test_the_waitlist_badge_stays_on_an_upcoming_session(client, u, login, trainer, course_module, make_user):
    (session,) = schedule(course_module[1], trainer)
    wanda = make_user(name="Wanda Waiting")
    seat(session, wanda, status=RegistrationStatus.WAITLISTED)
    login(wanda)
    page = client.get(u("lms.sessions.detail", session_id=session.id)).get_data(as_text=True)
    assert '<span class="badge live-mine">On the waitlist</span>' in page


# ---------------------------------------------------------------- 4. the day a session took place


def _evening_class(course_module, trainer):
    """A two-hour class at 9:30 PM in Los Angeles three days ago: past midnight in New York."""
    day = to_zone(utcnow(), LA).date() - timedelta(days=3)
    (session,) = schedule(course_module[1], trainer, allow_past=True, day=day, at=time(21, 30), timezone=LA)
    return session, day


def _long(day) -> str:
    return f"{day:%B} {day.day}, {day.year}"


def test_a_reader_in_another_zone_reads_their_day_which_their_hours_carry(client, u, login, trainer, course_module,
                                                                         make_user):
    """Live hours are dated on the person's calendar (tests/test_live_hours_person_date.py has the rule in full)."""
    session, day = _evening_class(course_module, trainer)
    nina = make_user(name="Nina Nueva York", timezone="America/New_York")
    seat(session, nina)
    stayed(session, nina, 120)
    attendance.finalize(session, trainer, utcnow(), 75)
    db.session.commit()
    entry = db.session.execute(select(HoursEntry).where(HoursEntry.user_id == nina.id,
                                                        HoursEntry.source == EntrySource.LIVE)).scalar_one()
    assert entry.activity_date == day + timedelta(days=1)

    login(nina)
    page = client.get(u("lms.sessions.detail", session_id=session.id)).get_data(as_text=True)
    assert f"This session took place on {_long(day + timedelta(days=1))}." in page
    assert "it was" not in page and "are dated" not in page


def test_a_reader_in_the_sessions_zone_reads_one_day(client, u, login, trainer, course_module, make_user):
    session, day = _evening_class(course_module, trainer)
    lupe = make_user(name="Lupe Los Angeles", timezone=LA)
    login(lupe)
    page = client.get(u("lms.sessions.detail", session_id=session.id)).get_data(as_text=True)
    assert f"This session took place on {_long(day)}." in page and "it was" not in page


# ---------------------------------------------------------------- 5. names told apart


def _hidden_names(page: str, word: str) -> list[str]:
    return re.findall(rf'>{word}<span class="visually-hidden"> (.*?)</span></a>', page)


def test_each_rows_links_name_the_session_and_when_it_is(client, u, login, trainer, course_module):
    first, second = schedule(course_module[1], trainer, repeat=2)
    login(trainer)
    page = client.get(u("lms.sessions.teach")).get_data(as_text=True)
    for word in ("Edit", "Roster"):
        names = _hidden_names(page, word)
        assert len(names) == 2 and len(set(names)) == 2, names
        assert all(name.startswith("Role-play practice, ") for name in names), names
        assert re.search(r"\d{1,2}:\d{2}", names[0]), names  # the time, not only the day


def test_the_queue_names_each_checkbox_with_the_date_and_the_time(client, u, login, as_, trainer, course_module,
                                                                  make_user, make_org, add_member):
    staff = make_staff(make_user, make_org, add_member)
    days = []
    for ago in (3, 2):  # two sessions of the same module, so the same title, for the same person
        session = soon(course_module[1], trainer, -60 * 24 * ago, minutes=120)
        seat(session, staff.trainee)
        stayed(session, staff.trainee, 120 if ago == 3 else 90)
        attendance.finalize(session, trainer, utcnow(), 75)
        db.session.commit()
        days.append(live_activity_date(session, staff.trainee))  # the trainee's calendar day, as entries are dated
    login(staff.manager)
    page = client.get(u("lms.hours.queue", org_slug=staff.org.slug)).get_data(as_text=True)
    labels = re.findall(r'<label for="pick-\d+" class="visually-hidden">(.*?)</label>', page)
    assert sorted(labels) == sorted([
        f"Select Role-play practice of Tina Trainee, {_long(days[0])}, 2 hours",
        f"Select Role-play practice of Tina Trainee, {_long(days[1])}, 1 hour 30 minutes",
    ])


# ---------------------------------------------------------------- 6. reports: semicolons and Spanish headers


def _sheet(session, header: list[str], people: list[tuple[str, str]], sep: str) -> str:
    """A sign-in sheet as Excel saves it: ``sep`` between cells, a cell holding ``sep`` in quotes."""
    start = to_zone(session.starts_at, session.timezone)
    stamp = "%m/%d/%Y %I:%M %p"
    out = io.StringIO()
    writer = csv.writer(out, delimiter=sep, lineterminator="\r\n")
    writer.writerow(header)
    for name, email in people:
        writer.writerow([name, email, start.strftime(stamp), (start + timedelta(minutes=110)).strftime(stamp)])
    return out.getvalue()


@pytest.mark.parametrize("header, sep", [
    (["Name", "Email", "Join Time", "Leave Time"], ";"),
    (["Nombre", "Correo", "Entrada", "Salida"], ";"),
    (["Nombre completo", "Correo electrónico", "Hora de entrada", "Hora de salida"], ","),
    (["NOMBRE", "CORREO ELECTRONICO", "ENTRADA", "SALIDA"], "\t"),
], ids=["semicolons", "spanish-semicolons", "spanish-accents-commas", "spanish-capitals-tabs"])
def test_semicolons_and_spanish_headers_are_read(course_module, trainer, header, sep):
    session = soon(course_module[1], trainer, -180, minutes=120)
    text = _sheet(session, header, [("Ruiz, Ana", "ana@example.org"), ("Cruz; Ben", "ben@example.org")], sep)
    report = parse_report(text, session.timezone)
    assert report.error == "" and report.problems == []
    assert [(row.name, row.email, row.joined_at) for row in report.rows] == [
        ("Ruiz, Ana", "ana@example.org", session.starts_at), ("Cruz; Ben", "ben@example.org", session.starts_at)]


def test_a_semicolon_sign_in_sheet_in_spanish_is_imported_from_the_page(client, u, login, trainer, course_module,
                                                                         make_user):
    session = soon(course_module[1], trainer, -180, minutes=120)
    ana = make_user("ana@example.org", name="Ana Ruiz")
    seat(session, ana)
    data = _sheet(session, ["Nombre", "Correo", "Entrada", "Salida"], [("Ana Ruiz", "ANA@example.org")], ";")
    login(trainer)
    response = client.submit(u("lms.sessions.import_report", session_id=session.id),
                             {"file": (io.BytesIO(data.encode("cp1252")), "asistencia.csv")},
                             content_type="multipart/form-data")
    assert response.status_code == 200, response.get_data(as_text=True)[-3000:]
    assert "Imported 1 join and leave time." in response.get_data(as_text=True)
    [interval] = db.session.execute(select(AttendanceInterval).where(AttendanceInterval.user_id == ana.id)).scalars()
    assert (interval.source, interval.left_at - interval.joined_at) == (IntervalSource.IMPORT, timedelta(minutes=110))


def test_a_file_without_a_header_row_says_what_is_accepted(client, u, login, trainer, course_module):
    session = soon(course_module[1], trainer, -180, minutes=120)
    login(trainer)
    response = client.submit(u("lms.sessions.import_report", session_id=session.id),
                             {"file": (io.BytesIO(b"Nombre;Apellido\r\nAna;Ruiz\r\n"), "lista.csv")},
                             content_type="multipart/form-data")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    for words in ("Zoom", "Teams", "separated by commas, semicolons or tabs", "“Join Time”", "“Leave Time”",
                  "“Email”", "in Spanish “Entrada”, “Salida” and “Correo”"):
        assert words in page, words
