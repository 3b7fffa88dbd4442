"""Recording a session that has already started or taken place (a make-up class entered afterwards, a 9:00 class
entered at 9:05): the scheduling form's tick box, the service's window and limits, and the audit row."""

from __future__ import annotations

import html
from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import select

from lms import db
from lms.audit import AuditEvent
from lms.db import utcnow
from lms.errors import DomainError
from lms.live import registration, reminders, scheduling
from lms.live.afterwards import RECORD_WINDOW
from lms.live.models import LiveSession
from lms.live.overlaps import ScheduleConflict
from tests.live_support import count_sessions, live_course, local, plan, schedule, session_form

#: A Saturday morning in Los Angeles (PST, UTC-8): the class began at 9:00, the trainer enters it at 9:05.
NINE_FIVE = datetime(2030, 3, 2, 17, 5, tzinfo=UTC)
TICK = "This session has already started or taken place"


@pytest.fixture
def module(trainer):
    return live_course(trainer)[1]


def _record(module, trainer, now=NINE_FIVE, repeat=1, **fields):
    fields.setdefault("day", local(now).date())
    fields.setdefault("at", time(9, 0))
    data = plan(module, trainer_ids=(trainer.id,), **fields)
    return scheduling.schedule_sessions(data, repeat, trainer, now, afterwards=True)


def _refusal(module, trainer, **kwargs) -> DomainError:
    with pytest.raises(DomainError) as caught:
        _record(module, trainer, **kwargs)
    db.session.rollback()
    return caught.value


def _page(response) -> str:
    return html.unescape(response.get_data(as_text=True))


# ---------------------------------------------------------------- the form


def test_a_past_start_without_the_tick_is_refused_with_a_hint_to_tick_it(client, u, login, module, trainer):
    login(trainer)
    response = client.submit(u("lms.sessions.create"), session_form(module, trainer, local(utcnow()).date() - timedelta(days=3)))
    assert response.status_code == 400
    hint = f"The session must start in the future. To record a session that has already started or taken place, tick “{TICK}”."
    assert hint in _page(response)
    assert count_sessions() == 0


def test_the_tick_records_last_saturdays_make_up_class(client, u, login, module, trainer):
    login(trainer)
    day = local(utcnow()).date() - timedelta(days=3)
    page = _page(client.get(u("lms.sessions.create")))
    assert TICK in page and 'name="afterwards"' in page
    response = client.submit(u("lms.sessions.create"), session_form(module, trainer, day, afterwards="y"))
    assert response.status_code == 302
    session = db.session.execute(select(LiveSession)).scalar_one()
    assert local(session.starts_at).date() == day and session.registration_deadline is None
    assert not registration.is_open(session, utcnow())  # no registration, so no waitlist either
    row = db.session.execute(select(AuditEvent).where(AuditEvent.action == "live_session.created")).scalar_one()
    assert row.data["recorded_afterwards"] is True and row.actor_id == trainer.id
    assert "Session recorded. Take its attendance under “Roster and attendance”" in _page(client.get(response.location))


def test_the_edit_form_has_no_tick_box(client, u, login, module, trainer):
    session = schedule(module, trainer)[0]
    login(trainer)
    assert 'name="afterwards"' not in _page(client.get(u("lms.sessions.edit", session_id=session.id)))


def test_a_plan_is_not_marked_as_recorded_afterwards(module, trainer):
    schedule(module, trainer)
    row = db.session.execute(select(AuditEvent).where(AuditEvent.action == "live_session.created")).scalar_one()
    assert "recorded_afterwards" not in row.data


# ---------------------------------------------------------------- the service


def test_a_class_entered_five_minutes_after_it_began(module, trainer):
    session = _record(module, trainer).sessions[0]
    db.session.commit()
    assert session.starts_at == datetime(2030, 3, 2, 17, 0, tzinfo=UTC)
    offsets = reminders.parse_offsets("24h,1h")
    assert not [due for due in reminders.find_due(NINE_FIVE, offsets) if due.session_id == session.id]


def test_a_start_in_the_future_with_the_tick_is_refused(module, trainer):
    error = _refusal(module, trainer, at=time(9, 10))
    assert error.details["field"] == "starts_on" and "untick" in error.message
    assert count_sessions() == 0


def test_only_the_last_30_days_can_be_recorded(module, trainer):
    assert timedelta(days=30) == RECORD_WINDOW
    error = _refusal(module, trainer, day=local(NINE_FIVE).date() - timedelta(days=31))
    assert error.message == "Only a session of the last 30 days can be recorded afterwards."
    assert error.details["field"] == "starts_on"
    assert _record(module, trainer, day=local(NINE_FIVE).date() - timedelta(days=30), at=time(9, 30)).is_new


def test_one_session_at_a_time_and_no_registration_deadline(module, trainer):
    assert _refusal(module, trainer, repeat=2).details["field"] == "repeat"
    error = _refusal(module, trainer, deadline=datetime(2030, 3, 1, 12, 0))
    assert error.details["field"] == "deadline" and "leave “Registration closes” empty" in error.message
    assert count_sessions() == 0


def test_a_recorded_session_does_not_double_book_its_trainer(module, trainer):
    _record(module, trainer, day=local(NINE_FIVE).date() - timedelta(days=1))
    db.session.commit()
    with pytest.raises(ScheduleConflict):
        _record(module, trainer, day=local(NINE_FIVE).date() - timedelta(days=1), at=time(10, 0), address="Elsewhere 1")
