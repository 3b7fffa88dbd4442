"""Scheduling rules found in a trainer's week: a session lasts at least its module's credited time, has at least one
trainer, and its registration does not close in the past (create and edit, through the forms and the services)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from lms import db
from lms.accounts.models import SiteRole
from lms.catalog import course_authoring, module_authoring
from lms.catalog.models import CourseStatus, Module, ModuleKind
from lms.db import utcnow
from lms.errors import DomainError
from lms.live import scheduling
from lms.live.models import LiveSession
from tests.live_support import count_sessions, local, plan, schedule, session_form

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def module(trainer):
    """The live module ``practice`` of the QA report: it credits 90 minutes."""
    course = course_authoring.create_course(course_authoring.CourseData(slug="skills", title="Skills course",
                                                                        summary="About"), trainer)
    module = module_authoring.add_module(
        course, module_authoring.ModuleData(slug="practice", title="Practice", kind=ModuleKind.LIVE, credited_minutes=90), trainer
    )
    course_authoring.set_course_status(course, CourseStatus.PUBLISHED, trainer)
    db.session.commit()
    return module


def _form(module, trainer, **overrides) -> dict:
    return session_form(module, trainer, local(utcnow()).date() + timedelta(days=9),
                        **{"minutes": "90", "address": "Room 4", **overrides})


def _page(response) -> str:
    return response.get_data(as_text=True)


# ---------------------------------------------------------------- 1. at least the module's credited time


@pytest.mark.parametrize("overrides", [{"minutes": "20"}, {"minutes": "", "end_time": "18:20"}, {"minutes": "89"}])
def test_a_session_shorter_than_the_modules_credited_time_is_refused(client, u, login, module, trainer, overrides):
    login(trainer)
    response = client.submit(u("lms.sessions.create"), _form(module, trainer, **overrides))
    assert response.status_code == 400
    assert "This module credits 1 hour 30 minutes of live training" in _page(response)
    assert count_sessions() == 0


def test_the_credited_time_is_written_in_the_trainers_language(client, u, login, module, make_user):
    spanish = make_user("formadora@example.org", role=SiteRole.TRAINER, locale="es")
    login(spanish)
    response = client.submit(u("lms.sessions.create"), _form(module, spanish, minutes="20"))
    assert response.status_code == 400 and "1 hora 30 minutos" in _page(response)


def test_a_session_as_long_as_the_credited_time_or_longer_is_scheduled(client, u, login, module, trainer):
    login(trainer)
    assert client.submit(u("lms.sessions.create"), _form(module, trainer)).status_code == 302
    next_day = (local(utcnow()).date() + timedelta(days=10)).isoformat()  # the first one holds the trainer on day 9
    assert client.submit(u("lms.sessions.create"),
                         _form(module, trainer, minutes="", end_time="20:00", starts_on=next_day)).status_code == 302
    assert count_sessions() == 2


def test_an_edit_cannot_shorten_a_session_below_the_credited_time(client, u, login, module, trainer):
    (session,) = schedule(module, trainer, minutes=90, trainer_ids=(trainer.id,))
    login(trainer)
    response = client.submit(u("lms.sessions.edit", session_id=session.id), _form(module, trainer, minutes="20"))
    assert response.status_code == 400 and "This module credits 1 hour 30 minutes" in _page(response)
    db.session.expire_all()
    again = db.session.get(LiveSession, session.id)
    assert again.ends_at - again.starts_at == timedelta(minutes=90)


def test_the_service_refuses_a_short_session_whoever_calls_it(module, trainer):
    with pytest.raises(DomainError) as caught:
        scheduling.create_sessions(plan(module, minutes=20, trainer_ids=(trainer.id,)), 1, trainer)
    assert caught.value.details["field"] == "minutes"


# ---------------------------------------------------------------- 2. at least one trainer


def test_a_session_without_trainers_is_refused_on_create_and_edit(client, u, login, module, trainer):
    login(trainer)
    page = _page(client.get(u("lms.sessions.create")))
    assert re.search(rf'name="trainers" value="{trainer.id}"\s+checked', page)  # the creator is ticked
    response = client.submit(u("lms.sessions.create"), _form(module, trainer, trainers=[]))
    assert response.status_code == 400 and "Choose at least one trainer" in _page(response)
    assert count_sessions() == 0
    (session,) = schedule(module, trainer, minutes=90, trainer_ids=(trainer.id,))
    edit = client.submit(u("lms.sessions.edit", session_id=session.id), _form(module, trainer, trainers=[]))
    assert edit.status_code == 400 and "Choose at least one trainer" in _page(edit)
    assert scheduling.trainer_ids(session) == [trainer.id]


def test_the_service_refuses_a_session_without_trainers(module, trainer):
    with pytest.raises(DomainError) as caught:
        scheduling.create_sessions(plan(module, minutes=90), 1, trainer)
    assert caught.value.details["field"] == "trainers"


# ---------------------------------------------------------------- 3. registration deadline


def test_a_registration_deadline_in_the_past_is_refused_on_create(client, u, login, module, trainer):
    login(trainer)
    yesterday = (local(utcnow()) - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.submit(u("lms.sessions.create"), _form(module, trainer, deadline=yesterday))
    assert response.status_code == 400 and "Registration cannot close in the past" in _page(response)
    assert count_sessions() == 0


def test_a_deadline_after_the_start_keeps_its_rule(client, u, login, module, trainer):
    login(trainer)
    day = local(utcnow()).date() + timedelta(days=9)
    response = client.submit(u("lms.sessions.create"), _form(module, trainer, deadline=f"{day.isoformat()}T19:00"))
    assert response.status_code == 400 and "Registration must close before the session starts." in _page(response)
    assert count_sessions() == 0


def test_an_edit_refuses_a_deadline_moved_into_the_past_but_keeps_one_that_passed(client, u, login, module, trainer):
    day = local(utcnow()).date() + timedelta(days=9)
    (session,) = schedule(module, trainer, day=day, minutes=90, trainer_ids=(trainer.id,),
                          deadline=datetime.combine(day - timedelta(days=5), datetime.min.time()))
    login(trainer)
    yesterday = (local(utcnow()) - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    moved = client.submit(u("lms.sessions.edit", session_id=session.id), _form(module, trainer, deadline=yesterday))
    assert moved.status_code == 400 and "Registration cannot close in the past" in _page(moved)
    # A deadline that has passed since it was set does not block other changes.
    past = local(utcnow()).replace(second=0, microsecond=0) - timedelta(hours=1)
    session.registration_deadline = past.astimezone(UTC)
    db.session.commit()
    kept = client.submit(u("lms.sessions.edit", session_id=session.id),
                         _form(module, trainer, capacity="9", deadline=past.strftime("%Y-%m-%dT%H:%M")))
    assert kept.status_code == 302, _page(kept)[:2000]
    db.session.expire_all()
    assert db.session.get(LiveSession, session.id).capacity == 9


def test_the_service_refuses_a_past_deadline(module, trainer):
    with pytest.raises(DomainError) as caught:
        scheduling.create_sessions(
            plan(module, minutes=90, trainer_ids=(trainer.id,), deadline=datetime(2020, 1, 1, 9, 0)), 1, trainer
        )
    assert caught.value.details["field"] == "deadline"


# ---------------------------------------------------------------- the demo and the course files


def test_the_demo_schedules_the_real_curriculum_within_the_rules(app, runner):
    """``lms import-courses courses`` then ``lms demo``: every demo session lasts the module's credited time and has
    a trainer (the Spanish online session used to last two hours of the three the module credits)."""
    imported = runner.invoke(args=["lms", "import-courses", str(ROOT / "courses")])
    assert imported.exit_code == 0, imported.output
    demo = runner.invoke(args=["lms", "demo", "--password", "demo password 1"])
    assert demo.exit_code == 0, demo.output
    rows = db.session.execute(select(LiveSession, Module).join(Module, Module.id == LiveSession.module_id)).all()
    assert len(rows) >= 6
    for session, module in rows:
        assert session.ends_at - session.starts_at >= timedelta(minutes=module.credited_minutes), session.series_key
        assert scheduling.trainer_ids(session), session.series_key
