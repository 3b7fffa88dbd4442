"""Double bookings: a trainer cannot lead two sessions at once, and one address cannot hold two sessions at once.
Cancelled sessions never clash, a session never clashes with itself, and the refusal names the other session in the
reader's language and time zone (services, the scheduling and edit forms, and two requests at the same moment)."""

from __future__ import annotations

import os
import threading
import time as clock
from datetime import date, time, timedelta

import pytest

from lms import db
from lms.accounts.models import SiteRole, User
from lms.catalog.models import Module
from lms.db import utcnow
from lms.live import scheduling
from lms.live.models import LiveSession, SessionMode, SessionStatus
from lms.live.overlaps import ScheduleConflict, place_key
from tests.live_support import LA, count_sessions, plan, schedule, session_form

DAY = date(2038, 1, 12)  # a Tuesday in winter: 18:00 in Los Angeles is 21:00 in New York (PST, EST)
ON_POSTGRES = os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql")
TRAINER_CLASH = "Carmen Coach already leads a session at that time"
PLACE_CLASH = "Another session is held at this address at that time"


@pytest.fixture
def other_trainer(make_user):
    return make_user("otto@example.org", name="Otto Other", role=SiteRole.TRAINER)



def _create(module, actor, **fields):
    fields.setdefault("trainer_ids", (actor.id,))
    fields.setdefault("day", DAY)
    sessions = scheduling.create_sessions(plan(module, **fields), 1, actor)
    db.session.commit()
    return sessions


def _refused(module, actor, **fields) -> ScheduleConflict:
    with pytest.raises(ScheduleConflict) as caught:
        _create(module, actor, **fields)
    db.session.rollback()
    return caught.value


def _edit(session, trainer, **fields):
    data = scheduling.data_of(session)
    update = scheduling.update_session(session, data.__class__(**{**data.__dict__, **fields}), trainer, utcnow())
    db.session.commit()
    return update


def _plain(text: str) -> str:
    """Babel puts a narrow no-break space before AM/PM."""
    return text.replace("\u202f", " ")


# ---------------------------------------------------------------- the same trainer


def test_a_trainer_cannot_lead_two_sessions_at_once(module, trainer):
    (first,) = _create(module, trainer)
    refused = _refused(module, trainer, at=time(19, 0), mode=SessionMode.ONLINE, address="", join_url="https://m.example.org/x")
    assert (refused.status, refused.code, refused.details["reason"]) == (409, "conflict", "trainer")
    assert refused.details["other"] == first.id and refused.details["field"] is None
    assert refused.message.startswith(TRAINER_CLASH)
    assert "starting Jan 12, 2038, 6:00 PM PST: “Role-play practice” (Practice course)." in _plain(refused.message)
    assert count_sessions() == 1


@pytest.mark.parametrize("at", [time(16, 0), time(20, 0)])
def test_back_to_back_sessions_are_fine(module, trainer, at):
    _create(module, trainer)
    _create(module, trainer, at=at)  # ends as the other starts, or starts as it ends
    assert count_sessions() == 2


def test_a_co_trainer_is_booked_too(module, trainer, other_trainer):
    _create(module, trainer, trainer_ids=(trainer.id, other_trainer.id))
    refused = _refused(module, other_trainer, at=time(17, 0), address="Another building")
    assert refused.message.startswith("Otto Other already leads a session at that time")
    assert count_sessions() == 1


def test_a_cancelled_session_never_clashes(module, trainer):
    (first,) = _create(module, trainer)
    scheduling.cancel_session(first, "The room flooded.", trainer, utcnow())
    db.session.commit()
    _create(module, trainer)
    assert count_sessions() == 2


def test_a_completed_session_that_ended_early_holds_its_trainer_only_until_then(module, trainer):
    start = (utcnow() - timedelta(hours=5)).replace(second=0, microsecond=0)
    past = {"timezone": "Africa/Abidjan", "trainer_ids": (trainer.id,)}  # UTC all year
    (done,) = schedule(module, trainer, allow_past=True, day=start.date(), at=start.time(), **past)
    done.status, done.ended_early_at = SessionStatus.COMPLETED, start + timedelta(minutes=60)
    earlier = start - timedelta(hours=4)
    (moved,) = schedule(module, trainer, allow_past=True, day=earlier.date(), at=earlier.time(), address="Room 2", **past)
    db.session.commit()
    during, after = start + timedelta(minutes=30), start + timedelta(minutes=90)
    with pytest.raises(ScheduleConflict):
        _edit(moved, trainer, starts_on=during.date(), start_time=during.time())
    db.session.rollback()
    _edit(moved, trainer, starts_on=after.date(), start_time=after.time())  # the trainer was free by then


def test_records_of_sessions_as_they_took_place_are_taken_as_given(module, trainer):
    """``allow_past`` (demo data, imports of past sessions) records what happened; only plans are refused."""
    _create(module, trainer)
    scheduling.create_sessions(plan(module, day=DAY, trainer_ids=(trainer.id,)), 1, trainer, allow_past=True)
    assert count_sessions() == 2


def test_one_clashing_week_refuses_the_whole_series(module, trainer, other_trainer):
    _create(module, other_trainer, day=DAY + timedelta(weeks=2), trainer_ids=(trainer.id,), address="Elsewhere")
    with pytest.raises(ScheduleConflict) as caught:
        scheduling.create_sessions(plan(module, day=DAY, trainer_ids=(trainer.id,)), 4, trainer)
    db.session.rollback()
    assert "starting Jan 26, 2038, 6:00 PM PST:" in _plain(caught.value.message)
    assert count_sessions() == 1


# ---------------------------------------------------------------- the same place


def test_one_address_cannot_hold_two_sessions_at_once(module, trainer, other_trainer):
    (first,) = _create(module, trainer, address="Room 4, 1200 Main Street, Fresno, CA")
    refused = _refused(module, other_trainer, at=time(19, 0), mode=SessionMode.HYBRID,
                       address="  room 4 1200 MAIN street,\nFresno CA.", join_url="https://m.example.org/h")
    assert (refused.details["reason"], refused.details["field"], refused.details["other"]) == ("place", "address", first.id)
    assert refused.message.startswith(PLACE_CLASH)
    assert "name the room in the address" in refused.message


def test_other_rooms_and_online_sessions_share_no_place(module, trainer, other_trainer, make_user):
    _create(module, trainer, address="Room 4, 1200 Main Street, Fresno, CA")
    _create(module, other_trainer, address="Room 5, 1200 Main Street, Fresno, CA")
    third = make_user(role=SiteRole.TRAINER)
    online = {"mode": SessionMode.ONLINE, "address": "", "join_url": "https://m.example.org/o"}
    _create(module, third, **online)
    fourth = make_user(role=SiteRole.TRAINER)
    _create(module, fourth, **online)
    assert count_sessions() == 4
    assert place_key(" Room 4,  1200 main st. ") == place_key("room 4 1200 Main St") and place_key("") is None


# ---------------------------------------------------------------- editing


def test_an_edit_never_clashes_with_the_session_itself(module, trainer):
    (session,) = _create(module, trainer)
    _edit(session, trainer, start_time=time(18, 30), capacity=12)  # moved within its own old window
    assert scheduling.data_of(session).start_time == time(18, 30)


def test_an_edit_onto_another_sessions_time_or_place_is_refused(module, trainer, other_trainer):
    (mine,) = _create(module, trainer, at=time(9, 0), address="Room 1")
    _create(module, other_trainer, address="Room 2")
    with pytest.raises(ScheduleConflict) as caught:
        _edit(mine, trainer, start_time=time(18, 0), trainer_ids=(trainer.id, other_trainer.id))
    assert caught.value.message.startswith("Otto Other already leads")
    db.session.rollback()
    with pytest.raises(ScheduleConflict) as caught:
        _edit(mine, trainer, start_time=time(18, 0), address="ROOM 2")
    assert caught.value.details["reason"] == "place"
    db.session.rollback()
    _edit(mine, trainer, start_time=time(18, 0))  # Room 1 and Carmen are free then
    assert scheduling.data_of(mine).start_time == time(18, 0)


def test_an_old_double_booking_does_not_block_other_edits(module, trainer):
    (first,) = _create(module, trainer)
    (second,) = _create(module, trainer, at=time(9, 0))
    second.starts_at, second.ends_at = first.starts_at, first.ends_at  # made before the rule existed
    db.session.commit()
    update = _edit(second, trainer, capacity=15, notes="Bring a pen")
    assert update.changes == () and second.capacity == 15
    with pytest.raises(ScheduleConflict):
        _edit(second, trainer, start_time=time(18, 30))  # a new time must be free


# ---------------------------------------------------------------- the forms


def _form(module, trainer, **overrides) -> dict:
    return session_form(module, trainer, DAY, **{"notes": "Bring water", **overrides})

def test_the_form_names_the_other_session_in_the_trainers_zone_and_keeps_what_was_typed(client, u, login, module, make_user):
    east = make_user("east@example.org", name="Erin East", role=SiteRole.TRAINER, timezone="America/New_York")
    _create(module, east)
    login(east)
    response = client.submit(u("lms.sessions.create"), _form(module, east, start_time="19:30", notes="Bring snacks"))
    page = _plain(response.get_data(as_text=True))
    assert response.status_code == 400
    assert "Erin East already leads a session at that time, starting Jan 12, 2038, 9:00 PM EST: “Role-play practice” " \
           "(Practice course)." in page
    assert "Bring snacks" in page and 'value="19:30"' in page
    assert count_sessions() == 1


def test_a_spanish_reader_reads_the_titles_and_the_date_in_spanish(client, u, login, module, make_user):
    rosa = make_user("rosa@example.org", name="Rosa", role=SiteRole.TRAINER, locale="es", timezone=LA)
    _create(module, rosa)
    login(rosa)
    page = client.submit(u("lms.sessions.create"), _form(module, rosa, start_time="19:00")).get_data(as_text=True)
    assert "“Práctica de juegos de roles” (Curso de práctica)." in page
    assert "12 ene 2038" in page and "Jan 12" not in page


def test_the_place_clash_shows_on_the_address(client, u, login, module, trainer, other_trainer):
    _create(module, other_trainer, address="Room 9, 1200 Main Street")
    login(trainer)
    page = client.submit(u("lms.sessions.create"), _form(module, trainer)).get_data(as_text=True)
    address_field = page[page.index('name="address"') - 600:page.index('name="address"') + 600]
    assert PLACE_CLASH in page and PLACE_CLASH in address_field


def test_the_edit_form_refuses_a_clash(client, u, login, module, trainer):
    _create(module, trainer)
    (mine,) = _create(module, trainer, at=time(9, 0), address="Room 1")
    login(trainer)
    response = client.submit(u("lms.sessions.edit", session_id=mine.id), _form(module, trainer, address="Room 1"))
    assert response.status_code == 400 and TRAINER_CLASH in response.get_data(as_text=True)
    db.session.expire_all()
    assert scheduling.data_of(db.session.get(LiveSession, mine.id)).start_time == time(9, 0)
    saved = client.submit(u("lms.sessions.edit", session_id=mine.id), _form(module, trainer, address="Room 1",
                                                                             start_time="9:00", capacity="9"))
    assert saved.status_code == 302


# ---------------------------------------------------------------- two requests at the same moment


@pytest.mark.skipif(not ON_POSTGRES, reason="row locks are tested against PostgreSQL")
def test_a_clash_scheduled_while_the_first_is_still_saving_is_refused(app, client, u, login, module, trainer):
    """The second plan arrives while the first one has created its session but not committed it: it waits for the
    first one's lock on the trainer, then sees its session and refuses, instead of missing the uncommitted row."""
    login(trainer)
    trainer_id, module_id, created, errors = trainer.id, module.id, threading.Event(), []

    def first_request() -> None:
        with app.app_context():
            try:
                actor = db.session.get(User, trainer_id)
                scheduling.create_sessions(plan(db.session.get(Module, module_id), day=DAY, trainer_ids=(trainer_id,),
                                                address="Elsewhere"), 1, actor)
                created.set()
                clock.sleep(0.5)
                db.session.commit()
            except BaseException as exc:  # reported to the test
                errors.append(exc)
            finally:
                db.session.remove()

    thread = threading.Thread(target=first_request)
    thread.start()
    assert created.wait(5)
    second = client.submit(u("lms.sessions.create"), _form(module, trainer, start_time="19:00"))
    thread.join(5)
    assert not errors
    assert second.status_code == 400 and TRAINER_CLASH in second.get_data(as_text=True)
    assert count_sessions() == 1
