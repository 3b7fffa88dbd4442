"""Attendance integrity: whom a trainer may record attendance for (never themselves or their co-trainers, never a
stranger), who attendance may enrol, sessions that ended early, and codes of finalised or cancelled sessions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from lms import db
from lms.audit import AuditEvent
from lms.db import utcnow
from lms.enrollment import services as enrollment_services
from lms.enrollment.models import EnrollmentStatus
from lms.hours.models import HoursEntry
from lms.live import attendance, checkin, registration, scheduling
from lms.live.models import (
    Attendance,
    AttendanceInterval,
    IntervalSource,
    RegistrationStatus,
)
from tests.live_support import add_time, attendance_row, live_course, make_trainer, seat, soon

HOSTING = "hosting is not attending"
NOT_ON_SESSION = "This person is not on this session"


@pytest.fixture
def trainer(teresa):
    return teresa


@pytest.fixture
def cotrainer(make_user):
    return make_trainer(make_user, "otto")


@pytest.fixture
def course_and_module(trainer):
    return live_course(trainer)


@pytest.fixture
def session_at(course_and_module, trainer, cotrainer):
    """A session of ``minutes`` that started ``ago`` minutes ago, run by the trainer and the co-trainer."""

    def factory(ago: int, minutes: int = 120, module=None):
        module = module or course_and_module[1]
        return soon(module, trainer, -ago, minutes=minutes, trainer_ids=(trainer.id, cotrainer.id))

    return factory


def count(model, **where) -> int:
    query = select(func.count()).select_from(model)
    for key, value in where.items():
        query = query.where(getattr(model, key) == value)
    return db.session.execute(query).scalar_one()


def put(client, u, session, user_id, body):
    path = u("lms.api.update_attendance", session_id=session.id, user_id=user_id)
    return client.put(path, json=body, headers={"X-CSRFToken": client.csrf_token()})


def two_hours(session) -> dict:
    return {
        "interval": {
            "joined_at": session.starts_at.isoformat(),
            "left_at": (session.starts_at + timedelta(minutes=120)).isoformat(),
        },
        "status": "present",
        "reason": "Was there all along.",
    }


def finalize(client, u, session, data=None):
    """Finalise from the roster, ticking the confirmation: the roster after it, or shown again with why not (400)."""
    response = client.submit(u("lms.sessions.finalize_attendance", session_id=session.id), {"confirm": "yes", **(data or {})})
    db.session.refresh(session)
    if response.status_code == 400:
        return response.get_data(as_text=True)
    assert response.status_code == 302
    return client.get(response.headers["Location"]).get_data(as_text=True)


# ---------------------------------------------------------------- 1. whom attendance may be recorded for


def test_trainers_cannot_credit_themselves_or_a_co_trainer(client, u, login, session_at, trainer, cotrainer, course_and_module):
    session = session_at(ago=150)
    login(trainer)
    for person in (trainer, cotrainer):
        refused = put(client, u, session, person.id, two_hours(session))
        assert refused.status_code == 403, refused.get_json()
        assert HOSTING in refused.get_json()["error"]["message"]

    page = u("lms.sessions.attendance_person", session_id=session.id, user_id=trainer.id)
    assert "Hosting is not attending" in client.get(page).get_data(as_text=True)
    form = client.submit(page, {"action": "status", "status-status": "present"})
    assert form.status_code == 400 and HOSTING in form.get_data(as_text=True)

    finalize(client, u, session)
    assert put(client, u, session, trainer.id, two_hours(session)).status_code == 403  # as a correction too
    assert count(Attendance) == count(AttendanceInterval) == count(HoursEntry) == 0
    assert enrollment_services.get_enrollment(trainer, course_and_module[0]) is None


def test_trainers_cannot_check_in_to_their_own_session_and_are_not_counted(client, u, login, session_at, trainer, cotrainer):
    session = session_at(ago=30)
    checkin.new_code(session, trainer)
    seat(session, cotrainer)  # registered before being made a co-trainer: on the roster, but not an attendee
    db.session.commit()
    login(cotrainer)
    refused = client.submit(u("lms.sessions.checkin"), {"code": session.checkin_code})
    assert refused.status_code == 400 and HOSTING in refused.get_data(as_text=True)
    assert count(AttendanceInterval) == 0

    login(trainer)
    roster = client.get(u("lms.sessions.attendance", session_id=session.id)).get_data(as_text=True)
    assert "Trainer of this session: not counted" in roster and f'name="status-{cotrainer.id}"' not in roster
    finalize(client, u, session, {"early": "yes"})
    assert attendance_row(session, cotrainer) is None and count(HoursEntry) == 0


def test_strangers_are_not_found_whatever_their_organisation(
    client, u, login, session_at, trainer, make_user, make_org, add_member, course_and_module
):
    session = session_at(ago=150)
    org = make_org("elsewhere")
    stranger = make_user("stranger@example.org", name="Sam Stranger")
    add_member(org, stranger)
    login(trainer)
    refused = put(client, u, session, stranger.id, two_hours(session))
    unknown = put(client, u, session, 999_999, two_hours(session))
    assert refused.status_code == unknown.status_code == 404
    assert refused.get_json() == unknown.get_json()  # does not even confirm that the account exists
    assert NOT_ON_SESSION in refused.get_json()["error"]["message"]
    page = u("lms.sessions.attendance_person", session_id=session.id, user_id=stranger.id)
    assert client.get(page).status_code == 404
    assert client.submit(page, {"action": "status", "status-status": "present"}).status_code == 404
    assert "stranger@example.org" not in client.get(page).get_data(as_text=True)

    finalize(client, u, session)
    assert count(Attendance) == count(HoursEntry) == 0
    assert enrollment_services.get_enrollment(stranger, course_and_module[0]) is None


def test_people_linked_to_the_session_can_be_recorded(client, u, login, session_at, trainer, make_user, course_and_module):
    course = course_and_module[0]
    session = session_at(ago=150)
    waitlisted, cancelled, walk_in = make_user(), make_user(), make_user(name="Wanda Walk-in")
    seat(session, waitlisted, status=RegistrationStatus.WAITLISTED)
    seat(session, cancelled, status=RegistrationStatus.CANCELLED)
    enrollment_services.enroll(walk_in, course, walk_in)  # enrolled in the course, did not register
    db.session.commit()
    login(trainer)
    for person in (waitlisted, cancelled, walk_in):
        done = put(client, u, session, person.id, two_hours(session))
        assert done.status_code == 200, done.get_json()
        assert done.get_json()["person"]["minutes"] == 120
    page = u("lms.sessions.attendance_person", session_id=session.id, user_id=walk_in.id)
    assert "Wanda Walk-in" in client.get(page).get_data(as_text=True)

    finalize(client, u, session)
    assert attendance_row(session, walk_in).completed_module
    assert enrollment_services.get_enrollment(walk_in, course).status is EnrollmentStatus.COMPLETED
    assert count(HoursEntry, user_id=walk_in.id) == 1


def test_finalising_enrols_only_people_who_asked_for_the_session(client, u, login, session_at, trainer, make_user, course_and_module):
    course = course_and_module[0]
    session = session_at(ago=150)
    checked_in, reported = make_user(name="Carla Checked-in"), make_user(name="Rita Reported")
    add_time(session, checked_in, 0, 120)  # typed the code in the room
    add_time(session, reported, 0, 120, IntervalSource.IMPORT)  # only in a meeting report the trainer uploaded
    login(trainer)
    finalize(client, u, session)

    assert attendance_row(session, checked_in).completed_module
    assert enrollment_services.get_enrollment(checked_in, course).status is EnrollmentStatus.COMPLETED
    event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "live.enrolled_by_attendance")).scalar_one()
    assert (event.actor_id, event.data["user_id"], event.data["via"]) == (trainer.id, checked_in.id, "check_in")

    assert attendance_row(session, reported).minutes == 120 and not attendance_row(session, reported).completed_module
    assert enrollment_services.get_enrollment(reported, course) is None  # nobody is enrolled on a trainer's word
    assert count(HoursEntry, user_id=reported.id) == 1  # the time still counts


# ---------------------------------------------------------------- 2. a session that ended early


def test_a_session_ending_early_measures_shares_against_the_time_it_ran(client, u, login, session_at, trainer, make_user):
    session = session_at(ago=130, minutes=180)  # a three-hour class that ends 50 minutes early
    stayed, left = make_user(name="Stella Stayed"), make_user(name="Leo Left")
    for person in (stayed, left):
        seat(session, person)
    add_time(session, stayed, 0, None)
    add_time(session, left, 0, 100)  # 100 of the 130 minutes it ran (77%); of 180 scheduled only 55%
    login(trainer)
    page = client.get(u("lms.sessions.attendance", session_id=session.id)).get_data(as_text=True)
    assert "measured against the time the session actually ran" in page and "3 hours" in page

    page = finalize(client, u, session, {"early": "yes"})
    assert session.ended_early_at is not None and session.ended_early_at <= utcnow()
    # whole minutes since the start: 130, or 131 when a minute turned between setting up and finalising
    assert abs(session.ended_early_at - (session.starts_at + timedelta(minutes=130))) <= timedelta(minutes=1)
    assert attendance_row(session, stayed).completed_module and attendance_row(session, left).completed_module
    assert "2 completed the module" in page
    assert "The session ended early, at" in page and "not the scheduled 3 hours" in page
    event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "live.attendance_finalized")).scalar_one()
    assert event.actor_id == trainer.id and event.data["ended_early_at"] == session.ended_early_at.isoformat()
    body = client.get(u("lms.api.session_attendance", session_id=session.id)).get_json()
    assert body["session"]["ended_early_at"] is not None
    assert {p["share_percent"] for p in body["people"]} == {100, 76}


def test_the_trainer_gives_the_time_an_early_session_ended(client, u, login, session_at, trainer, make_user):
    session = session_at(ago=150, minutes=180)
    stayed, late = make_user(), make_user()
    for person in (stayed, late):
        seat(session, person)
    add_time(session, stayed, 0, None)  # never checked out: counted until the end given, not until now
    add_time(session, late, 30, 120)  # 90 of the 120 minutes it ran: 75%
    login(trainer)

    def local(minutes: int) -> str:  # what a datetime-local input sends; the session's zone is UTC
        return (session.starts_at + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M")

    for bad, message in (
        (local(200), "cannot be in the future"),
        (local(-10), "must be after its start"),
    ):
        page = finalize(client, u, session, {"early": "yes", "ended_at": bad})
        assert message in page and session.attendance_finalized_at is None
    page = finalize(client, u, session, {"ended_at": local(120)})
    assert "tick" in page and session.attendance_finalized_at is None

    finalize(client, u, session, {"early": "yes", "ended_at": local(120)})
    assert session.ended_early_at == session.starts_at + timedelta(minutes=120)
    assert (attendance_row(session, stayed).minutes, attendance_row(session, stayed).completed_module) == (120, True)
    assert (attendance_row(session, late).minutes, attendance_row(session, late).completed_module) == (90, True)


def test_a_session_stopped_after_minutes_completes_nobodys_module(client, u, login, session_at, trainer, make_user):
    """A class stopped after 20 of 180 minutes (or a mistyped end time) did not deliver the module, which credits its
    full minutes on certificates: nobody completes it, and the 20 minutes still count as paid hours."""
    session = session_at(ago=150, minutes=180)
    there = make_user(name="Tere There")
    seat(session, there)
    add_time(session, there, 0, None)
    login(trainer)
    page = client.get(u("lms.sessions.attendance", session_id=session.id)).get_data(as_text=True)
    assert "If it ran less than 50% of its scheduled time, attending it completes nobody" in page
    page = finalize(client, u, session, {"early": "yes",
                                         "ended_at": (session.starts_at + timedelta(minutes=20)).strftime("%Y-%m-%dT%H:%M")})
    assert "0 completed the module" in page
    assert (attendance_row(session, there).minutes, attendance_row(session, there).completed_module) == (20, False)
    assert count(HoursEntry, user_id=there.id) == 1


def test_corrections_after_an_early_end_use_the_time_it_ran(client, u, login, session_at, trainer, make_user):
    session = session_at(ago=150, minutes=180)
    person = make_user()
    seat(session, person)
    add_time(session, person, 0, 60)
    attendance.finalize(session, trainer, utcnow(), 75, early=True, ended_at=session.starts_at + timedelta(minutes=120))
    db.session.commit()
    assert not attendance_row(session, person).completed_module  # 60 of 120
    login(trainer)
    extra = {
        "interval": {
            "joined_at": (session.starts_at + timedelta(minutes=60)).isoformat(),
            "left_at": (session.starts_at + timedelta(minutes=150)).isoformat(),  # after the end: clipped to it
        },
        "reason": "Signed the paper sheet.",
    }
    done = put(client, u, session, person.id, extra)
    assert done.status_code == 200, done.get_json()
    assert (done.get_json()["person"]["minutes"], done.get_json()["person"]["completed_module"]) == (120, True)


# ---------------------------------------------------------------- 3. codes of finalised and cancelled sessions


def test_the_code_of_a_finalised_or_cancelled_session_says_so(client, u, login, session_at, trainer, make_user):
    finalised, cancelled = session_at(ago=60), session_at(ago=30)
    person = make_user()
    for session in (finalised, cancelled):
        seat(session, person)
        checkin.new_code(session, trainer)
    attendance.finalize(finalised, trainer, utcnow(), 75, early=True)
    scheduling.cancel_session(cancelled, "The room flooded.", trainer, cancelled.starts_at - timedelta(hours=1))  # before it began
    db.session.commit()
    login(person)
    for session, message in (
        (finalised, "The trainer has already closed attendance for this session."),
        (cancelled, "This session was cancelled."),
    ):
        response = client.submit(u("lms.sessions.checkin"), {"code": session.checkin_code.lower()})
        assert response.headers["Location"].endswith(u("lms.sessions.detail", session_id=session.id))
        page = client.get(response.headers["Location"]).get_data(as_text=True)
        assert message in page and "not right" not in page
    assert count(AttendanceInterval) == 0


@pytest.mark.parametrize("app_config", [{"LMS_CHECKIN_LIMIT": "2 per 10 minutes"}])
def test_closed_codes_count_towards_the_limit(client, u, login, session_at, trainer, make_user, app_config):
    finalised, running = session_at(ago=60), session_at(ago=10)
    for session in (finalised, running):
        checkin.new_code(session, trainer)
    attendance.finalize(finalised, trainer, utcnow(), 75, early=True)
    db.session.commit()
    login(make_user())
    for _ in range(2):
        assert client.submit(u("lms.sessions.checkin"), {"code": finalised.checkin_code}).status_code == 302
    assert client.submit(u("lms.sessions.checkin"), {"code": running.checkin_code}).status_code == 429


def test_a_closed_code_of_a_session_one_may_not_see_reveals_nothing(client, u, login, trainer, cotrainer, make_user):
    draft = live_course(trainer, slug="draft", publish=False)[1]
    finalised = soon(draft, trainer, -60, trainer_ids=(trainer.id,))
    cancelled = soon(draft, trainer, -30, trainer_ids=(trainer.id,))
    for session in (finalised, cancelled):
        checkin.new_code(session, trainer)
    attendance.finalize(finalised, trainer, utcnow(), 75, early=True)
    scheduling.cancel_session(cancelled, "Ill.", trainer, cancelled.starts_at - timedelta(hours=1))  # before it began
    db.session.commit()
    login(make_user())  # not registered, and the course is not published
    for session in (finalised, cancelled):
        response = client.submit(u("lms.sessions.checkin"), {"code": session.checkin_code})
        page = response.get_data(as_text=True)
        assert response.status_code == 400 and "This session is not open now." in page
        assert "cancelled" not in page and "closed attendance" not in page


def test_a_code_reused_after_a_session_closed_checks_in_to_the_open_one(client, u, login, session_at, trainer, make_user):
    old, running = session_at(ago=60), session_at(ago=10)
    checkin.new_code(old, trainer)
    attendance.finalize(old, trainer, utcnow(), 75, early=True)
    running.checkin_code = old.checkin_code  # codes are unique only among scheduled sessions
    db.session.commit()
    person = make_user()
    registration.register(running, person, person, running.starts_at - timedelta(days=1))
    db.session.commit()
    login(person)
    response = client.submit(u("lms.sessions.checkin"), {"code": old.checkin_code})
    assert response.headers["Location"].endswith(u("lms.sessions.checked_in", session_id=running.id))
