"""Three things a person reads of her own sessions:

- "My registrations" gives the minutes she attended beside the result of a session that is over, as her course page
  does ("Attended · 1 hour 35 minutes"; lms/live/session_cards.py: ``SessionCard.list_minutes``);
- her session page looks up her place on the waitlist only while it means something: not after the start (the page
  no longer gives it), so that query is not made;
- the API's ``came`` says whether she came (lms/live/turnout.py: ``was_there``), beside ``my_registration``, which
  stays her registration (``waitlisted`` with her place in line, or null for a walk-in)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from lms import db
from lms.catalog.models import Course
from lms.db import utcnow
from lms.enrollment import services as enrollment
from lms.live import attendance
from lms.live.models import RegistrationStatus
from tests.live_support import add_time, held_at, page_text, seat, soon

WAITING = RegistrationStatus.WAITLISTED
#: The statement that finds a person's place in line (lms/live/registration.py: ``waitlist_position``).
PLACE_IN_LINE = "waitlisted_at <"
#: The statement that finds whether her attendance completed the module already (``sessions_to_give_up``).
GIVE_UP = "SELECT DISTINCT lms_live_sessions.module_id"


def _badge(title: str) -> str:
    return f'<span class="badge live-mine">{title}</span>'


# ---------------------------------------------------------------- "My registrations": minutes beside the result

def _finalized(module, trainer, ana, hours_ago: int, minutes: int | None):
    """A 2-hour session that ended ``hours_ago`` hours ago, Ana with a seat and ``minutes`` there (None: absent),
    finalised with a 75% minimum share."""
    session = held_at(module, trainer, utcnow() - timedelta(hours=hours_ago), 120, capacity=2)
    seat(session, ana)
    if minutes is not None:
        add_time(session, ana, 0, minutes)
    attendance.finalize(session, trainer, utcnow(), 75)
    db.session.commit()
    return session


def test_my_registrations_gives_the_minutes_attended_as_the_course_page_does(client, u, login, module, trainer,
                                                                              make_user):
    ana = make_user("ana@example.org", name="Ana")
    _finalized(module, trainer, ana, 30, 95)
    _finalized(module, trainer, ana, 20, 30)
    _finalized(module, trainer, ana, 10, None)
    pending = held_at(module, trainer, utcnow() - timedelta(hours=5), 120, capacity=2)
    seat(pending, ana)
    add_time(pending, ana, 0, 100)
    enrollment.enroll(ana, db.session.get(Course, module.course_id))
    db.session.commit()
    login(ana)
    mine = page_text(client.get(u("lms.sessions.mine")))
    recent = mine.split("Recent sessions", 1)[1].split("Calendar feed", 1)[0]
    assert f"{_badge('Attended')} · 1 hour 35 minutes" in recent
    assert f"{_badge('Attended part of the session')} · 30 minutes" in recent
    assert f"{_badge('Absent')}</p>" in recent  # no time, no minutes
    assert f"{_badge('Attendance not final yet')}</p>" in recent  # not before the trainer recorded them
    course = page_text(client.get(u("lms.courses.course", course_slug=db.session.get(Course, module.course_id).slug)))
    for said in ("<strong>Attended</strong> · 1 hour 35 minutes",
                 "<strong>Attended part of the session</strong> · 30 minutes"):
        assert said in course, said  # the same minutes, written the same way


def test_the_minutes_are_in_the_readers_language(client, u, login, module, trainer, make_user):
    ana = make_user("ana@example.org", name="Ana", locale="es")
    _finalized(module, trainer, ana, 30, 95)
    login(ana)
    mine = page_text(client.get(u("lms.sessions.mine")))
    assert "1 hour 35 minutes" not in mine and " · 1 hora 35 minutos" in mine


def test_upcoming_sessions_give_no_minutes(client, u, login, module, trainer, make_user):
    ana = make_user("ana@example.org", name="Ana")
    session = soon(module, trainer, -10)  # under way, time recorded: not over, so no result and no minutes
    seat(session, ana)
    add_time(session, ana, 0, 5)
    login(ana)
    coming_up = page_text(client.get(u("lms.sessions.mine"))).split("Happening now", 1)[1].split("Calendar feed", 1)[0]
    assert f"{_badge('Registered')}</p>" in coming_up and " minutes" not in coming_up


# ---------------------------------------------------------------- the session page: no place in line after the start

def _waiting(module, trainer, make_user, minutes_ahead: int):
    """A full session (Ana has its one seat) with Ben on its waitlist, Ben signed in."""
    session = soon(module, trainer, minutes_ahead, capacity=1)
    seat(session, make_user("ana@example.org", name="Ana"))
    ben = make_user("ben@example.org", name="Ben")
    seat(session, ben, status=WAITING)
    return session, ben


def _statements(client, u, count_queries, session) -> tuple[list[str], str]:
    path = u("lms.sessions.detail", session_id=session.id)
    client.get(path)  # warm up (session, locale, caches)
    with count_queries() as counted:
        page = page_text(client.get(path))
    return counted.statements, page


def test_before_the_start_the_page_looks_up_her_place_in_line(client, u, login, module, trainer, make_user,
                                                              count_queries):
    session, ben = _waiting(module, trainer, make_user, 30)
    login(ben)
    statements, page = _statements(client, u, count_queries, session)
    assert "You are number 1 on the waitlist." in page
    assert len([s for s in statements if PLACE_IN_LINE in s]) == 1


def test_after_the_start_the_page_does_not_look_up_her_place_in_line(client, u, login, module, trainer, make_user,
                                                                     count_queries):
    session, ben = _waiting(module, trainer, make_user, -10)
    login(ben)
    statements, page = _statements(client, u, count_queries, session)
    assert "You are number" not in page and "your place on the waitlist has ended" in page
    assert [s for s in statements if PLACE_IN_LINE in s] == []


def test_after_the_start_the_page_costs_fewer_statements_than_just_before(client, u, login, module, trainer,
                                                                            make_user, count_queries, monkeypatch):
    """The same session and person, a minute before and a minute after its start: after it, neither her place in
    line nor whether to give it up (lms/live/completed_module.py) is looked up, and nothing else is added."""
    session, ben = _waiting(module, trainer, make_user, 1)
    login(ben)
    before, _page = _statements(client, u, count_queries, session)
    later = utcnow() + timedelta(minutes=2)
    monkeypatch.setattr("lms.web.live.schedule.utcnow", lambda: later)
    after, page = _statements(client, u, count_queries, session)
    assert "your place on the waitlist has ended" in page
    gone = [s for s in before if s not in after]
    assert len(after) == len(before) - 2 and len(gone) == 2, gone
    assert any(PLACE_IN_LINE in s for s in gone) and any(GIVE_UP in s for s in gone), gone


# ---------------------------------------------------------------- the API: came

def _api(client, u, session) -> dict:
    return client.get(u("lms.api.get_session", session_id=session.id)).get_json()


@pytest.mark.parametrize("endpoint", ["detail", "list"])
def test_the_api_says_she_came_off_the_waitlist(client, u, login, module, trainer, make_user, endpoint):
    session, ben = _waiting(module, trainer, make_user, -10)
    login(ben)

    def read() -> dict:
        if endpoint == "detail":
            return _api(client, u, session)
        (body,) = [s for s in client.get(u("lms.api.list_sessions")).get_json()["sessions"] if s["id"] == session.id]
        return body

    assert read()["came"] is False
    add_time(session, ben, 1, None)
    body = read()
    assert body["came"] is True and body["my_registration"]["status"] == "waitlisted"  # her registration still


def test_came_for_a_walk_in_a_seat_holder_a_trainer_and_a_visitor(client, u, login, module, trainer, make_user):
    session = soon(module, trainer, -10, capacity=2)
    ana, walk_in = make_user("ana@example.org"), make_user("wally@example.org")
    seat(session, ana)
    add_time(session, walk_in, 0, None)
    add_time(session, trainer, 0, None)  # hosting is not attending
    assert _api(client, u, session)["came"] is None  # not signed in: nobody to say it of
    login(walk_in)
    body = _api(client, u, session)
    assert body["came"] is True and body["my_registration"] is None
    login(ana)
    assert _api(client, u, session)["came"] is False  # a seat, not checked in yet
    login(trainer)
    assert _api(client, u, session)["came"] is False


def test_the_document_describes_came(client, u):
    document = client.get(u("lms.api.openapi")).get_json()
    schema = document["components"]["schemas"]["LiveSession"]
    assert "came" in schema["required"] and schema["properties"]["came"]["type"] == ["boolean", "null"]
