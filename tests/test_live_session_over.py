"""A session that is over reads as over: its page says it took place and, to each trainee, how their attendance came
out (attended, partly, absent, with the minutes recorded), instead of joining, seats and registration; a cancelled
session offers no joining either."""

from __future__ import annotations

from datetime import timedelta

import pytest

from lms import db
from lms.db import utcnow
from lms.live import attendance
from lms.live.models import SessionMode
from tests.live_support import live_course, schedule, seat, stayed

UPCOMING_TEXTS = (
    "Join the online session",
    "seats left",
    "Registration closes",
    "You have a seat",
    "The address or join link is shown here once you have a seat",
    "Sign in to register",
)


@pytest.fixture
def people(make_user):
    return {name: make_user(f"{name}@example.org", name=name.title()) for name in ("ana", "ben", "cara", "dan")}


@pytest.fixture
def past_session(trainer, people):
    """Yesterday's two-hour hybrid session (the module credits two hours): Ana stayed throughout, Ben for 30 minutes,
    Cara never came; Dan had no seat."""
    _course, module = live_course(trainer)
    start = (utcnow() - timedelta(days=1)).replace(second=0, microsecond=0)
    (session,) = schedule(module, trainer, allow_past=True, day=start.date(), at=start.time(), timezone="Africa/Abidjan",
                          mode=SessionMode.HYBRID, join_url="https://meet.example.org/room", capacity=5)
    seat(session, people["ana"], people["ben"], people["cara"])
    for name, minutes in (("ana", 120), ("ben", 30)):
        stayed(session, people[name], minutes)
    return session


def _finalize(session, trainer) -> None:
    attendance.finalize(session, trainer, utcnow(), 75)
    db.session.commit()


def _page(client, u, session) -> str:
    response = client.get(u("lms.sessions.detail", session_id=session.id))
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _day(session) -> str:
    """The session's day as the page writes it (English, the viewer's default zone, Los Angeles)."""
    from zoneinfo import ZoneInfo

    local = session.starts_at.astimezone(ZoneInfo("America/Los_Angeles"))
    return f"{local:%B} {local.day}, {local.year}"


def test_a_finalised_session_says_it_took_place_and_each_trainees_result(client, u, login, trainer, people, past_session):
    _finalize(past_session, trainer)
    expected = {
        "ana": "You attended this session: 2 hours.",
        "ben": "You attended part of this session: 30 minutes.",
        "cara": "You were recorded as absent.",
    }
    for name, result in expected.items():
        login(people[name])
        page = _page(client, u, past_session)
        assert f"This session took place on {_day(past_session)}." in page
        assert result in page, name
        assert not [text for text in UPCOMING_TEXTS if text in page], name
        client.submit(u("lms.accounts.logout"))
    login(people["ben"])
    assert "That was not enough to complete the module" in _page(client, u, past_session)


def test_someone_without_a_seat_and_a_visitor_read_only_that_it_took_place(client, u, login, trainer, people, past_session):
    _finalize(past_session, trainer)
    page = _page(client, u, past_session)
    assert f"This session took place on {_day(past_session)}." in page
    assert not [text for text in UPCOMING_TEXTS if text in page]
    login(people["dan"])
    page = _page(client, u, past_session)
    assert "This session took place" in page and "You attended" not in page and "absent" not in page
    assert not [text for text in UPCOMING_TEXTS if text in page]


def test_before_it_is_finalised_a_trainee_reads_that_attendance_is_not_final(client, u, login, people, past_session):
    login(people["ana"])
    page = _page(client, u, past_session)
    assert "This session took place on" in page and "Your attendance is not final yet" in page
    assert not [text for text in UPCOMING_TEXTS if text in page]


def test_a_cancelled_session_offers_no_joining_nor_seats(client, u, login, trainer, people):
    _course, module = live_course(trainer)
    (session,) = schedule(module, trainer, mode=SessionMode.ONLINE, join_url="https://meet.example.org/room")
    seat(session, people["ana"])
    login(people["ana"])
    assert "Join the online session" in _page(client, u, session)  # the sentence says how to join while upcoming
    client.submit(u("lms.accounts.logout"))
    login(trainer)
    assert client.submit(u("lms.sessions.cancel", session_id=session.id), {"reason": "Trainer is ill"}).status_code == 302
    client.submit(u("lms.accounts.logout"))
    login(people["ana"])
    page = _page(client, u, session)
    assert "This session is cancelled." in page and "Find another session of this course" in page
    assert not [text for text in UPCOMING_TEXTS if text in page]


def test_my_registrations_lists_past_sessions_without_seats(client, u, login, trainer, people, past_session):
    _finalize(past_session, trainer)
    login(people["ana"])
    page = client.get(u("lms.sessions.mine")).get_data(as_text=True)
    assert "Role-play practice" in page and "seats left" not in page
