"""Joining an online session through the API: the raw meeting link is for trainers only, and a trainee with a seat
gets it from ``POST /api/v1/sessions/<id>/join``, which records the join time like the web Join button (same
service, same window), so an app built on the API cannot bypass attendance."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from lms import db
from lms.accounts import api_tokens
from lms.accounts.models import SiteRole
from lms.catalog import course_authoring, module_authoring
from lms.catalog.models import CourseStatus, ModuleKind
from lms.db import utcnow
from lms.live.models import (
    AttendanceInterval,
    IntervalSource,
    LiveSession,
    Registration,
    RegistrationStatus,
    SessionMode,
    SessionTrainer,
)
from lms.live.times import iso_utc

MEETING = "https://meet.example.org/chw-123"


@pytest.fixture
def people(make_user):
    return {"trainer": make_user("trainer@example.org", role=SiteRole.TRAINER),
            "admin": make_user("admin@example.org", role=SiteRole.ADMIN),
            "ana": make_user("ana@example.org", name="Ana Ruiz"),
            "peer": make_user("peer@example.org", name="Pablo Peer")}


@pytest.fixture
def tokens(people):
    made = {role: api_tokens.create_api_token(user, "app")[1] for role, user in people.items()}
    db.session.commit()
    return {role: {"Authorization": f"Bearer {raw}"} for role, raw in made.items()}


@pytest.fixture
def make_session(people):
    trainer = people["trainer"]
    course = course_authoring.create_course(course_authoring.CourseData(slug="live-course", title="Live skills"), trainer)
    module = module_authoring.add_module(course, module_authoring.ModuleData(slug="practice", title="Live practice",
                                                                             kind=ModuleKind.LIVE,
                                                           credited_minutes=120), trainer)
    course_authoring.set_course_status(course, CourseStatus.PUBLISHED, trainer)

    def factory(starts_in: timedelta, mode: SessionMode = SessionMode.ONLINE) -> LiveSession:
        starts_at = utcnow().replace(microsecond=0) + starts_in
        session = LiveSession(module_id=module.id, course_id=course.id, starts_at=starts_at,
                              ends_at=starts_at + timedelta(hours=2), mode=mode, address="Room 9, Fresno",
                              join_url=MEETING if mode is not SessionMode.IN_PERSON else None)
        db.session.add(session)
        db.session.flush()
        db.session.add(SessionTrainer(session_id=session.id, user_id=trainer.id))
        db.session.add(Registration(session_id=session.id, user_id=people["ana"].id,
                                    status=RegistrationStatus.REGISTERED))
        db.session.commit()
        return session

    return factory


def _intervals() -> list[AttendanceInterval]:
    return list(db.session.scalars(select(AttendanceInterval)))


def test_a_trainee_gets_the_link_only_from_the_join_post_which_records_the_time(client, u, tokens, people,
                                                                                 make_session):
    session = make_session(-timedelta(minutes=5))  # started five minutes ago
    detail = client.get(u("lms.api.get_session", session_id=session.id), headers=tokens["ana"]).json
    assert detail["my_registration"]["status"] == "registered" and detail["join_url"] is None
    assert MEETING not in str(client.get(u("lms.api.list_sessions"), headers=tokens["ana"]).json)
    before = utcnow()
    joined = client.post(u("lms.api.join_session", session_id=session.id), headers=tokens["ana"])
    assert joined.status_code == 200 and joined.json == {"join_url": MEETING}
    [interval] = _intervals()
    assert (interval.user_id, interval.source, interval.left_at) == (people["ana"].id, IntervalSource.JOIN_BUTTON, None)
    assert before - timedelta(seconds=1) <= interval.joined_at <= utcnow()
    again = client.post(u("lms.api.join_session", session_id=session.id), headers=tokens["ana"])
    assert again.json == {"join_url": MEETING} and len(_intervals()) == 1  # a rejoin while in: one interval


def test_trainers_keep_the_link_and_joining_records_nothing_for_them(client, u, tokens, make_session):
    session = make_session(timedelta(days=2))
    for role in ("trainer", "admin"):
        assert client.get(u("lms.api.get_session", session_id=session.id), headers=tokens[role]).json[
            "join_url"] == MEETING
        response = client.post(u("lms.api.join_session", session_id=session.id), headers=tokens[role])
        assert response.status_code == 200 and response.json == {"join_url": MEETING}, role
    assert _intervals() == []


def test_someone_without_a_seat_gets_a_404_and_no_link(client, u, tokens, make_session):
    session = make_session(-timedelta(minutes=5))
    response = client.post(u("lms.api.join_session", session_id=session.id), headers=tokens["peer"])
    assert response.status_code == 404 and response.json["error"]["code"] == "not_registered"
    assert MEETING not in response.get_data(as_text=True) and _intervals() == []
    assert client.get(u("lms.api.get_session", session_id=session.id), headers=tokens["peer"]).json["join_url"] is None
    missing = client.post(u("lms.api.join_session", session_id=session.id + 1000), headers=tokens["ana"])
    assert missing.status_code == 404 and missing.json["error"]["code"] == "not_found"
    assert client.post(u("lms.api.join_session", session_id=session.id)).status_code == 401


def test_before_the_window_a_409_says_when_joining_opens(client, u, tokens, make_session):
    session = make_session(timedelta(days=2))
    response = client.post(u("lms.api.join_session", session_id=session.id), headers=tokens["ana"])
    assert response.status_code == 409
    error = response.json["error"]
    opens = session.starts_at - timedelta(minutes=15)
    assert (error["code"], error["reason"], error["opens_at"]) == ("not_open", "window", iso_utc(opens))
    assert error["closes_at"] == iso_utc(session.ends_at + timedelta(minutes=15))
    assert f"opens at {iso_utc(opens)} (UTC), 15 minutes before the start" in error["message"]
    assert MEETING not in response.get_data(as_text=True) and _intervals() == []


def test_after_the_window_a_409_says_joining_closed(client, u, tokens, make_session):
    session = make_session(-timedelta(hours=3))  # ended an hour ago
    response = client.post(u("lms.api.join_session", session_id=session.id), headers=tokens["ana"])
    assert response.status_code == 409 and response.json["error"]["reason"] == "window"
    closes = iso_utc(session.ends_at + timedelta(minutes=15))
    assert f"joining closed at {closes} (UTC)" in response.json["error"]["message"] and _intervals() == []


def test_an_in_person_session_has_nothing_to_join(client, u, tokens, make_session):
    session = make_session(-timedelta(minutes=5), mode=SessionMode.IN_PERSON)
    response = client.post(u("lms.api.join_session", session_id=session.id), headers=tokens["ana"])
    assert response.status_code == 400 and "no online meeting" in response.json["error"]["message"]


def test_a_browser_session_needs_the_csrf_header(client, u, login, people, make_session):
    session = make_session(-timedelta(minutes=5))
    login(people["ana"])
    path = u("lms.api.join_session", session_id=session.id)
    assert client.post(path).status_code == 400 and _intervals() == []
    response = client.post(path, headers={"X-CSRFToken": client.csrf_token()})
    assert response.status_code == 200 and response.json == {"join_url": MEETING} and len(_intervals()) == 1


def test_the_openapi_document_describes_the_join(client, u):
    document = client.get(u("lms.api.openapi")).json
    join = document["paths"]["/sessions/{session_id}/join"]["post"]
    assert {"200", "404", "409"} <= set(join["responses"])
    assert "trainer" in document["components"]["schemas"]["LiveSessionDetail"]["allOf"][1]["properties"][
        "join_url"]["description"]
