"""The edit form of a session that ends after midnight: its end time box is a time of the first day (an end before the
start is refused), so such a session is shown by its length only and moving the start keeps the length. The form
says so under the length, with the end, so the trainer knows the end moves with the start."""

from __future__ import annotations

from datetime import date, time, timedelta

from lms import db
from lms.live.models import LiveSession
from lms.live.plans import ends_next_day_text
from tests.live_support import LA, local, schedule
from tests.test_livefixa_edit_end_time import _form, _save

DAY = date(2038, 2, 2)
HINT = "This session ends the next day, at"


def _page(client, u, session: LiveSession, **args) -> str:
    return client.get(u("lms.sessions.edit", session_id=session.id, **args)).get_data(as_text=True)


def test_the_length_says_the_session_ends_the_next_day(client, u, login, module, trainer):
    (session,) = schedule(module, trainer, day=DAY, at=time(22, 0), minutes=300)
    login(trainer)
    page = _page(client, u, session)
    hint = '<p class="help" id="minutes-help">This session ends the next day, at 3:00\u202fAM: moving the start keeps its length.</p>'
    assert hint in page
    assert 'aria-describedby="minutes-help"' in page  # read with the length box
    assert _form(client, u, session)["end_time"] == ""


def test_no_hint_for_a_session_ending_the_same_day(client, u, login, module, trainer):
    (session,) = schedule(module, trainer, day=DAY, at=time(18, 0), minutes=180)
    login(trainer)
    assert HINT not in _page(client, u, session)
    assert 'id="minutes-help"' not in _page(client, u, session)


def test_a_session_ending_at_midnight_ends_the_next_day(module, trainer):
    (session,) = schedule(module, trainer, day=DAY, at=time(22, 0), minutes=120)
    text = ends_next_day_text(session.starts_at, session.ends_at, LA, "en")
    assert text == "This session ends the next day, at 12:00\u202fAM: moving the start keeps its length."


def test_the_time_is_in_the_readers_language(module, trainer):
    (session,) = schedule(module, trainer, day=DAY, at=time(22, 0), minutes=300)
    text = ends_next_day_text(session.starts_at, session.ends_at, LA, "es")
    assert "3:00" in text and "AM" not in text  # the Spanish clock ("3:00 a.m."), not the English one


def test_moving_the_start_keeps_the_length_and_the_hint_follows(client, u, login, module, trainer):
    (session,) = schedule(module, trainer, day=DAY, at=time(22, 0), minutes=300)
    login(trainer)
    assert _save(client, u, session, _form(client, u, session), start_time="22:30").status_code == 302
    db.session.expire_all()
    session = db.session.get(LiveSession, session.id)
    assert local(session.starts_at, LA).time() == time(22, 30)
    assert session.ends_at - session.starts_at == timedelta(minutes=300)
    assert "This session ends the next day, at 3:30\u202fAM" in _page(client, u, session)


def test_the_hint_stays_when_the_form_comes_back_with_a_problem(client, u, login, module, trainer):
    (session,) = schedule(module, trainer, day=DAY, at=time(22, 0), minutes=300)
    login(trainer)
    response = _save(client, u, session, _form(client, u, session), capacity="-4")
    assert response.status_code == 400
    assert "This session ends the next day, at 3:00\u202fAM" in response.get_data(as_text=True)
