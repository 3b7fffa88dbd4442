"""Live sessions: scheduling (single and weekly across DST), the guarded status transition, registration with a
waitlist that holds under concurrency, managers registering staff, pages, the API and the demo step."""

from __future__ import annotations

import os
import socket
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from lms import db
from lms.accounts.models import User
from lms.catalog import course_authoring, module_authoring
from lms.catalog.models import CourseStatus, ModuleKind
from lms.db import utcnow
from lms.enrollment import services as enrollment_services
from lms.errors import DomainError
from lms.live import registration, scheduling
from lms.live.models import (
    AttendanceInterval,
    LiveSession,
    Registration,
    RegistrationStatus,
    SessionMode,
    SessionStatus,
    SessionTrainer,
)
from tests.concurrency import all_at_once
from tests.conftest import body_of
from tests.live_support import (
    LA,
    closed_when,
    day_and_time,
    live_course,
    local,
    plan,
    register_in_turn,
    registration_counts,
    schedule,
    session_form,
    soon,
)


@pytest.fixture
def course(trainer):
    return live_course(trainer)


def _reload(obj):
    db.session.expire_all()
    return db.session.get(type(obj), obj.id)


# ---------------------------------------------------------------- scheduling


def test_a_session_is_stored_in_utc_with_its_trainers(course, trainer):
    _course, module = course
    (session,) = schedule(module, trainer, day=date(2038, 1, 12), trainer_ids=(trainer.id,), cost_cents=2500)
    assert session.starts_at == datetime(2038, 1, 13, 2, 0, tzinfo=UTC)  # 18:00 PST
    assert session.ends_at - session.starts_at == timedelta(hours=2)
    assert session.course_id == module.course_id and session.status is SessionStatus.SCHEDULED
    assert session.series_key is None and session.cost_cents == 2500
    assert scheduling.trainer_ids(session) == [trainer.id]


def test_a_weekly_series_keeps_the_local_time_across_daylight_saving(course, trainer):
    _course, module = course
    sessions = schedule(module, trainer, repeat=4, allow_past=True, day=date(2026, 10, 20))
    assert len({s.series_key for s in sessions}) == 1 and sessions[0].series_key
    assert [local(s.starts_at).strftime("%Y-%m-%d %H:%M") for s in sessions] == [
        "2026-10-20 18:00",
        "2026-10-27 18:00",
        "2026-11-03 18:00",
        "2026-11-10 18:00",
    ]
    assert [s.starts_at.hour for s in sessions] == [1, 1, 2, 2]  # PDT (UTC-7), then PST (UTC-8)
    assert all(s.ends_at - s.starts_at == timedelta(hours=2) for s in sessions)
    spring = schedule(module, trainer, repeat=2, day=date(2038, 3, 9), deadline=datetime(2038, 3, 8, 12, 0))
    assert [local(s.starts_at).hour for s in spring] == [18, 18]
    assert [local(s.registration_deadline).strftime("%m-%d %H:%M") for s in spring] == ["03-08 12:00", "03-15 12:00"]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"minutes": 0}, "minutes"),
        ({"minutes": -30}, "minutes"),
        ({"capacity": 0}, "capacity"),
        ({"capacity": -5}, "capacity"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"mode": "hybrid"}, "mode"),
        ({"mode": SessionMode.IN_PERSON, "address": " "}, "address"),
        ({"mode": SessionMode.ONLINE, "join_url": ""}, "join_url"),
        ({"mode": SessionMode.ONLINE, "join_url": "javascript:alert(1)"}, "join_url"),
        ({"deadline": datetime(2099, 1, 1)}, "deadline"),
        ({"cost_cents": -1}, "cost"),
        ({"day": date(1, 1, 1)}, "starts_on"),
        ({"day": date(9999, 12, 31)}, "starts_on"),
        ({"day": date(2038, 3, 14), "at": time(2, 30)}, "start_time"),  # skipped by the clocks in Los Angeles
        ({"day": date(2020, 1, 1)}, "starts_on"),  # in the past
    ],
)
def test_bad_plans_are_refused_with_the_field_named(course, trainer, fields, field):
    _course, module = course
    with pytest.raises(DomainError) as caught:
        scheduling.create_sessions(plan(module, **{"trainer_ids": (trainer.id,), **fields}), 1, trainer)
    assert caught.value.details["field"] == field
    assert db.session.execute(select(func.count(LiveSession.id))).scalar_one() == 0


def test_only_live_modules_get_sessions(trainer):
    course = course_authoring.create_course(course_authoring.CourseData(slug="self", title="Self"), trainer)
    module = module_authoring.add_module(course, module_authoring.ModuleData(slug="read", title="Read",
                                                                             kind=ModuleKind.SELF_PACED), trainer)
    with pytest.raises(DomainError) as caught:
        scheduling.create_sessions(plan(module), 1, trainer)
    assert caught.value.details["field"] == "module"


def test_status_changes_only_through_the_guarded_transition(course, trainer, make_user):
    _course, module = course
    (session,) = schedule(module, trainer)
    with pytest.raises(DomainError):
        scheduling.transition(session, SessionStatus.COMPLETED, trainer)  # not started yet
    with pytest.raises(DomainError):
        scheduling.cancel_session(session, "   ", trainer, utcnow())  # a reason is required
    scheduling.cancel_session(session, "Trainer is ill", trainer, utcnow())
    assert session.status is SessionStatus.CANCELLED and session.cancel_reason == "Trainer is ill"
    assert session.cancelled_by_id == trainer.id and session.cancelled_at is not None
    for status in SessionStatus:
        with pytest.raises(DomainError):
            scheduling.transition(session, status, trainer, reason="again")
    (past,) = schedule(module, trainer, allow_past=True, day=date(2026, 1, 6))
    scheduling.complete_session(past, trainer, utcnow())
    assert past.status is SessionStatus.COMPLETED


# ---------------------------------------------------------------- registration and the waitlist


def test_registering_enrols_fills_seats_then_the_waitlist(app, course, trainer, make_user, mailbox):
    the_course, module = course
    (session,) = schedule(module, trainer, capacity=2)
    people = [make_user(f"p{i}@example.org", locale="es" if i == 2 else "en") for i in range(4)]
    now = utcnow()
    seats = [registration.register(session, p, p, now) for p in people]
    db.session.commit()
    assert [s.status for s in seats] == [RegistrationStatus.REGISTERED] * 2 + [RegistrationStatus.WAITLISTED] * 2
    assert enrollment_services.get_enrollment(people[0], the_course) is not None
    assert registration.register(session, people[0], people[0], now).id == seats[0].id  # idempotent
    assert [registration.waitlist_position(s) for s in seats] == [None, None, 1, 2]
    promoted = registration.cancel_registration(session, people[0], people[0], utcnow())
    db.session.commit()
    assert [r.user_id for r in promoted] == [people[2].id]
    assert _reload(seats[2]).status is RegistrationStatus.REGISTERED and seats[2].promoted_at is not None
    assert registration.waitlist_position(_reload(seats[3])) == 1
    assert registration.count_seats([session.id])[session.id] == (2, 1)
    again = registration.register(session, people[0], people[0], utcnow())  # back, but at the end of the line
    assert again.id == seats[0].id and again.status is RegistrationStatus.WAITLISTED


def test_raising_capacity_promotes_and_emails_the_first_in_line(app, course, trainer, make_user, mailbox):
    _course, module = course
    (session,) = schedule(module, trainer, capacity=1)
    first, second = make_user("a@example.org"), make_user("b@example.org", locale="es", name="Beatriz")
    register_in_turn(session, first, second)
    data = scheduling.data_of(session)
    update = scheduling.update_session(session, data.__class__(**{**data.__dict__, "capacity": 2}), trainer, utcnow())
    db.session.commit()
    assert [r.user_id for r in update.promoted] == [second.id]
    assert update.changes == () and update.to_tell == []  # more seats: nothing to tell everyone
    with pytest.raises(DomainError) as caught:  # fewer seats than people registered
        scheduling.update_session(session, data.__class__(**{**data.__dict__, "capacity": 1}), trainer, utcnow())
    assert caught.value.details["field"] == "capacity"


def test_a_trainee_who_cancels_never_learns_who_was_next_on_the_waitlist(app, client, u, login, course, trainer, make_user):
    _course, module = course
    (session,) = schedule(module, trainer, capacity=1)
    first, waiting = make_user("first@example.org"), make_user("next.in.line@example.org", name="Nadia Next")
    register_in_turn(session, first, waiting)
    with socket.socket() as probe:  # a port nothing listens on: the email to the promoted person fails
        probe.bind(("127.0.0.1", 0))
        app.config["LMS_MAIL_PORT"] = probe.getsockname()[1]
    login(first)
    response = client.submit(u("lms.sessions.unregister", session_id=session.id), {"confirm": "yes"})
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Your registration is cancelled." in page
    assert "next.in.line@example.org" not in page and "Nadia" not in page and "could not email" not in page
    assert registration.get_registration(session, waiting).status is RegistrationStatus.REGISTERED


def test_cancelling_a_seat_takes_a_confirmation_page(app, client, u, login, course, trainer, make_user, mailbox):
    _course, module = course
    (session,) = schedule(module, trainer, capacity=1)
    first, waiting = make_user("first@example.org"), make_user("waiting@example.org")
    register_in_turn(session, first, waiting)
    login(first)
    confirm = u("lms.sessions.unregister", session_id=session.id)
    page = client.get(u("lms.sessions.detail", session_id=session.id)).get_data(as_text=True)
    assert f'href="{confirm}"' in page and f'action="{confirm}"' not in page  # a link to the page, not a button
    page = client.get(confirm).get_data(as_text=True)
    assert "Cancel your registration?" in page and "Keep my seat" in page and "Yes, cancel my registration" in page
    assert "goes at once to the next person on the waitlist" in page and "end of the waitlist" in page
    assert 'name="confirm" value="yes"' in page
    response = client.submit(confirm)  # the old one-click button: nothing happens, the page asks to confirm
    assert response.status_code == 302 and response.headers["Location"].endswith(confirm)
    assert "Nothing was cancelled yet" in client.get(confirm).get_data(as_text=True)
    assert registration.get_registration(session, first).status is RegistrationStatus.REGISTERED
    assert client.submit(confirm, {"confirm": "no"}).status_code == 302
    assert registration.get_registration(session, first).status is RegistrationStatus.REGISTERED
    response = client.submit(confirm, {"confirm": "yes"})
    assert response.headers["Location"].endswith(u("lms.sessions.detail", session_id=session.id))
    assert registration.get_registration(session, first).status is RegistrationStatus.CANCELLED
    assert registration.get_registration(session, waiting).status is RegistrationStatus.REGISTERED
    assert [m["To"] for m in mailbox] == ["waiting@example.org"]
    response = client.get(confirm)  # nothing left to cancel
    assert response.status_code == 302 and "There is no registration to cancel." in client.get(response.headers["Location"]).get_data(
        as_text=True
    )


def test_the_confirmation_says_what_giving_up_the_place_means(client, u, login, course, trainer, make_user):
    _course, module = course
    (roomy,) = schedule(module, trainer, capacity=5)
    (full,) = schedule(module, trainer, capacity=1, day=local(utcnow()).date() + timedelta(days=6))
    mine, other = make_user(), make_user()
    register_in_turn(roomy, mine)
    register_in_turn(full, other, mine)
    login(mine)
    page = client.get(u("lms.sessions.unregister", session_id=roomy.id)).get_data(as_text=True)
    assert "Your seat becomes free for someone else." in page and "end of the waitlist" not in page
    page = client.get(u("lms.sessions.unregister", session_id=full.id)).get_data(as_text=True)
    assert "Leave the waitlist?" in page and "you are number 1" in page and "end of the waitlist" in page
    assert "Yes, leave the waitlist" in page and "Keep my place" in page
    assert client.submit(u("lms.sessions.unregister", session_id=full.id), {"confirm": "yes"}).status_code == 302
    assert registration.get_registration(full, mine).status is RegistrationStatus.CANCELLED
    login(other)  # the session is still full, and nobody is waiting now
    page = client.get(u("lms.sessions.unregister", session_id=full.id)).get_data(as_text=True)
    assert "The session is full: someone else can take your seat" in page


# ---------------------------------------------------------------- the Join button


def test_the_join_button_shows_only_while_joining_is_open(client, u, login, course, trainer, make_user):
    _course, module = course
    online = {"mode": SessionMode.ONLINE, "address": "", "join_url": "https://meet.example.org/r"}
    (later,) = schedule(module, trainer, **online)
    now = soon(module, trainer, 10, **online)
    person = make_user(timezone="America/New_York")
    for session in (later, now):
        registration.register(session, person, person, utcnow())
    db.session.commit()
    login(person)
    page = client.get(u("lms.sessions.detail", session_id=later.id)).get_data(as_text=True)
    opens = day_and_time(later.starts_at - timedelta(minutes=15), "America/New_York")
    assert "Join the online session</button>" not in page
    assert f"You can join from {opens} (15 minutes before the start)." in page and opens.endswith(("EST", "EDT"))
    page = client.get(u("lms.sessions.detail", session_id=now.id)).get_data(as_text=True)
    assert "Join the online session</button>" in page and "You can join from" not in page


def test_joining_outside_the_window_leads_back_to_the_session_page(client, u, login, course, trainer, make_user):
    _course, module = course
    online = {"mode": SessionMode.ONLINE, "address": "", "join_url": "https://meet.example.org/r"}
    (later,) = schedule(module, trainer, **online)
    over = soon(module, trainer, -180, **online)  # ended an hour ago
    person = make_user()
    registration.register(later, person, person, utcnow())
    registration.register(over, person, person, over.starts_at - timedelta(days=1))
    db.session.commit()
    login(person)
    response = client.submit(u("lms.sessions.join", session_id=later.id))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(u("lms.sessions.detail", session_id=later.id))
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    opens = day_and_time(later.starts_at - timedelta(minutes=15), LA)
    assert f"The online session is not open yet. You can join from {opens} (15 minutes before the start)." in page
    assert "Bad request" not in page
    response = client.submit(u("lms.sessions.join", session_id=over.id))
    assert response.status_code == 302
    closed = closed_when(over.ends_at + timedelta(minutes=15), LA)
    assert f"This session is over: joining closed {closed}." in client.get(response.headers["Location"]).get_data(as_text=True)
    assert db.session.execute(select(func.count(AttendanceInterval.id))).scalar_one() == 0


def test_registration_closes_at_the_deadline_and_for_cancelled_sessions(course, trainer, make_user):
    _course, module = course
    (session,) = schedule(module, trainer, deadline=datetime.combine(date.today() + timedelta(days=1), time(9)))
    person = make_user()
    later = session.registration_deadline + timedelta(minutes=1)
    with pytest.raises(DomainError, match="closed"):
        registration.register(session, person, person, later)
    scheduling.cancel_session(session, "Venue flooded", trainer, utcnow())
    with pytest.raises(DomainError, match="cancelled"):
        registration.register(session, person, person, utcnow())


def test_cancelling_a_session_keeps_registrations_and_tells_everyone_in_their_language(
    app, client, u, login, course, trainer, make_user, mailbox
):
    _course, module = course
    (session,) = schedule(module, trainer, capacity=1)
    ana = make_user("ana@example.org", name="Ana", locale="es")
    bob = make_user("bob@example.org", name="Bob", locale="en")
    register_in_turn(session, ana, bob)
    login(trainer)
    page = client.get(u("lms.sessions.cancel", session_id=session.id)).text
    assert "1 person has a seat." in page and "1 person is on the waitlist." in page  # not "1 people"
    response = client.submit(u("lms.sessions.cancel", session_id=session.id), {"reason": ""})
    assert response.status_code == 400 and _reload(session).status is SessionStatus.SCHEDULED
    response = client.submit(u("lms.sessions.cancel", session_id=session.id), {"reason": "La sala no está disponible"})
    assert response.status_code == 302
    session = _reload(session)
    assert session.status is SessionStatus.CANCELLED
    statuses = db.session.execute(select(Registration.status).where(Registration.session_id == session.id)).scalars()
    assert sorted(s.value for s in statuses) == ["registered", "waitlisted"]
    by_to = {m["To"]: m for m in mailbox}
    assert set(by_to) == {"ana@example.org", "bob@example.org"}
    assert "Práctica de juegos de roles" in by_to["ana@example.org"]["Subject"]
    assert "Role-play practice" in by_to["bob@example.org"]["Subject"]
    assert "La sala no está disponible" in body_of(by_to["bob@example.org"])


def test_a_manager_registers_current_staff_only(app, client, u, login, course, trainer, make_user, make_org, add_member, mailbox):
    _course, module = course
    (session,) = schedule(module, trainer, capacity=5)
    manager = make_user("boss@example.org", name="Bea Boss")
    org = make_org("clinic", manager=manager)
    staff = make_user("worker@example.org", name="Walter Worker", locale="es")
    outsider = make_user("outsider@example.org", name="Olga Outsider")
    add_member(org, staff)
    login(manager)
    page = client.get(u("lms.sessions.staff", session_id=session.id, org_slug="clinic"))
    assert page.status_code == 200 and "Walter Worker" in page.get_data(as_text=True)
    assert "Olga Outsider" not in page.get_data(as_text=True)
    detail = client.get(u("lms.sessions.detail", session_id=session.id)).get_data(as_text=True)
    assert "Register staff of Clinic" in detail  # the organisation's name, not its short name
    url = u("lms.sessions.staff", session_id=session.id, org_slug="clinic")
    done = client.submit(url, {"user_id": staff.id, "action": "register"})
    assert done.status_code == 302
    assert "Walter Worker is registered. We emailed them the details." in client.get(done.headers["Location"]).get_data(as_text=True)
    seat = registration.get_registration(session, staff)
    assert seat.status is RegistrationStatus.REGISTERED and seat.registered_by_id == manager.id
    assert len(mailbox) == 1 and mailbox[0]["To"] == "worker@example.org"
    assert "Bea Boss" in body_of(mailbox[0]) and "Práctica" in mailbox[0]["Subject"]
    client.submit(url, {"user_id": outsider.id, "action": "register"})
    assert registration.get_registration(session, outsider) is None
    client.submit(url, {"user_id": staff.id, "action": "cancel", "confirm": "yes"})
    assert _reload(seat).status is RegistrationStatus.CANCELLED
    assert client.submit(url, {"user_id": "x", "action": "nope"}).status_code == 302


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"), reason="PostgreSQL only")
def test_simultaneous_registrations_never_overbook(app, course, trainer, make_user):
    _course, module = course
    (session,) = schedule(module, trainer, capacity=5)
    people = [make_user(f"rush{i}@example.org") for i in range(20)]

    def register(user_id: int) -> None:
        person = db.session.get(User, user_id)
        registration.register(db.session.get(LiveSession, session.id), person, person, utcnow())
        db.session.commit()

    assert all_at_once(app, register, [p.id for p in people]) == []
    assert registration_counts(session) == {RegistrationStatus.REGISTERED: 5, RegistrationStatus.WAITLISTED: 15}


# ---------------------------------------------------------------- pages


def _form(live_module, **overrides):
    online = {"end_time": "20:00", "minutes": "", "locale": "es", "mode": "online", "address": "",
              "join_url": "https://meet.example.org/x"}
    return session_form(live_module, None, date.today() + timedelta(days=9), **{**online, **overrides})

def test_a_trainer_schedules_a_weekly_series_from_the_form(client, u, login, course, trainer):
    _course, module = course
    login(trainer)
    page = client.get(u("lms.sessions.create"))
    assert page.status_code == 200 and "Role-play practice" in page.get_data(as_text=True)
    response = client.submit(u("lms.sessions.create"), {**_form(module, repeat="3", cost="12.50"), "trainers": [str(trainer.id)]})
    assert response.status_code == 302, response.get_data(as_text=True)
    sessions = list(db.session.execute(select(LiveSession).order_by(LiveSession.starts_at)).scalars())
    assert len(sessions) == 3 and len({s.series_key for s in sessions}) == 1
    assert sessions[0].locale == "es" and sessions[0].cost_cents == 1250 and sessions[0].address is None
    assert all(local(s.starts_at).hour == 18 for s in sessions)
    assert db.session.execute(select(func.count(SessionTrainer.id))).scalar_one() == 3
    edit = client.submit(
        u("lms.sessions.edit", session_id=sessions[0].id),
        {**_form(module, capacity="3", end_time="", minutes="150", mode="hybrid", address="Room 4"), "trainers": [str(trainer.id)]},
    )
    assert edit.status_code == 302
    edited = _reload(sessions[0])
    assert edited.capacity == 3 and edited.address == "Room 4" and edited.ends_at - edited.starts_at == timedelta(minutes=150)


@pytest.mark.parametrize(
    "overrides",
    [
        {"end_time": "17:00"},  # end before start
        {"end_time": "", "minutes": ""},
        {"capacity": "0"},
        {"capacity": "-3"},
        {"capacity": "lots"},
        {"starts_on": "2026-02-30"},
        {"starts_on": "yesterday"},
        {"starts_on": "0001-01-01"},
        {"start_time": "25:61"},
        {"module": "999999"},
        {"module": "abc"},
        {"timezone": "Nowhere/Land"},
        {"mode": "teleport"},
        {"locale": "xx"},
        {"cost": "NaN"},
        {"cost": "-5"},
        {"repeat": "0"},
        {"repeat": "1000"},
        {"join_url": "not a url"},
        {"deadline": "2099-01-01T10:00"},
        {"trainers": ["424242"]},
    ],
)
def test_bad_form_input_rerenders_with_a_message(client, u, login, course, trainer, overrides):
    _course, module = course
    login(trainer)
    response = client.submit(u("lms.sessions.create"), _form(module, **overrides))
    assert response.status_code == 400
    assert "Please correct the highlighted fields." in response.get_data(as_text=True)
    assert db.session.execute(select(func.count(LiveSession.id))).scalar_one() == 0


def test_unknown_sessions_are_404_everywhere(client, u, login, trainer):
    login(trainer)
    for endpoint in ("detail", "edit", "cancel", "ics"):
        assert client.get(u(f"lms.sessions.{endpoint}", session_id=424242)).status_code == 404
    assert client.submit(u("lms.sessions.register", session_id=424242)).status_code == 404
    api = client.get(u("lms.api.get_session", session_id=424242))
    assert api.status_code == 404 and api.json["error"]["code"] == "not_found"


def test_the_session_page_shows_the_place_only_to_people_with_a_seat(client, u, login, course, trainer, make_user):
    _course, module = course
    (session,) = schedule(module, trainer, mode=SessionMode.HYBRID, join_url="https://meet.example.org/secret")
    person = make_user(timezone="America/New_York")
    login(person)
    page = client.get(u("lms.sessions.detail", session_id=session.id)).get_data(as_text=True)
    assert "1200 Main Street" not in page and "meet.example.org/secret" not in page
    assert "In the session&#39;s time zone" in page or "In the session's time zone" in page  # viewer is in New York
    assert client.submit(u("lms.sessions.register", session_id=session.id)).status_code == 302
    page = client.get(u("lms.sessions.detail", session_id=session.id)).get_data(as_text=True)
    assert "1200 Main Street" in page and "You can join from" in page  # the Join button shows only in the window
    assert "meet.example.org/secret" not in page  # trainees join through the button, which records the time
    mine = client.get(u("lms.sessions.mine")).get_data(as_text=True)
    assert "Role-play practice" in mine and "/sessions/feed/" in mine
    assert client.submit(u("lms.sessions.unregister", session_id=session.id), {"confirm": "yes"}).status_code == 302
    assert registration.get_registration(session, person).status is RegistrationStatus.CANCELLED


def test_sessions_of_unpublished_courses_are_hidden(client, u, login, trainer, make_user):
    _course, module = live_course(trainer, slug="draft", publish=False)
    (session,) = schedule(module, trainer)
    assert client.get(u("lms.sessions.detail", session_id=session.id)).status_code == 404
    assert "Role-play practice" not in client.get(u("lms.sessions.index")).get_data(as_text=True)
    login(trainer)
    assert client.get(u("lms.sessions.detail", session_id=session.id)).status_code == 200


def test_the_list_filters_and_uses_a_fixed_number_of_queries(client, u, login, course, trainer, make_user, count_queries):
    _course, module = course
    viewer = make_user()
    login(viewer)

    def measure():
        with count_queries() as counter:
            assert client.get(u("lms.sessions.index")).status_code == 200
        return counter.count

    schedule(module, trainer, repeat=2, trainer_ids=(trainer.id,))
    registration.register(db.session.get(LiveSession, 1), viewer, viewer, utcnow())
    db.session.commit()
    few = measure()
    schedule(
        module, trainer, repeat=8, locale="es", mode=SessionMode.ONLINE, join_url="https://m.example.org/a", trainer_ids=(trainer.id,),
        at=time(9, 0),  # the trainer leads the first series at 18:00
    )
    assert measure() == few
    page = client.get(u("lms.sessions.index", language="es", mode="online")).get_data(as_text=True)
    assert page.count('class="card live-card"') == 8
    start = local(db.session.execute(select(func.min(LiveSession.starts_at))).scalar_one()).date()
    page = client.get(u("lms.sessions.index", **{"from": start.isoformat(), "until": start.isoformat()}))
    assert page.get_data(as_text=True).count('class="card live-card"') == 2
    bad = client.get(u("lms.sessions.index", **{"from": "0001-01-01", "until": "31/12", "mode": "x", "language": "zz"}))
    assert bad.status_code == 200 and "not understood" in bad.get_data(as_text=True)


# ---------------------------------------------------------------- API


def test_the_api_lists_reads_and_registers(client, u, login, course, trainer, make_user):
    _course, module = course
    (session,) = schedule(module, trainer, capacity=1, locale="es", trainer_ids=(trainer.id,))
    listed = client.get(u("lms.api.list_sessions")).json["sessions"]
    assert [s["id"] for s in listed] == [session.id]
    item = listed[0]
    assert item["starts_at"].endswith("Z") and datetime.fromisoformat(item["starts_at"]) == session.starts_at
    assert item["language"] == "es" and item["mode"] == "in_person" and item["seats_left"] == 1
    assert item["module"] == {"slug": "live", "title": "Role-play practice"} and item["course"]["slug"] == "practice"
    assert client.get(u("lms.api.list_sessions", mode="x")).status_code == 400
    assert client.post(u("lms.api.session_registration", session_id=session.id)).status_code == 401
    login(make_user())
    token = client.csrf_token()
    first = client.post(u("lms.api.session_registration", session_id=session.id), headers={"X-CSRFToken": token})
    assert first.status_code == 201 and first.json["my_registration"]["status"] == "registered"
    assert first.json["address"] == "1200 Main Street, Fresno, CA"
    again = client.post(u("lms.api.session_registration", session_id=session.id), headers={"X-CSRFToken": token})
    assert again.status_code == 200
    gone = client.delete(u("lms.api.session_registration", session_id=session.id), headers={"X-CSRFToken": token})
    assert gone.status_code == 200 and gone.json["my_registration"]["status"] == "cancelled"
    twice = client.delete(u("lms.api.session_registration", session_id=session.id), headers={"X-CSRFToken": token})
    assert twice.status_code == 400 and twice.json["error"]["message"]
    paths = client.get(u("lms.api.openapi")).json["paths"]
    assert {"/sessions", "/sessions/{session_id}", "/sessions/{session_id}/registration"} <= set(paths)


def test_a_second_person_is_waitlisted_through_the_api(client, u, login, course, trainer, make_user):
    _course, module = course
    (session,) = schedule(module, trainer, capacity=1)
    register_in_turn(session, make_user())  # not the trainer: a session's own trainers cannot register for it
    login(make_user())
    response = client.post(u("lms.api.session_registration", session_id=session.id), headers={"X-CSRFToken": client.csrf_token()})
    assert response.status_code == 201 and response.json["my_registration"] == {"status": "waitlisted", "waitlist_position": 1}
    assert response.json["address"] is None


# ---------------------------------------------------------------- demo


def test_the_demo_step_adds_sessions_once_when_the_core_course_exists(app, trainer):
    from lms.demo import seed_demo

    seed_demo("demo password 1")
    assert db.session.execute(select(func.count(LiveSession.id))).scalar_one() == 0  # no chw-core: nothing
    course = course_authoring.create_course(course_authoring.CourseData(slug="chw-core", title="Core"), trainer)
    module_authoring.add_module(course, module_authoring.ModuleData(slug="live-practice", title="Live practice",
                                                                    kind=ModuleKind.LIVE), trainer)
    course_authoring.set_course_status(course, CourseStatus.PUBLISHED, trainer)
    db.session.commit()
    seed_demo("demo password 1")
    db.session.commit()
    markers = ["demo-es-online", "demo-en-weekly", "demo-full"]
    mine = list(db.session.execute(select(LiveSession).where(LiveSession.series_key.in_(markers))).scalars())
    assert len(mine) == 6
    assert any(s.locale == "es" and s.mode is SessionMode.ONLINE for s in mine)
    weekly = [s for s in mine if s.series_key == "demo-en-weekly"]
    assert len(weekly) == 4 and all(s.locale == "en" and s.mode is SessionMode.IN_PERSON for s in weekly)
    full = next(s for s in mine if s.series_key == "demo-full")
    assert registration.count_seats([full.id])[full.id] == (2, 1)
    seed_demo("demo password 1")
    db.session.commit()
    assert db.session.execute(select(func.count(LiveSession.id)).where(LiveSession.series_key.in_(markers))).scalar_one() == 6


def test_a_session_names_its_language_in_the_readers_language(client, u, login, course, trainer, make_user):
    """"Idioma: Inglés" on a Spanish page, as in the session emails, not the switcher's "English"."""
    _course, module = course
    (session,) = schedule(module, trainer)
    login(make_user(locale="es"))
    page = client.get(u("lms.sessions.detail", session_id=session.id)).get_data(as_text=True)
    assert "<dd>Inglés</dd>" in page
    listing_page = client.get(u("lms.sessions.index")).get_data(as_text=True)
    assert "Inglés" in listing_page
