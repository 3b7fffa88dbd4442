"""The Check in button of in-person sessions: shown on the session page only while check-in works, otherwise the page
says when it opens; the check-in page outside that time leads back to the session page with a message."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from lms import db
from lms.db import utcnow
from lms.live import checkin, registration
from lms.live.models import AttendanceInterval
from tests.live_support import LA, closed_when, day_and_time, live_course, schedule, soon

NY = "America/New_York"
BUTTON = "Check in</a>"


def _seat(session, person) -> None:
    registration.register(session, person, person, min(utcnow(), session.starts_at - timedelta(days=1)))
    db.session.commit()


def _page(client, u, session) -> str:
    return client.get(u("lms.sessions.detail", session_id=session.id)).get_data(as_text=True)


def _followed(client, response) -> str:
    assert response.status_code == 302
    return client.get(response.headers["Location"]).get_data(as_text=True)


def _intervals() -> int:
    return db.session.execute(select(func.count(AttendanceInterval.id))).scalar_one()


def test_check_in_shows_only_while_check_in_is_open(client, u, login, module, trainer, make_user):
    (later,) = schedule(module, trainer)  # in person, in 5 days
    starting = soon(module, trainer, 10)
    over = soon(module, trainer, -180)  # ended an hour ago
    person = make_user(timezone=NY)
    for session in (later, starting, over):
        _seat(session, person)
    login(person)

    page = _page(client, u, later)
    opens = day_and_time(later.starts_at - timedelta(minutes=15), NY)
    assert BUTTON not in page and opens.endswith(("EST", "EDT"))
    assert (f"You can check in from {opens} (15 minutes before the start), with the code your trainer shows in the room.") in page

    page = _page(client, u, starting)  # in the window, but the trainer has made no code yet: nothing to type
    assert BUTTON not in page and "Check-in opens when your trainer shows the check-in code in the room." in page
    checkin.new_code(starting, trainer)
    db.session.commit()
    page = _page(client, u, starting)
    assert BUTTON in page and "You can check in from" not in page and "Check-in opens when" not in page
    assert u("lms.sessions.checkin", session=starting.id) in page

    checkin.new_code(over, trainer)
    db.session.commit()
    page = _page(client, u, over)
    assert BUTTON not in page and "You can check in from" not in page


def test_check_in_page_outside_the_window_leads_back_to_the_session(client, u, login, module, trainer, make_user):
    (later,) = schedule(module, trainer)
    over = soon(module, trainer, -180)
    starting = soon(module, trainer, 10)
    for session in (later, over):
        checkin.new_code(session, trainer)
    db.session.commit()
    person = make_user()
    for session in (later, over, starting):
        _seat(session, person)
    login(person)
    opens = day_and_time(later.starts_at - timedelta(minutes=15), LA)
    not_yet = f"Check-in is not open yet. You can check in from {opens} (15 minutes before the start)."

    path = u("lms.sessions.checkin", session=later.id)
    response = client.get(path)
    assert response.headers["Location"].endswith(u("lms.sessions.detail", session_id=later.id))
    assert not_yet in _followed(client, response)
    assert not_yet in _followed(client, client.submit(path, {"code": later.checkin_code}))
    typed = client.submit(u("lms.sessions.checkin"), {"code": later.checkin_code})  # the right code, too early
    assert typed.headers["Location"].endswith(u("lms.sessions.detail", session_id=later.id))
    assert not_yet in _followed(client, typed)

    closed = closed_when(over.ends_at + timedelta(minutes=15), LA)
    page = _followed(client, client.get(u("lms.sessions.checkin", session=over.id)))
    assert f"This session is over: check-in closed {closed}." in page
    page = _followed(client, client.submit(u("lms.sessions.checkin"), {"code": over.checkin_code}))
    assert f"This session is over: check-in closed {closed}." in page and "Bad request" not in page

    page = _followed(client, client.get(u("lms.sessions.checkin", session=starting.id)))
    assert "Your trainer has not made the check-in code yet." in page
    assert _intervals() == 0


def test_check_in_page_for_an_open_session_and_odd_session_ids(client, u, login, module, trainer, make_user):
    starting = soon(module, trainer, 10)
    checkin.new_code(starting, trainer)
    db.session.commit()
    person = make_user()
    _seat(starting, person)
    login(person)
    path = u("lms.sessions.checkin", session=starting.id)
    assert client.get(path).status_code == 200
    response = client.submit(path, {"code": starting.checkin_code})
    assert response.headers["Location"].endswith(u("lms.sessions.checked_in", session_id=starting.id))
    assert _intervals() == 1
    for odd in ("999999", "-1", "x", str(10**20)):
        assert client.get(u("lms.sessions.checkin") + "?session=" + odd).status_code == 404, odd


def test_a_code_of_a_session_one_may_not_see_is_answered_on_the_form(client, u, login, trainer, make_user):
    draft = live_course(trainer, slug="draft", publish=False)[1]
    (later,) = schedule(draft, trainer)
    checkin.new_code(later, trainer)
    db.session.commit()
    login(make_user())  # not registered, and the course is not published: its page would be "not found"
    response = client.submit(u("lms.sessions.checkin"), {"code": later.checkin_code})
    assert response.status_code == 400 and "This session is not open now." in response.get_data(as_text=True)
    assert _intervals() == 0
