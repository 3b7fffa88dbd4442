"""A trainer's QA pass (Dec 2026), on sessions that move:

3. moving a session whose attendance times are recorded so that some fall outside it (credited minutes would drop)
   asks first, on the form shown again, saying how many people's credited time changes; ticked, it saves;
4. a session's other trainers are emailed, in their language, when its time or join link changes or it is cancelled
   (never the trainer who made the change).
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from lms import db
from lms.accounts.models import SiteRole
from lms.live.models import LiveSession, SessionMode, SessionStatus
from tests.conftest import body_of
from tests.live_support import live_course, page_text, schedule, seat, soon, stayed
from tests.test_live_schedule_rules import _fields

FUTURE_DAY = date(2038, 2, 2)
NEEDS_TICK = "1 person's credited time would go down."


@pytest.fixture
def module(trainer):
    return live_course(trainer)[1]


@pytest.fixture
def rosa(make_user):
    """A co-trainer who reads Spanish and lives in New York."""
    return make_user("rosa@example.org", name="Rosa Formadora", role=SiteRole.TRAINER, locale="es",
                     timezone="America/New_York")


def _reload(session: LiveSession) -> LiveSession:
    db.session.expire_all()
    return db.session.get(LiveSession, session.id)


# ---------------------------------------------------------------- 3. moving a session with recorded times


@pytest.fixture
def held(module, trainer, make_user):
    """A two-hour class that started three hours ago (in UTC); Ana stayed its first 110 minutes, Ben none."""
    session = soon(module, trainer, -180, minutes=120)
    ana, ben = make_user(name="Ana Ruiz"), make_user(name="Ben Cruz")
    seat(session, ana, ben)
    stayed(session, ana, 110)
    return session


def _start(session: LiveSession, minutes_later: int) -> str:
    return (session.starts_at + timedelta(minutes=minutes_later)).strftime("%H:%M")


def test_moving_it_past_recorded_times_asks_first_and_then_saves(client, u, login, trainer, held):
    session, starts_at = held, held.starts_at
    login(trainer)
    path = u("lms.sessions.edit", session_id=session.id)
    asked = client.submit(path, _fields(session, start_time=_start(session, 60)))
    text = page_text(asked)
    assert asked.status_code == 409 and NEEDS_TICK in text
    assert "Attendance times are recorded for this session, and the new time leaves some of them outside it" in text
    assert 'name="confirm_times" value="yes"' in asked.get_data(as_text=True) and "<script" not in asked.get_data(as_text=True)
    assert f'value="{_start(session, 60)}"' in asked.get_data(as_text=True)  # what was typed is kept
    assert _reload(session).starts_at == starts_at  # nothing saved yet
    saved = client.submit(path, _fields(session, start_time=_start(session, 60), confirm_times="yes"))
    assert saved.status_code == 302
    assert _reload(session).starts_at == starts_at + timedelta(minutes=60)


def test_a_move_that_keeps_every_recorded_time_inside_is_not_asked(client, u, login, trainer, held):
    login(trainer)
    path = u("lms.sessions.edit", session_id=held.id)
    assert client.submit(path, _fields(held, start_time=_start(held, -5))).status_code == 302  # Ana's 110 minutes still inside
    assert client.submit(path, _fields(held, address="Room 4")).status_code == 302


# ---------------------------------------------------------------- 4. co-trainers are told


@pytest.fixture
def led_by_two(module, trainer, rosa):
    (session,) = schedule(module, trainer, day=FUTURE_DAY, mode=SessionMode.HYBRID, trainer_ids=(trainer.id, rosa.id),
                          join_url="https://meet.example.org/practice")
    return session


def test_a_co_trainer_is_told_of_a_new_time_in_her_language_and_zone(client, u, login, trainer, led_by_two, mailbox):
    login(trainer)
    response = client.submit(u("lms.sessions.edit", session_id=led_by_two.id), _fields(led_by_two, start_time="19:00"))
    assert response.status_code == 302
    (message,) = mailbox  # Carmen made the change: only Rosa is told (nobody is registered)
    assert message["To"] == "rosa@example.org" and "Práctica de juegos de roles" in message["Subject"]
    body = body_of(message)
    # in her language (the new sentences' Spanish comes with the next translation update; her greeting is there)
    assert body.startswith("Hola, Rosa Formadora:") and "Carmen Coach" in body
    assert "9:00" in body and "10:00" in body and "EST" in body  # before and now, in her zone
    assert u("lms.sessions.attendance", session_id=led_by_two.id, _external=True) in body


def test_a_co_trainer_is_told_of_a_new_join_link(client, u, login, trainer, rosa, led_by_two, mailbox):
    login(rosa)
    response = client.submit(u("lms.sessions.edit", session_id=led_by_two.id),
                             _fields(led_by_two, join_url="https://meet.example.org/new-room"))
    assert response.status_code == 302
    (message,) = mailbox
    assert message["To"] == "coach@example.org"
    assert "Rosa Formadora changed the live session" in body_of(message)
    assert "https://meet.example.org/new-room" in body_of(message)


def test_co_trainers_are_told_of_a_cancellation(client, u, login, trainer, rosa, led_by_two, mailbox):
    login(trainer)
    response = client.submit(u("lms.sessions.cancel", session_id=led_by_two.id), {"reason": "Room flooded"})
    assert response.status_code == 302 and _reload(led_by_two).status is SessionStatus.CANCELLED
    (message,) = mailbox
    assert message["To"] == "rosa@example.org"
    body = body_of(message)
    assert body.startswith("Hola, Rosa Formadora:") and "Práctica de juegos de roles" in body
    assert "Carmen Coach" in body and "Room flooded" in body


def test_an_edit_that_changes_nothing_they_rely_on_tells_nobody(client, u, login, trainer, led_by_two, mailbox):
    login(trainer)
    response = client.submit(u("lms.sessions.edit", session_id=led_by_two.id), _fields(led_by_two, notes="Bring water"))
    assert response.status_code == 302 and list(mailbox) == []
