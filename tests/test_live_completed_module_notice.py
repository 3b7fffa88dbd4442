"""A trainee whose attendance completed a live module keeps her places in other upcoming sessions of it (she may
want to attend again: nothing is cancelled), but is asked to give them up if she will not come, so someone else can
have the seat: on "My registrations" (with the button that gives the place up) and, through the same partial, on
the session's page. Only once her attendance is final and completed the module; only for places not started yet."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest

from lms import db
from lms.catalog import module_authoring
from lms.catalog import services as catalog
from lms.catalog.models import ModuleKind
from lms.db import utcnow
from lms.i18n import current_locale
from lms.live import attendance, listing, registration
from lms.live.models import RegistrationStatus
from tests.live_support import schedule, seat, stayed

SEAT_NOTICE = ("You have already completed this module. If you will not attend, give up your seat so someone else "
               "can have it.")
WAITLIST_NOTICE = ("You have already completed this module. If you will not attend, leave the waitlist so someone "
                   "else can have the seat.")


def text_of(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", response.get_data(as_text=True)))


def upcoming(module, trainer, days: int, **fields):
    (session,) = schedule(module, trainer, day=(utcnow() + timedelta(days=days)).date(), **fields)
    return session


def past(module, trainer, days: int):
    """A two-hour session that started ``days`` ago (in UTC)."""
    start = (utcnow() - timedelta(days=days)).replace(second=0, microsecond=0)
    (session,) = schedule(module, trainer, allow_past=True, day=start.date(), at=start.time(), timezone="Africa/Abidjan")
    return session


@pytest.fixture
def maria(make_user):
    return make_user("maria@example.org", name="María")


@pytest.fixture
def places(module, trainer, maria, make_user):
    """María holds a seat in one upcoming session of the module and a waitlist place in another (full) one, and a
    seat in an upcoming session of another live module of the course; she attended a session of the module that
    ended two days ago, whose attendance is not final yet."""
    other = module_authoring.add_module(catalog.get_course("practice"), module_authoring.ModuleData(
        slug="live-2", title="Home visit practice", kind=ModuleKind.LIVE, credited_minutes=120), trainer)
    db.session.commit()
    seated, full, elsewhere = upcoming(module, trainer, 5), upcoming(module, trainer, 8, capacity=1), upcoming(
        other, trainer, 11)
    for session in (seated, full, elsewhere):
        if session is full:
            registration.register(full, make_user("first@example.org"), None, utcnow())
        registration.register(session, maria, maria, utcnow())
    db.session.commit()
    done = past(module, trainer, 2)
    seat(done, maria)
    stayed(done, maria, 120)
    return {"seat": seated, "waitlist": full, "elsewhere": elsewhere, "done": done}


def finalize(session, trainer):
    attendance.finalize(session, trainer, utcnow(), 75)
    db.session.commit()


def flags(user, sessions) -> dict[int, bool]:
    cards = listing.describe(sessions, current_locale(), user, utcnow())
    return {card.session.id: card.has_completed_module for card in cards}


def test_only_places_in_upcoming_sessions_of_a_module_her_attendance_completed(app, trainer, maria, places):
    sessions = list(places.values())
    assert not any(flags(maria, sessions).values())  # attendance not final yet
    finalize(places["done"], trainer)
    assert flags(maria, sessions) == {places["seat"].id: True, places["waitlist"].id: True,
                                      places["elsewhere"].id: False, places["done"].id: False}
    assert registration.get_registration(places["seat"], maria).status is RegistrationStatus.REGISTERED  # kept


def test_not_for_someone_else_a_visitor_or_a_place_given_up(app, trainer, maria, places, make_user):
    finalize(places["done"], trainer)
    other = make_user()
    registration.register(places["seat"], other, other, utcnow())
    db.session.commit()
    assert not flags(other, [places["seat"]])[places["seat"].id]
    assert not flags(None, [places["seat"]])[places["seat"].id]
    registration.cancel_registration(places["seat"], maria, maria, utcnow())
    db.session.commit()
    assert not flags(maria, [places["seat"]])[places["seat"].id]


def test_not_when_her_attendance_did_not_complete_the_module(app, trainer, maria, places):
    places["done"].ends_at += timedelta(hours=3)  # five hours long: her two hours are not enough
    db.session.commit()
    finalize(places["done"], trainer)
    assert not any(flags(maria, list(places.values())).values())


def test_my_registrations_asks_her_to_give_up_each_place(client, u, login, trainer, maria, places):
    login(maria)
    assert SEAT_NOTICE not in text_of(client.get(u("lms.sessions.mine")))
    finalize(places["done"], trainer)
    page = text_of(client.get(u("lms.sessions.mine")))
    assert page.count(SEAT_NOTICE) == 1 and page.count(WAITLIST_NOTICE) == 1
    notices = re.findall(r'<div class="notice live-completed-module">(.*?)</div>', page)
    (for_seat,) = [n for n in notices if SEAT_NOTICE in n]
    (for_waitlist,) = [n for n in notices if WAITLIST_NOTICE in n]
    assert u("lms.sessions.unregister", session_id=places["seat"].id) in for_seat
    assert "Cancel my registration" in for_seat and "Role-play practice" in for_seat
    assert u("lms.sessions.unregister", session_id=places["waitlist"].id) in for_waitlist
    assert "Leave the waitlist" in for_waitlist
    assert u("lms.sessions.unregister", session_id=places["elsewhere"].id) not in " ".join(notices)
    confirm = client.get(u("lms.sessions.unregister", session_id=places["seat"].id))
    assert confirm.status_code == 200  # the button leads to the usual confirmation page


def test_my_registrations_costs_no_more_queries_with_more_places(client, u, login, module, trainer, maria, places,
                                                                 count_queries):
    finalize(places["done"], trainer)
    login(maria)
    path = u("lms.sessions.mine")
    client.get(path)
    with count_queries() as few:
        client.get(path)
    for days in (14, 17, 20):
        registration.register(upcoming(module, trainer, days), maria, maria, utcnow())
    db.session.commit()
    with count_queries() as many:
        page = text_of(client.get(path))
    assert page.count(SEAT_NOTICE) == 4
    assert many.count == few.count, many.statements[few.count:]


def test_the_session_page_asks_her_to_give_up_her_place(client, u, login, trainer, maria, places):
    finalize(places["done"], trainer)
    login(maria)
    assert SEAT_NOTICE in text_of(client.get(u("lms.sessions.detail", session_id=places["seat"].id)))
    assert WAITLIST_NOTICE in text_of(client.get(u("lms.sessions.detail", session_id=places["waitlist"].id)))
