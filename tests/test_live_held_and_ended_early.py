"""A session that took place reads "Held" (a session word: "Completed" is said of courses), and one finalised as
having ended early says, beside its scheduled times, when it really ended and how long it ran: on its page, on
"My registrations" (among the recent sessions, though its scheduled end is still to come) and on "Sessions I lead"."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest

from lms import db
from lms.db import utcnow
from lms.live import attendance
from lms.live.times import to_zone, zoned_clock_text
from tests.live_support import LA, live_course, seat, soon, stayed


@pytest.fixture
def ana(make_user):
    return make_user("ana@example.org", name="Ana")


def _session(trainer, ana, minutes_ago: int, length: int):
    """A session that started ``minutes_ago`` and is scheduled for ``length`` minutes, Ana in a seat and there from
    the start for an hour."""
    session = soon(live_course(trainer)[1], trainer, -minutes_ago, minutes=length)
    seat(session, ana)
    stayed(session, ana, 60)
    return session


def _text(response) -> str:
    assert response.status_code == 200
    return unescape(re.sub(r"[ \t\r\n]+", " ", response.get_data(as_text=True)))


def _ended_at_text(session) -> str:
    """When it ended as an English page in Los Angeles writes it (with the day when not the day it started there)."""
    return zoned_clock_text(session.ended_early_at, LA, "en_US", to_zone(session.starts_at, LA).date())


def test_a_session_that_took_place_is_held_not_completed(client, u, login, trainer, ana):
    session = _session(trainer, ana, minutes_ago=180, length=120)
    attendance.finalize(session, trainer, utcnow(), 75)
    db.session.commit()
    login(ana)
    page = _text(client.get(u("lms.sessions.detail", session_id=session.id)))
    assert '<span class="badge live-completed">Held</span>' in page and ">Completed<" not in page
    assert "ended early" not in page  # it ran to its scheduled end
    mine = _text(client.get(u("lms.sessions.mine")))
    assert ">Held<" in mine and ">Completed<" not in mine
    login(trainer)
    teach = _text(client.get(u("lms.sessions.teach")))
    assert "<td>Held" in teach and "<td>Completed" not in teach


def test_a_session_that_ended_early_says_when_and_how_long_it_ran(client, u, login, trainer, ana):
    session = _session(trainer, ana, minutes_ago=120, length=240)  # scheduled to go on for two more hours
    attendance.finalize(session, trainer, utcnow(), 75, early=True, ended_at=session.starts_at + timedelta(minutes=75))
    db.session.commit()
    note = f"It ended early, at {_ended_at_text(session)}: it ran 1 hour 15 minutes instead of the scheduled 4 hours."
    login(ana)
    page = _text(client.get(u("lms.sessions.detail", session_id=session.id)))
    assert note in page
    assert page.index('class="live-when"') < page.index(note)  # beside the scheduled times, after them
    mine = _text(client.get(u("lms.sessions.mine")))
    recent = mine[mine.index("Recent sessions"):]
    assert note in recent and "You are not registered for any upcoming session." in mine
    login(trainer)
    assert note in _text(client.get(u("lms.sessions.teach")))


def test_a_session_that_ran_to_its_end_shows_no_such_note(client, u, login, trainer, ana):
    session = _session(trainer, ana, minutes_ago=60, length=240)
    login(ana)  # still scheduled: nothing happened yet
    assert "ended early" not in _text(client.get(u("lms.sessions.detail", session_id=session.id)))
