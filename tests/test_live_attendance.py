"""Attendance of live sessions: check-in codes, the Join button, meeting reports, the roster, finalising, corrections
and who may do what."""

from __future__ import annotations

import io
import os
import re
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from lms import db
from lms.accounts.models import SiteRole
from lms.audit import AuditEvent
from lms.catalog import course_authoring, lesson_authoring, module_authoring
from lms.catalog.models import CourseStatus, ModuleKind
from lms.db import utcnow
from lms.enrollment import services as enrollment_services
from lms.enrollment.models import EnrollmentStatus
from lms.errors import ConflictError, DomainError
from lms.live import attendance, checkin
from lms.live import roster as rosters
from lms.live.models import (
    Attendance,
    AttendanceInterval,
    AttendanceStatus,
    IntervalSource,
    LiveSession,
    Registration,
    RegistrationStatus,
    SessionMode,
    SessionStatus,
    SessionTrainer,
)
from lms.live.report_import import apply_report
from lms.live.report_parsing import decode, parse_report, parse_time
from lms.signals import attendance_finalized
from tests.live_support import add_time

FIXTURES = Path(__file__).parent / "fixtures" / "live"
LA = ZoneInfo("America/Los_Angeles")
#: The session the fixture reports belong to: Tuesday 6 October 2026, 6 to 8 pm in Los Angeles (PDT).
REPORT_START = datetime(2026, 10, 6, 18, 0, tzinfo=LA).astimezone(UTC)


# ---------------------------------------------------------------- helpers


@pytest.fixture
def people(make_user):
    return {
        "trainer": make_user("trainer@example.org", name="Teresa Trainer", role=SiteRole.TRAINER),
        "other_trainer": make_user("other.trainer@example.org", name="Otto Trainer", role=SiteRole.TRAINER),
        "admin": make_user("admin@example.org", name="Alex Admin", role=SiteRole.ADMIN),
        "ana": make_user("ana@example.org", name="Ana Ruiz"),
        "ben": make_user("ben@example.org", name="Ben Cruz"),
    }


@pytest.fixture
def course(app, people):
    """A published course whose only required module is a two-hour live session."""
    trainer = people["trainer"]
    course = course_authoring.create_course(course_authoring.CourseData(slug="live-course", title="Live skills"), trainer)
    module = module_authoring.add_module(
        course, module_authoring.ModuleData(slug="practice", title="Live practice", kind=ModuleKind.LIVE,
                                            credited_minutes=120), trainer
    )
    course_authoring.set_course_status(course, CourseStatus.PUBLISHED, trainer)
    db.session.commit()
    return course, module


@pytest.fixture
def make_session(course, people):
    def factory(
        starts_at: datetime, minutes: int = 120, *, registered=("ana", "ben"), mode=SessionMode.IN_PERSON, join_url: str | None = None
    ) -> LiveSession:
        the_course, module = course
        session = LiveSession(
            module_id=module.id,
            course_id=the_course.id,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(minutes=minutes),
            timezone="America/Los_Angeles",
            mode=mode,
            join_url=join_url,
        )
        db.session.add(session)
        db.session.flush()
        db.session.add(SessionTrainer(session_id=session.id, user_id=people["trainer"].id))
        for key in registered:
            db.session.add(Registration(session_id=session.id, user_id=people[key].id, status=RegistrationStatus.REGISTERED))
        db.session.commit()
        return session

    return factory


@pytest.fixture
def finalized_signals():
    received = []

    def receiver(sender, **kwargs):  # read now: the request's objects are detached afterwards
        received.append((sender.user_id, sender.minutes, kwargs["correction"], kwargs["session"].id))

    attendance_finalized.connect(receiver)
    yield received
    attendance_finalized.disconnect(receiver)


def row_of(session, user) -> Attendance:
    return db.session.execute(
        select(Attendance).where(Attendance.session_id == session.id, Attendance.user_id == user.id)
    ).scalar_one()


def now_session(make_session, **kwargs) -> LiveSession:
    """A session that started ten minutes ago."""
    return make_session(utcnow() - timedelta(minutes=10), **kwargs)


# ---------------------------------------------------------------- check-in codes


def test_codes_are_six_unambiguous_characters(app, make_session, people):
    session = now_session(make_session)
    codes = {checkin.new_code(session, people["trainer"]) for _ in range(30)}
    assert all(len(code) == 6 and set(code) <= set(checkin.ALPHABET) for code in codes)
    assert not set("01OILZ2S5B8Q") & set(checkin.ALPHABET)
    assert checkin.normalize_code(" ab-c 12 ") == "ABC12"


def test_trainer_shows_a_big_code_and_trainee_checks_in_inside_the_window(client, u, login, make_session, people):
    session = now_session(make_session)
    login(people["trainer"])
    assert client.submit(u("lms.sessions.checkin_code", session_id=session.id)).status_code == 302
    db.session.refresh(session)
    code = session.checkin_code
    page = client.get(u("lms.sessions.checkin_code", session_id=session.id)).get_data(as_text=True)
    assert 'class="checkin-code"' in page and code[:3] in page and code[3:] in page
    assert 'src="data:image/svg+xml' in page  # the QR code
    assert "<script" not in page

    client.post(u("lms.accounts.logout"), data={"csrf_token": client.csrf_token()})
    login(people["ana"])
    form = client.get(u("lms.sessions.checkin"))
    assert form.status_code == 200 and 'autocomplete="off"' in form.get_data(as_text=True)
    assert "<script" not in form.get_data(as_text=True)
    scanned = client.get(u("lms.sessions.checkin", code=code)).get_data(as_text=True)  # from the QR code
    assert f'value="{code}"' in scanned
    typed = code[:3].lower() + " " + code[3:].lower()  # people type in lower case with a space: still fine
    response = client.submit(u("lms.sessions.checkin"), {"code": typed})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(u("lms.sessions.checked_in", session_id=session.id))
    assert "You are checked in" in client.get(response.headers["Location"]).get_data(as_text=True)

    # checking in twice keeps one open interval (and minutes are a union anyway)
    assert client.submit(u("lms.sessions.checkin"), {"code": code}).status_code == 302
    intervals = db.session.execute(select(AttendanceInterval)).scalars().all()
    assert len(intervals) == 1
    assert intervals[0].user_id == people["ana"].id and intervals[0].left_at is None
    assert intervals[0].source is IntervalSource.CHECK_IN


def test_check_out_closes_the_open_interval(client, u, login, make_session, people):
    session = now_session(make_session)
    checkin.check_in(session, people["ana"], utcnow(), timedelta(minutes=15))
    db.session.commit()
    login(people["ana"])
    assert client.submit(u("lms.sessions.checkout", session_id=session.id), {"confirm": "yes"}).status_code == 302
    interval = db.session.execute(select(AttendanceInterval)).scalar_one()
    assert interval.left_at is not None and interval.left_at >= interval.joined_at
    page = client.get(u("lms.sessions.checked_in", session_id=session.id)).get_data(as_text=True)
    assert "You are checked out" in page
    assert client.submit(u("lms.sessions.checkout", session_id=session.id)).status_code == 400  # not checked in


def _only_interval() -> AttendanceInterval:
    db.session.expire_all()
    return db.session.execute(select(AttendanceInterval)).scalar_one()


def test_a_check_out_just_after_checking_in_asks_first(client, u, login, make_session, people):
    session = now_session(make_session)
    checkin.check_in(session, people["ana"], utcnow(), timedelta(minutes=15))
    db.session.commit()
    login(people["ana"])
    page = client.get(u("lms.sessions.checked_in", session_id=session.id)).get_data(as_text=True)
    assert 'name="confirm" value="yes" required' in page and "I am leaving the session now" in page

    response = client.submit(u("lms.sessions.checkout", session_id=session.id))
    assert response.status_code == 400 and _only_interval().left_at is None  # the stray tap checked nobody out
    page = response.get_data(as_text=True)  # the page again, the problem at the box (tests/test_a11y_flash_errors.py)
    assert "You checked in a moment ago." in page and "You are checked in" in page

    assert client.submit(u("lms.sessions.checkout", session_id=session.id), {"confirm": "yes"}).status_code == 302
    assert _only_interval().left_at is not None


def test_later_a_check_out_is_one_tap(client, u, login, make_session, people):
    session = now_session(make_session)
    checkin.check_in(session, people["ana"], utcnow() - checkin.CONFIRM_CHECK_OUT_WITHIN - timedelta(seconds=5),
                     timedelta(minutes=15))
    db.session.commit()
    login(people["ana"])
    page = client.get(u("lms.sessions.checked_in", session_id=session.id)).get_data(as_text=True)
    assert 'name="confirm"' not in page
    assert client.submit(u("lms.sessions.checkout", session_id=session.id)).status_code == 302
    assert _only_interval().left_at is not None


def test_code_is_refused_outside_the_window(client, u, login, make_session, people):
    later = make_session(utcnow() + timedelta(hours=3))
    checkin.new_code(later, people["trainer"])
    db.session.commit()
    login(people["ana"])
    response = client.submit(u("lms.sessions.checkin"), {"code": later.checkin_code})
    assert response.status_code == 302  # back to the session page, which says when check-in opens
    assert response.headers["Location"].endswith(u("lms.sessions.detail", session_id=later.id))
    assert "Check-in is not open yet" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert db.session.execute(select(AttendanceInterval)).first() is None

    grace = timedelta(minutes=15)
    assert checkin.in_window(later, later.starts_at - grace, grace)
    assert not checkin.in_window(later, later.starts_at - grace - timedelta(seconds=1), grace)
    assert checkin.in_window(later, later.ends_at + grace, grace)
    assert not checkin.in_window(later, later.ends_at + grace + timedelta(seconds=1), grace)


def test_wrong_code_is_refused(client, u, login, make_session, people):
    now_session(make_session)
    login(people["ana"])
    response = client.submit(u("lms.sessions.checkin"), {"code": "AAAAAA"})
    assert response.status_code == 400 and "not right" in response.get_data(as_text=True)
    assert client.submit(u("lms.sessions.checkin"), {"code": ""}).status_code == 400


@pytest.mark.parametrize("app_config", [{"LMS_CHECKIN_LIMIT": "3 per 10 minutes"}])
def test_check_in_is_rate_limited_per_account(app, client, u, login, make_session, people, app_config):
    session = now_session(make_session)
    checkin.new_code(session, people["trainer"])
    db.session.commit()
    login(people["ana"])
    for _ in range(3):
        assert client.submit(u("lms.sessions.checkin"), {"code": "WRONG1"}).status_code == 400
    assert client.submit(u("lms.sessions.checkin"), {"code": session.checkin_code}).status_code == 429

    other = app.test_client()  # same computer and address, another account: not blocked by Ana's mistakes
    other.submit(u("lms.accounts.login"), {"email": people["ben"].email, "password": "correct horse battery"})
    assert other.submit(u("lms.sessions.checkin"), {"code": session.checkin_code}).status_code == 302


@pytest.mark.parametrize("app_config", [{"LMS_CHECKIN_LIMIT_PER_CLIENT": "4 per 10 minutes"}])
def test_check_in_is_rate_limited_per_client(app, client, u, login, make_session, make_user, people, app_config):
    session = now_session(make_session)
    checkin.new_code(session, people["trainer"])
    db.session.commit()
    for key in ("ana", "ben"):
        login(people[key])
        for _ in range(2):
            assert client.submit(u("lms.sessions.checkin"), {"code": "WRONG1"}).status_code == 400
    login(make_user())
    assert client.submit(u("lms.sessions.checkin"), {"code": session.checkin_code}).status_code == 429


def test_successful_check_ins_do_not_count_towards_the_limit(app, client, u, login, make_session, people):
    app.config["LMS_CHECKIN_LIMIT_PER_CLIENT"] = "2 per 10 minutes"
    session = now_session(make_session)
    checkin.new_code(session, people["trainer"])
    db.session.commit()
    login(people["ana"])
    for _ in range(4):  # a whole class behind one Wi-Fi address
        assert client.submit(u("lms.sessions.checkin"), {"code": session.checkin_code}).status_code == 302


def test_walk_ins_may_check_in_and_show_as_not_registered(client, u, login, make_session, make_user, people):
    session = now_session(make_session, registered=())
    walk_in = make_user("walkin@example.org", name="Wally Walk-in")
    checkin.new_code(session, people["trainer"])
    db.session.commit()
    login(walk_in)
    assert client.submit(u("lms.sessions.checkin"), {"code": session.checkin_code}).status_code == 302
    roster = rosters.load_roster(session, utcnow())
    assert [(line.user.name, line.is_registered) for line in roster.lines] == [("Wally Walk-in", False)]


# ---------------------------------------------------------------- the Join button


def test_join_button_records_the_join_time_then_redirects(client, u, login, make_session, people):
    session = now_session(make_session, mode=SessionMode.ONLINE, join_url="https://meet.example.org/chw-123")
    login(people["ana"])
    page = client.get(u("lms.sessions.detail", session_id=session.id)).get_data(as_text=True)
    assert "Join the online session" in page and "meet.example.org" not in page  # the button, never the raw link
    before = utcnow()
    response = client.submit(u("lms.sessions.join", session_id=session.id))
    assert response.status_code == 303  # to the page that opens the meeting (tests/test_live_join_interstitial.py)
    assert response.headers["Location"].endswith(u("lms.sessions.joined", session_id=session.id))
    interval = db.session.execute(select(AttendanceInterval)).scalar_one()
    assert interval.source is IntervalSource.JOIN_BUTTON and interval.user_id == people["ana"].id
    assert before - timedelta(seconds=1) <= interval.joined_at <= utcnow() and interval.left_at is None
    assert client.submit(u("lms.sessions.join", session_id=session.id)).status_code == 303  # rejoin: no new interval
    assert len(db.session.execute(select(AttendanceInterval)).all()) == 1


def test_join_button_only_for_registered_trainees_in_the_window(client, u, login, make_session, make_user, people):
    session = now_session(make_session, mode=SessionMode.ONLINE, join_url="https://meet.example.org/x")
    later = make_session(utcnow() + timedelta(days=2), mode=SessionMode.ONLINE, join_url="https://meet.example.org/y")
    login(make_user())
    assert client.submit(u("lms.sessions.join", session_id=session.id)).status_code == 400
    login(people["ana"])
    assert client.submit(u("lms.sessions.join", session_id=later.id)).status_code == 302  # back to the session page
    in_person = now_session(make_session)
    assert client.submit(u("lms.sessions.join", session_id=in_person.id)).status_code == 400
    assert db.session.execute(select(AttendanceInterval)).first() is None


# ---------------------------------------------------------------- meeting reports


def test_zoom_report_import_matches_by_email_and_reports_bad_rows(app, make_session, people):
    session = make_session(REPORT_START)
    report = parse_report(decode((FIXTURES / "zoom_participants.csv").read_bytes()), session.timezone)
    assert report.kind == "zoom"
    result = apply_report(session, report, people["trainer"], utcnow(), 75)
    db.session.commit()
    assert result.imported == 3 and result.people == 2
    assert [(p.line, p.email) for p in result.unmatched] == [(9, ""), (10, "stranger@elsewhere.org")]
    assert [p.line for p in result.problems] == [5, 11, 12, 13]  # trainer, bad time, backwards, another day
    assert "trainer" in result.problems[0].message
    assert "not a time" in result.problems[1].message

    roster = rosters.load_roster(session, utcnow())
    minutes = {line.user.email: line.minutes for line in roster.lines}
    # Ana: 5:58:40-6:50 and 6:45-7:59:30 overlap → one stretch from 6:00 (the start) to 7:59:30
    assert minutes == {"ana@example.org": 119, "ben@example.org": 50}

    again = apply_report(
        session,
        parse_report(decode((FIXTURES / "zoom_participants.csv").read_bytes()), session.timezone),
        people["trainer"],
        utcnow(),
        75,
    )
    assert again.imported == 0 and again.duplicates == 3


def test_a_report_counts_nobody_without_a_link_to_the_session(app, make_session, people, make_user):
    """A guest in the meeting who has an account but did not register, check in or enrol gets no time, so no paid
    hours reach their employer's queue; the row is reported with its line."""
    make_user("guest@example.org", name="Gil Guest")
    session = make_session(REPORT_START, registered=("ana",))
    text = (
        "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest\n"
        "Ana Ruiz,ana@example.org,10/06/2026 06:00:00 PM,10/06/2026 07:00:00 PM,60,No\n"
        "Gil Guest,guest@example.org,10/06/2026 06:00:00 PM,10/06/2026 07:00:00 PM,60,No\n"
        "Ben Cruz,ben@example.org,10/06/2026 06:00:00 PM,10/06/2026 07:00:00 PM,60,No\n"
    )
    result = apply_report(session, parse_report(text, session.timezone), people["trainer"], utcnow(), 75)
    db.session.commit()
    assert result.imported == 1 and result.people == 1
    assert [(p.line, p.email) for p in result.problems] == [(3, "guest@example.org"), (4, "ben@example.org")]
    assert "Not on this session" in result.problems[0].message
    counted = {i.user_id for i in db.session.execute(select(AttendanceInterval)).scalars()}
    assert counted == {people["ana"].id}


def test_teams_report_utf16_tsv_uses_every_join_and_leave(app, make_session, people):
    session = make_session(REPORT_START)
    data = (FIXTURES / "teams_attendance.csv").read_bytes()
    assert data.startswith(b"\xff\xfe")
    report = parse_report(decode(data), session.timezone)
    assert report.kind == "teams"
    result = apply_report(session, report, people["trainer"], utcnow(), 75)
    db.session.commit()
    assert result.imported == 3
    assert [(p.line, p.email) for p in result.unmatched] == [(20, "dee@nowhere.org")]
    assert [p.line for p in result.problems] == [21]
    minutes = {line.user.email: line.minutes for line in rosters.load_roster(session, utcnow()).lines}
    # from the In-Meeting Activities table: Ana 6:00-6:30 and 6:35-8:00 (the 5-minute gap is not counted)
    assert minutes == {"ana@example.org": 115, "ben@example.org": 80}


def test_report_times_and_encodings():
    zone = ZoneInfo("America/Los_Angeles")
    expected = datetime(2026, 11, 23, 18, 0, 12, tzinfo=zone).astimezone(UTC)
    assert parse_time("11/23/2026 06:00:12 PM", zone) == expected
    assert parse_time("11/23/26, 6:00:12\u202fpm", zone) == expected
    assert parse_time("2026-11-23 18:00:12", zone) == expected
    assert parse_time("2026-11-24T02:00:12Z", zone) == expected
    assert parse_time("2026-11-23T21:00:12-05:00", zone) == expected
    assert parse_time("23.11.2026 18:00:12", zone) == expected  # day first (tests/test_livefixb_import_dates.py)
    assert parse_time("23.23.2026 18:00", zone) is None
    text = "Name (Original Name),User Email,Join Time,Leave Time\r\nÁna,a@x.org,11/23/2026 06:00 PM,11/23/2026 07:00 PM\r\n"
    for data in (
        text.encode("utf-8"),
        b"\xef\xbb\xbf" + text.encode("utf-8"),
        text.encode("utf-16"),
        text.encode("utf-16-le"),
        text.encode("cp1252"),
    ):
        report = parse_report(decode(data), "America/Los_Angeles")
        assert [(r.name, r.email) for r in report.rows] == [("Ána", "a@x.org")], data[:8]


def test_a_file_that_is_not_a_report_imports_nothing(client, u, login, make_session, people):
    session = make_session(REPORT_START)
    login(people["trainer"])
    response = client.submit(
        u("lms.sessions.import_report", session_id=session.id),
        {"file": (io.BytesIO(b"email,name\r\na@x.org,A\r\n"), "roster.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "does not look like a Zoom or Teams" in response.get_data(as_text=True)
    assert db.session.execute(select(AttendanceInterval)).first() is None


def test_import_page_lists_unmatched_and_bad_rows_with_line_numbers(client, u, login, make_session, people):
    session = make_session(REPORT_START)
    login(people["trainer"])
    data = (FIXTURES / "zoom_participants.csv").read_bytes()
    response = client.submit(
        u("lms.sessions.import_report", session_id=session.id),
        {"file": (io.BytesIO(data), "participants.csv")},
        content_type="multipart/form-data",
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Imported 3 join and leave times." in page and "People matched: 2." in page
    assert "stranger@elsewhere.org" in page and re.search(r"<th scope=\"row\">10</th>", page)
    assert re.search(r"<th scope=\"row\">11</th>", page)
    assert len(db.session.execute(select(AttendanceInterval)).all()) == 3


def test_report_replaces_join_button_estimates(app, make_session, people):
    session = make_session(REPORT_START, mode=SessionMode.ONLINE, join_url="https://meet.example.org/x")
    click = add_time(session, people["ben"], 35, None, IntervalSource.JOIN_BUTTON)
    apply_report(
        session,
        parse_report(decode((FIXTURES / "zoom_participants.csv").read_bytes()), session.timezone),
        people["trainer"],
        utcnow(),
        75,
    )
    db.session.commit()
    db.session.refresh(click)
    assert click.is_void  # kept, not counted
    line = rosters.load_roster(session, utcnow()).line_for(people["ben"].id)
    assert line.minutes == 50


# ---------------------------------------------------------------- finalising


def test_finalise_fixes_minutes_and_completes_the_live_module_and_course(
    client, u, login, make_session, people, course, finalized_signals
):
    session = make_session(utcnow() - timedelta(hours=3))
    add_time(session, people["ana"], -5, 50)
    add_time(session, people["ana"], 45, None)  # rejoined (still "there": counted until the end)
    add_time(session, people["ben"], 30, 100)
    login(people["trainer"])
    response = client.submit(u("lms.sessions.finalize_attendance", session_id=session.id), {"confirm": "yes"})
    assert response.status_code == 302
    db.session.refresh(session)
    assert session.status is SessionStatus.COMPLETED
    assert session.attendance_finalized_at is not None and session.finalized_by_id == people["trainer"].id

    ana, ben = row_of(session, people["ana"]), row_of(session, people["ben"])
    assert (ana.minutes, ana.status, ana.completed_module) == (120, AttendanceStatus.PRESENT, True)
    assert (ben.minutes, ben.status, ben.completed_module) == (70, AttendanceStatus.PRESENT, False)
    assert finalized_signals == [(people["ana"].id, 120, False, session.id), (people["ben"].id, 70, False, session.id)]

    the_course, _module = course
    enrolled = enrollment_services.get_enrollment(people["ana"], the_course)
    assert enrolled is not None and enrolled.status is EnrollmentStatus.COMPLETED  # its only required module
    assert enrollment_services.get_enrollment(people["ben"], the_course) is None
    assert all(i.left_at is not None for i in db.session.execute(select(AttendanceInterval)).scalars())

    again = client.submit(u("lms.sessions.finalize_attendance", session_id=session.id), {"confirm": "yes"})
    assert again.status_code == 409 and len(finalized_signals) == 2  # already final: nothing sent twice


def test_finalising_before_the_scheduled_end_needs_the_trainer_to_confirm_it_ended_early(client, u, login, make_session, people):
    session = make_session(utcnow() - timedelta(minutes=10))  # two hours long: 110 minutes still to go
    add_time(session, people["ana"], 0, None)
    login(people["trainer"])
    page = client.get(u("lms.sessions.attendance", session_id=session.id)).get_data(as_text=True)
    assert "has not reached its scheduled end" in page and 'name="early"' in page

    refused = client.submit(u("lms.sessions.finalize_attendance", session_id=session.id), {"confirm": "yes"})
    assert refused.status_code == 400
    assert "confirm that it ended early" in refused.get_data(as_text=True)
    db.session.refresh(session)
    assert session.attendance_finalized_at is None and session.status is SessionStatus.SCHEDULED

    done = client.submit(u("lms.sessions.finalize_attendance", session_id=session.id), {"early": "yes", "confirm": "yes"})
    assert done.status_code == 302
    db.session.refresh(session)
    assert session.status is SessionStatus.COMPLETED
    assert row_of(session, people["ana"]).minutes == 10  # counted until now, not until the scheduled end


def test_spanish_roster_names_the_time_zone_and_uses_us_spanish_times(client, u, login, make_session, people):
    session = make_session(utcnow() - timedelta(minutes=10))
    people["trainer"].locale = "es"
    db.session.commit()
    login(people["trainer"])
    page = client.get(u("lms.sessions.attendance", session_id=session.id)).get_data(as_text=True)
    zone = "PDT" if utcnow().astimezone(ZoneInfo("America/Los_Angeles")).dst() else "PST"
    assert re.search(r"\d{1,2}:\d{2}\s?[ap]\.\s?m\.\s" + zone, page), "session time with a.m./p.m. and the zone"
    assert not re.search(r"[-+]\d{4}\b", page.split("<main", 1)[1]), "no bare UTC offset in place of the zone"


def test_finalise_marks_absent_keeps_excused_and_late(app, make_session, make_user, people):
    carla = make_user("carla@example.org", name="Carla")
    session = make_session(utcnow() - timedelta(hours=3))
    db.session.add(Registration(session_id=session.id, user_id=carla.id, status=RegistrationStatus.REGISTERED))
    add_time(session, people["ben"], 25, 120)
    now = utcnow()
    attendance.change_attendance(session, people["ben"], attendance.Change(status=AttendanceStatus.LATE), people["trainer"], now, 75)
    attendance.change_attendance(session, carla, attendance.Change(status=AttendanceStatus.EXCUSED), people["trainer"], now, 75)
    attendance.finalize(session, people["trainer"], now, 75)
    db.session.commit()
    assert (row_of(session, people["ana"]).status, row_of(session, people["ana"]).minutes) == (AttendanceStatus.ABSENT, 0)
    assert row_of(session, carla).status is AttendanceStatus.EXCUSED
    ben = row_of(session, people["ben"])
    assert (ben.status, ben.minutes, ben.completed_module) == (AttendanceStatus.LATE, 95, True)


def test_finalise_is_refused_before_the_start_and_for_cancelled_sessions(app, make_session, people):
    later = make_session(utcnow() + timedelta(hours=5))
    with pytest.raises(DomainError, match="once the session has started"):
        attendance.finalize(later, people["trainer"], utcnow(), 75)
    later.status = SessionStatus.CANCELLED
    with pytest.raises(DomainError, match="cancelled"):
        attendance.finalize(later, people["trainer"], utcnow() + timedelta(hours=8), 75)


def test_explicit_absent_does_not_complete_even_with_time(app, make_session, people):
    session = make_session(utcnow() - timedelta(hours=3))
    add_time(session, people["ana"], 0, 120)
    attendance.change_attendance(
        session, people["ana"], attendance.Change(status=AttendanceStatus.ABSENT), people["trainer"], utcnow(), 75
    )
    attendance.finalize(session, people["trainer"], utcnow(), 75)
    assert row_of(session, people["ana"]).completed_module is False


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"), reason="PostgreSQL only")
def test_simultaneous_finalising_finalises_once(app, make_session, people, finalized_signals):
    session = make_session(utcnow() - timedelta(hours=3))
    add_time(session, people["ana"], 0, 120)
    session_id, trainer_id = session.id, people["trainer"].id
    outcomes, barrier = [], threading.Barrier(4)

    def worker():
        with app.app_context():
            from lms.accounts.models import User

            barrier.wait()
            try:
                attendance.finalize(db.session.get(LiveSession, session_id), db.session.get(User, trainer_id), utcnow(), 75)
                db.session.commit()
                outcomes.append("finalised")
            except ConflictError:
                db.session.rollback()
                outcomes.append("conflict")

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflict", "conflict", "conflict", "finalised"]
    assert [(user_id, correction) for user_id, _m, correction, _s in finalized_signals] == [
        (people["ana"].id, False),
        (people["ben"].id, False),
    ]


# ---------------------------------------------------------------- corrections


def test_corrections_after_finalising_need_a_reason_and_leave_an_audit_row(
    client, u, login, make_session, people, course, finalized_signals
):
    session = make_session(utcnow() - timedelta(hours=3))
    short = add_time(session, people["ben"], 30, 100)
    attendance.finalize(session, people["trainer"], utcnow(), 75)
    db.session.commit()
    finalized_signals.clear()
    login(people["trainer"])
    token = client.csrf_token()
    path = u("lms.api.update_attendance", session_id=session.id, user_id=people["ben"].id)
    change = {
        "interval": {
            "joined_at": (session.starts_at + timedelta(minutes=5)).isoformat(),
            "left_at": (session.starts_at + timedelta(minutes=115)).isoformat(),
        },
        "void_interval_id": short.id,
    }

    refused = client.put(path, json=change, headers={"X-CSRFToken": token})
    assert refused.status_code == 400 and "reason" in refused.get_json()["error"]["message"]
    assert row_of(session, people["ben"]).minutes == 70 and finalized_signals == []

    done = client.put(
        path, json={**change, "reason": "Signed the paper sheet at 6:05; the app check-in failed."}, headers={"X-CSRFToken": token}
    )
    assert done.status_code == 200, done.get_json()
    person = done.get_json()["person"]
    assert (person["minutes"], person["status"], person["completed_module"]) == (110, "present", True)
    db.session.refresh(short)
    assert short.is_void  # kept for the record, not deleted
    assert len(db.session.execute(select(AttendanceInterval)).all()) == 2

    event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "live.attendance_corrected")).scalar_one()
    assert event.actor_id == people["trainer"].id and event.reason.startswith("Signed the paper sheet")
    assert (event.data["old_minutes"], event.data["new_minutes"]) == (70, 110)
    assert (event.data["old_status"], event.data["new_status"]) == ("present", "present")
    assert event.data["voided"]["id"] == short.id and event.at is not None
    assert finalized_signals == [(people["ben"].id, 110, True, session.id)]
    the_course, _module = course
    assert enrollment_services.get_enrollment(people["ben"], the_course).status is EnrollmentStatus.COMPLETED


def test_status_correction_on_the_person_page_needs_a_reason(client, u, login, make_session, people):
    session = make_session(utcnow() - timedelta(hours=3))
    add_time(session, people["ana"], 0, 120)
    attendance.finalize(session, people["trainer"], utcnow(), 75)
    db.session.commit()
    login(people["trainer"])
    path = u("lms.sessions.attendance_person", session_id=session.id, user_id=people["ana"].id)
    response = client.submit(path, {"action": "status", "status-status": "late"})
    assert response.status_code == 400 and "give a reason" in response.get_data(as_text=True)
    assert row_of(session, people["ana"]).status is AttendanceStatus.PRESENT
    response = client.submit(path, {"action": "status", "status-status": "late", "status-reason": "Came at 6:20."})
    assert response.status_code == 302
    assert row_of(session, people["ana"]).status is AttendanceStatus.LATE
    assert (
        db.session.execute(select(AuditEvent).where(AuditEvent.action == "live.attendance_corrected")).scalar_one().reason
        == "Came at 6:20."
    )


def test_trainer_sets_local_times_on_the_person_page(client, u, login, make_session, people):
    start = datetime(2026, 10, 6, 18, 0, tzinfo=LA).astimezone(UTC)
    session = make_session(start)
    login(people["trainer"])
    path = u("lms.sessions.attendance_person", session_id=session.id, user_id=people["ben"].id)
    assert client.get(path).status_code == 200
    response = client.submit(path, {"action": "time", "time-joined_at": "2026-10-06T18:10", "time-left_at": "2026-10-06T19:40"})
    assert response.status_code == 302
    interval = db.session.execute(select(AttendanceInterval)).scalar_one()
    assert interval.joined_at == datetime(2026, 10, 7, 1, 10, tzinfo=UTC)  # 18:10 PDT, stored in UTC
    assert interval.source is IntervalSource.TRAINER
    bad = client.submit(path, {"action": "time", "time-joined_at": "2026-10-06T19:40", "time-left_at": "2026-10-06T18:10"})
    assert bad.status_code == 400 and "after the join time" in bad.get_data(as_text=True)
    wrong_day = client.submit(path, {"action": "time", "time-joined_at": "2026-10-16T18:10", "time-left_at": ""})
    assert wrong_day.status_code == 400 and "Check the date" in wrong_day.get_data(as_text=True)
    assert client.submit(path, {"action": "remove", "remove-interval_id": str(interval.id)}).status_code == 302
    db.session.refresh(interval)
    assert interval.is_void


def test_roster_saves_statuses(client, u, login, make_session, people):
    session = make_session(utcnow() - timedelta(hours=1))
    login(people["trainer"])
    path = u("lms.sessions.attendance", session_id=session.id)
    page = client.get(path).get_data(as_text=True)
    assert "Ana Ruiz" in page and "Ben Cruz" in page and "<script" not in page
    response = client.submit(path, {f"status-{people['ana'].id}": "late", f"status-{people['ben'].id}": ""})
    assert response.status_code == 302
    assert row_of(session, people["ana"]).status is AttendanceStatus.LATE
    assert db.session.execute(select(Attendance).where(Attendance.user_id == people["ben"].id)).first() is None


# ---------------------------------------------------------------- who may do what


def test_trainee_cannot_open_a_roster_or_finalise(client, u, login, make_session, people):
    session = make_session(utcnow() - timedelta(hours=3))
    login(people["ana"])
    assert client.get(u("lms.sessions.attendance", session_id=session.id)).status_code == 403
    assert client.submit(u("lms.sessions.finalize_attendance", session_id=session.id)).status_code == 403
    assert client.get(u("lms.api.session_attendance", session_id=session.id)).status_code == 403
    db.session.refresh(session)
    assert session.attendance_finalized_at is None


def test_other_trainers_get_not_found_and_admins_see_every_roster(client, u, login, make_session, people):
    session = make_session(utcnow() - timedelta(hours=3))
    login(people["other_trainer"])
    for endpoint in (
        "lms.sessions.attendance",
        "lms.sessions.checkin_code",
        "lms.sessions.import_report",
        "lms.api.session_attendance",
    ):
        assert client.get(u(endpoint, session_id=session.id)).status_code == 404, endpoint
    assert client.submit(u("lms.sessions.finalize_attendance", session_id=session.id)).status_code == 404
    assert client.get(u("lms.sessions.attendance_person", session_id=session.id, user_id=people["ana"].id)).status_code == 404
    login(people["admin"])
    assert client.get(u("lms.sessions.attendance", session_id=session.id)).status_code == 200


def test_api_lists_attendance_with_intervals(client, u, login, make_session, people):
    session = make_session(REPORT_START)
    add_time(session, people["ana"], -5, 60)
    login(people["trainer"])
    body = client.get(u("lms.api.session_attendance", session_id=session.id)).get_json()
    assert body["session"]["id"] == session.id and body["session"]["min_share_percent"] == 75
    ana = next(p for p in body["people"] if p["email"] == "ana@example.org")
    assert (ana["minutes"], ana["share_percent"], ana["status"], ana["registered"]) == (60, 50, None, True)
    assert ana["intervals"][0]["joined_at"] == "2026-10-07T00:55:00Z"
    assert ana["intervals"][0]["source"] == "check_in"
    bad = client.put(
        u("lms.api.update_attendance", session_id=session.id, user_id=people["ana"].id),
        json={"status": "sleeping"},
        headers={"X-CSRFToken": client.csrf_token()},
    )
    assert bad.status_code == 400 and bad.get_json()["error"]["code"] == "invalid"
    missing = client.put(
        u("lms.api.update_attendance", session_id=session.id, user_id=99999),
        json={"status": "late"},
        headers={"X-CSRFToken": client.csrf_token()},
    )
    assert missing.status_code == 404 and "error" in missing.get_json()
    paths = client.get(u("lms.api.openapi")).get_json()["paths"]
    assert "put" in paths["/sessions/{session_id}/attendance/{user_id}"]


def test_roster_page_runs_a_fixed_number_of_queries(client, u, login, make_session, make_user, people, count_queries):
    session = make_session(utcnow() - timedelta(hours=1))
    login(people["trainer"])
    path = u("lms.sessions.attendance", session_id=session.id)
    add_time(session, people["ana"], 0, 30)
    client.get(path)
    with count_queries() as few:
        assert client.get(path).status_code == 200
    for n in range(8):
        user = make_user(name=f"Extra {n}")
        db.session.add(Registration(session_id=session.id, user_id=user.id, status=RegistrationStatus.REGISTERED))
        add_time(session, user, n, n + 30)
    walk_in = make_user(name="Walk-in")
    add_time(session, walk_in, 0, 10)
    with count_queries() as many:
        assert client.get(path).status_code == 200
    assert many.count == few.count, many.statements


# ---------------------------------------------------------------- demo


def test_demo_step_adds_a_finalised_past_session_once(app, make_user, make_org, people):
    from lms.live.attendance_demo import SERIES_KEY, add_attendance_demo

    trainer = people["trainer"]
    course = course_authoring.create_course(course_authoring.CourseData(slug="chw-core", title="CHW Core"), trainer)
    communication = module_authoring.add_module(course, module_authoring.ModuleData(slug="communication",
                                                                                    title="Communication"), trainer)
    lesson_authoring.add_lesson(course, communication, "one", "One", "Text.", 5, trainer)  # publishing needs something to complete
    module_authoring.add_module(
        course, module_authoring.ModuleData(slug="live-practice", title="Live practice", kind=ModuleKind.LIVE,
                                            credited_minutes=180), trainer
    )
    course_authoring.set_course_status(course, CourseStatus.PUBLISHED, trainer)
    users = {
        "trainer@example.org": trainer,
        "trainee@example.org": make_user("trainee@example.org", name="Tom"),
        "promotora@example.org": make_user("promotora@example.org", name="María"),
    }
    org = make_org("demo")
    add_attendance_demo(org, users)
    add_attendance_demo(org, users)
    db.session.commit()
    session = db.session.execute(select(LiveSession).where(LiveSession.series_key == SERIES_KEY)).scalar_one()
    assert session.ends_at < utcnow() and session.status is SessionStatus.COMPLETED
    tom, maria = row_of(session, users["trainee@example.org"]), row_of(session, users["promotora@example.org"])
    assert tom.completed_module and tom.status is AttendanceStatus.PRESENT and tom.minutes == 180
    assert not maria.completed_module and maria.status is AttendanceStatus.LATE and maria.minutes == 45


# ---------------------------------------------------------------- no attendance for time that has not passed


def test_times_in_the_future_are_refused(app, make_session, people):
    """Recorded minutes become paid hours: a trainer cannot enter a leave time that has not happened yet."""
    session = make_session(utcnow() + timedelta(days=3))
    future = attendance.Change(joined_at=session.starts_at, left_at=session.ends_at)
    with pytest.raises(DomainError, match="in the future"):
        attendance.change_attendance(session, people["ana"], future, people["trainer"], utcnow(), 75)
    running = make_session(utcnow() - timedelta(minutes=30))  # started half an hour ago, ends in 90 minutes
    ahead = attendance.Change(joined_at=running.starts_at, left_at=running.ends_at)
    with pytest.raises(DomainError, match="in the future"):
        attendance.change_attendance(running, people["ana"], ahead, people["trainer"], utcnow(), 75)
    so_far = attendance.Change(joined_at=running.starts_at, left_at=utcnow())
    attendance.change_attendance(running, people["ana"], so_far, people["trainer"], utcnow(), 75)
    db.session.commit()
    recorded = db.session.execute(select(AttendanceInterval).where(AttendanceInterval.session_id == running.id)).scalars()
    assert [(i.user_id, i.left_at is not None) for i in recorded] == [(people["ana"].id, True)]


def test_nobody_is_marked_present_before_the_session_starts(app, make_session, people):
    later = make_session(utcnow() + timedelta(hours=5))
    for status in (AttendanceStatus.PRESENT, AttendanceStatus.LATE):
        with pytest.raises(DomainError, match="has not started yet"):
            attendance.change_attendance(later, people["ana"], attendance.Change(status=status), people["trainer"],
                                         utcnow(), 75)
    excused = attendance.change_attendance(later, people["ben"], attendance.Change(status=AttendanceStatus.EXCUSED),
                                           people["trainer"], utcnow(), 75)  # told the trainer in advance
    assert excused.status is AttendanceStatus.EXCUSED
