"""Nobody holds places in two live sessions at the same time. The QA case: Teresa schedules an in-person session and
Tanya an online one, both Dec 16 9:00-12:00; José registered for both with no warning, attended both and was paid
six hours for three. Registering (on the session page, by a manager for their staff, through the API) is now refused
with the other session named, its time in the person's zone, and a link to give up the other place; a trainer who
moves a session is not blocked (the approver's flag covers that: tests/test_hours_overlap_flag.py)."""

from __future__ import annotations

import re
from datetime import date, time, timedelta

import pytest
from sqlalchemy import select

from lms import db
from lms.accounts import api_tokens
from lms.accounts.models import SiteRole, User
from lms.catalog.models import Course
from lms.enrollment import services as enrollment_services
from lms.live import registration, scheduling
from lms.live.models import LiveSession, Registration, RegistrationStatus
from lms.live.registration_overlaps import RegistrationOverlap, find_overlapping
from lms.live.times import when_text
from tests.concurrency import finish, uncommitted_for_a_while
from tests.live_support import LA, ONLINE, live_course, page_text, plan, schedule

DAY = date(2038, 12, 16)  # a Thursday, far enough ahead for registration to be open whenever the suite runs
NY = "America/New_York"
THREE_HOURS = {"day": DAY, "at": time(9, 0), "minutes": 180}


@pytest.fixture
def jose(make_user):
    return make_user("jose@example.org", name="José Ortiz")


@pytest.fixture
def in_person(teresa):
    """Teresa's in-person session, Dec 16 9:00-12:00 in Los Angeles."""
    _course, module = live_course(teresa, slug="in-person-course")
    return schedule(module, teresa, **THREE_HOURS)[0]


@pytest.fixture
def online(tanya):
    """Tanya's online session at the same time, in another course."""
    _course, module = live_course(tanya, slug="online-course")
    return schedule(module, tanya, **THREE_HOURS, **ONLINE)[0]


def held(session, person) -> RegistrationStatus | None:
    db.session.expire_all()
    seat = db.session.execute(select(Registration).where(Registration.session_id == session.id,
                                                         Registration.user_id == person.id)).scalar_one_or_none()
    return seat.status if seat is not None else None


def slot(session, tz: str = LA) -> str:
    """A session's time as the refusal writes it: ``Thursday, December 16, 2038 · 9:00 AM - 12:00 PM PST``."""
    return when_text(session.starts_at, session.ends_at, tz, "en")


# ---------------------------------------------------------------- the person themselves, on the session page


def test_the_qa_case_is_refused_naming_the_other_session_with_a_way_out(client, u, login, jose, in_person, online):
    login(jose)
    assert client.submit(u("lms.sessions.register", session_id=in_person.id)).status_code == 302
    refused = client.submit(u("lms.sessions.register", session_id=online.id))
    assert refused.status_code == 409
    page = page_text(refused)
    assert slot(in_person).replace("\u202f", " ") == "Thursday, December 16, 2038 · 9:00 AM – 12:00 PM PST"
    assert ("You are already registered for another session at that time: “Role-play practice” (Practice course), "
            f"{slot(in_person)}. Nobody can attend two sessions at once, so you cannot register for this one as "
            "well.") in page
    cancel = u("lms.sessions.unregister", session_id=in_person.id)
    assert re.search(rf'<a href="{re.escape(cancel)}">Cancel my registration for that session</a>', page)
    assert held(online, jose) is None and held(in_person, jose) is RegistrationStatus.REGISTERED
    assert enrollment_services.get_enrollment(jose, db.session.get(Course, online.course_id)) is None  # rolled back

    # the way out: give up the first seat on its confirmation page, then the second registration goes through
    assert client.get(cancel).status_code == 200
    assert client.submit(cancel, {"confirm": "yes"}).status_code == 302
    assert client.submit(u("lms.sessions.register", session_id=online.id)).status_code == 302
    assert (held(in_person, jose), held(online, jose)) == (RegistrationStatus.CANCELLED, RegistrationStatus.REGISTERED)


def test_the_time_is_in_the_persons_own_zone(client, u, login, make_user, in_person, online):
    eve = make_user("eve@example.org", name="Eve East", timezone=NY)
    registration.register(in_person, eve, eve, in_person.starts_at - timedelta(days=3))
    db.session.commit()
    login(eve)
    page = page_text(client.submit(u("lms.sessions.register", session_id=online.id)))
    assert slot(in_person, NY).replace("\u202f", " ") == "Thursday, December 16, 2038 · 12:00 PM – 3:00 PM EST"
    assert f"(Practice course), {slot(in_person, NY)}. Nobody can attend" in page


def test_a_waitlist_place_counts_too_and_the_link_leaves_the_waitlist(client, u, login, make_user, jose, teresa,
                                                                      online):
    _course, module = live_course(teresa, slug="small-course")
    (small,) = schedule(module, teresa, capacity=1, **THREE_HOURS)
    first = make_user("first@example.org")
    registration.register(small, first, first, small.starts_at - timedelta(days=3))
    db.session.commit()
    login(jose)
    client.submit(u("lms.sessions.register", session_id=small.id))
    assert held(small, jose) is RegistrationStatus.WAITLISTED
    page = page_text(client.submit(u("lms.sessions.register", session_id=online.id)))
    assert "You are on the waitlist of another session at that time: “Role-play practice” (Practice course)" in page
    assert "Leave the waitlist of that session</a>" in page and held(online, jose) is None


def test_only_sessions_that_overlap_in_absolute_time_clash(make_user, jose, tanya, in_person):
    """Zones compare as instants; half-open times; cancelled sessions and cancelled registrations hold nothing."""
    registration.register(in_person, jose, jose, in_person.starts_at - timedelta(days=3))
    db.session.commit()
    _course, module = live_course(tanya, slug="east-course")
    led = [make_user(f"east{n}@example.org", role=SiteRole.TRAINER).id for n in range(4)]  # a trainer each

    def east(at: time, minutes: int, n: int):
        return schedule(module, tanya, timezone=NY, day=DAY, at=at, minutes=minutes, trainer_ids=(led[n],),
                        **ONLINE)[0]

    east_same = east(time(12, 0), 180, 0)  # 12:00-15:00 in New York is 9:00-12:00 in Los Angeles
    east_before = east(time(9, 0), 120, 1)  # 6:00-8:00 in Los Angeles
    east_after = east(time(15, 0), 120, 2)  # starts when the other ends
    east_partly = east(time(11, 30), 120, 3)  # 8:30-10:30 in Los Angeles: 90 minutes in common
    assert [find_overlapping(s, jose) is not None for s in (east_same, east_before, east_after, east_partly)] == [
        True, False, False, True]
    now = in_person.starts_at - timedelta(days=2)
    for free in (east_before, east_after):
        registration.register(free, jose, jose, now)
    with pytest.raises(RegistrationOverlap) as refused:
        registration.register(east_partly, jose, jose, now)
    assert refused.value.details == {"other": in_person.id, "waitlisted": False, "cancellable": True}
    assert refused.value.status == 409
    db.session.rollback()

    registration.cancel_registration(in_person, jose, jose, now)
    db.session.commit()
    assert registration.register(east_same, jose, jose, now).status is RegistrationStatus.REGISTERED  # given up
    db.session.commit()
    scheduling.cancel_session(db.session.get(LiveSession, east_same.id), "Tanya is ill", tanya, now)
    db.session.commit()
    assert registration.register(in_person, jose, jose, now).status is RegistrationStatus.REGISTERED  # cancelled


def test_registering_again_for_the_same_session_is_still_no_conflict(jose, in_person):
    now = in_person.starts_at - timedelta(days=3)
    first = registration.register(in_person, jose, jose, now)
    db.session.commit()
    assert registration.register(in_person, jose, jose, now).id == first.id


# ---------------------------------------------------------------- a manager registering staff


def test_a_manager_registering_staff_is_refused_too_with_a_link_to_the_other_sessions_staff_page(
        client, u, login, make_user, make_org, add_member, jose, in_person, online, mailbox):
    boss = make_user("boss@example.org", name="Bea Boss")
    add_member(make_org("clinic", manager=boss), jose)
    registration.register(in_person, jose, jose, in_person.starts_at - timedelta(days=3))
    db.session.commit()
    login(boss)
    url = u("lms.sessions.staff", session_id=online.id, org_slug="clinic")
    refused = client.submit(url, {"user_id": jose.id, "action": "register"})
    assert refused.status_code == 409
    page = page_text(refused)
    assert ("José Ortiz is already registered for another session at that time: “Role-play practice” (Practice "
            f"course), {slot(in_person)}. Nobody can attend two sessions at once, so they cannot be registered for "
            "this one as well.") in page
    other_page = u("lms.sessions.staff", session_id=in_person.id, org_slug="clinic")
    assert f'<a href="{other_page}">Open that session to cancel the place of José Ortiz</a>' in page
    assert held(online, jose) is None and mailbox == []  # nothing saved, nobody emailed

    # there, the manager cancels the other place; then the registration goes through
    assert client.submit(other_page, {"user_id": jose.id, "action": "cancel", "confirm": "yes"}).status_code == 302
    assert client.submit(url, {"user_id": jose.id, "action": "register"}).status_code == 302
    assert held(online, jose) is RegistrationStatus.REGISTERED


def test_a_place_a_manager_took_for_someone_blocks_their_own_registration(client, u, login, make_user, make_org,
                                                                         add_member, jose, in_person, online):
    boss = make_user("boss@example.org", name="Bea Boss")
    org = make_org("clinic", manager=boss)
    add_member(org, jose)
    registration.register_staff(in_person, org, jose.id, boss, in_person.starts_at - timedelta(days=3))
    db.session.commit()
    login(jose)
    refused = client.submit(u("lms.sessions.register", session_id=online.id))
    assert refused.status_code == 409 and "You are already registered for another session" in page_text(refused)


# ---------------------------------------------------------------- the API


def test_the_api_answers_409_with_the_other_session(client, u, jose, in_person, online):
    token = api_tokens.create_api_token(jose, "app")[1]
    db.session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    first = client.post(u("lms.api.session_registration", session_id=in_person.id), headers=headers)
    assert first.status_code == 201
    refused = client.post(u("lms.api.session_registration", session_id=online.id), headers=headers)
    assert refused.status_code == 409
    error = refused.get_json()["error"]
    assert error["code"] == "registration_overlap" and error["other_session_id"] == in_person.id
    assert error["other_waitlisted"] is False
    assert error["message"].startswith("You are already registered for another session at that time: “Role-play")
    assert held(online, jose) is None
    # DELETE the other registration, then registering works
    assert client.delete(u("lms.api.session_registration", session_id=in_person.id), headers=headers).status_code == 200
    assert client.post(u("lms.api.session_registration", session_id=online.id), headers=headers).status_code == 201


def test_the_openapi_document_describes_the_409(client, u):
    document = client.get(u("lms.api.openapi")).get_json()
    post = document["paths"]["/sessions/{session_id}/registration"]["post"]
    overlap, other = post["responses"]["409"]["content"]["application/json"]["schema"]["anyOf"]
    schema = document["components"]["schemas"][overlap["$ref"].rsplit("/", 1)[1]]
    assert schema["properties"]["error"]["required"] == ["code", "message", "other_session_id", "other_waitlisted"]
    assert other["$ref"] == "#/components/schemas/Error"  # trainer_of_session (tests/test_live_trainer_qa.py)


# ---------------------------------------------------------------- trainers moving sessions; two requests at once


def test_moving_a_session_onto_a_registered_persons_other_session_is_not_blocked(jose, tanya, in_person):
    _course, module = live_course(tanya, slug="later-course")
    (later,) = schedule(module, tanya, day=DAY, at=time(13, 0), minutes=120, **ONLINE)
    now = in_person.starts_at - timedelta(days=3)
    registration.register(in_person, jose, jose, now)
    registration.register(later, jose, jose, now)
    db.session.commit()
    moved = plan(module, day=DAY, at=time(10, 0), trainer_ids=(tanya.id,), **ONLINE)
    scheduling.update_session(later, moved, tanya, now)
    db.session.commit()
    assert (held(in_person, jose), held(later, jose)) == (RegistrationStatus.REGISTERED, RegistrationStatus.REGISTERED)
    assert find_overlapping(later, jose)[0].id == in_person.id  # now they overlap: the approver is told


def test_two_registrations_sent_at_once_cannot_both_pass(app, jose, in_person, online):
    now = in_person.starts_at - timedelta(days=3)
    ids = (jose.id, in_person.id, online.id)

    def the_first():
        registration.register(db.session.get(LiveSession, ids[1]), db.session.get(User, ids[0]),
                              db.session.get(User, ids[0]), now)

    thread, errors = uncommitted_for_a_while(app, the_first)
    with pytest.raises(RegistrationOverlap):  # waits for the first to commit, then sees it
        registration.register(online, jose, jose, now)
    db.session.rollback()
    finish(thread, errors)
    assert (held(in_person, jose), held(online, jose)) == (RegistrationStatus.REGISTERED, None)
