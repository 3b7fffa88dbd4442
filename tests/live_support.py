"""Helpers for the live-session scheduling tests: a published course with a live module, and session plans."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select

from lms import db
from lms.catalog import services as catalog
from lms.catalog.models import CourseStatus, ModuleKind
from lms.catalog.texts import set_text
from lms.db import utcnow
from lms.live import scheduling
from lms.live.models import LiveSession, SessionMode
from lms.live.times import clock_text, day_text, is_same_day, to_zone

LA = "America/Los_Angeles"


def live_course(trainer: Any, slug: str = "practice", publish: bool = True):
    """A course with one live module, titled in English and Spanish."""
    course = catalog.create_course(catalog.CourseData(slug=slug, title="Practice course", summary="About"), trainer)
    module = catalog.add_module(
        course, catalog.ModuleData(slug="live", title="Role-play practice", kind=ModuleKind.LIVE, credited_minutes=120), trainer
    )
    set_text(course, module, "title", "es", "Práctica de juegos de roles", trainer)
    set_text(course, course, "title", "es", "Curso de práctica", trainer)
    if publish:
        catalog.set_course_status(course, CourseStatus.PUBLISHED, trainer)
    db.session.commit()
    return course, module


def plan(module, *, day: date | None = None, at: time = time(18, 0), **fields: Any) -> scheduling.SessionData:
    """A plan for a session in Los Angeles, by default in 5 days at 18:00 for 2 hours, in person, 10 seats."""
    values = {
        "minutes": 120,
        "timezone": LA,
        "locale": "en",
        "mode": SessionMode.IN_PERSON,
        "capacity": 10,
        "address": "1200 Main Street, Fresno, CA",
    }
    values.update(fields)
    day = day or to_zone(utcnow(), LA).date() + timedelta(days=5)
    return scheduling.SessionData(module_id=module.id, starts_on=day, start_time=at, **values)


def schedule(module, trainer, repeat: int = 1, allow_past: bool = False, **fields: Any) -> list[LiveSession]:
    """Sessions led by ``trainer`` (a session needs at least one trainer) unless ``trainer_ids`` says otherwise."""
    fields.setdefault("trainer_ids", (trainer.id,))
    sessions = scheduling.create_sessions(plan(module, **fields), repeat, trainer, allow_past=allow_past)
    db.session.commit()
    return sessions


def soon(module, trainer, minutes_ahead: int, **fields: Any) -> LiveSession:
    """A session starting ``minutes_ahead`` from now (created as a plan in UTC to hit the minute exactly)."""
    start = (utcnow() + timedelta(minutes=minutes_ahead)).replace(second=0, microsecond=0)
    fields.setdefault("trainer_ids", (trainer.id,))
    data = plan(module, day=start.date(), at=start.time(), timezone="Africa/Abidjan", **fields)  # UTC all year
    sessions = scheduling.create_sessions(data, 1, trainer, allow_past=True)
    db.session.commit()
    return sessions[0]


def local(value: datetime, tz: str = LA) -> datetime:
    return to_zone(value, tz)


def day_and_time(value: datetime, tz: str = LA) -> str:
    """How English pages write a moment that is not today: ``Tuesday, December 8, 2026 at 9:45 AM PST``."""
    return f"{day_text(value, tz, 'en', utcnow())} at {clock_text(value, tz, 'en')}"


def closed_when(value: datetime, tz: str = LA) -> str:
    """When something closed, in English: ``at 9:45 AM PST`` today, ``on Tuesday, December 8, 2026 at 9:45 AM PST`` before."""
    if is_same_day(value, utcnow(), tz):
        return f"at {clock_text(value, tz, 'en')}"
    return f"on {day_and_time(value, tz)}"


def session_form(module, trainer, day: date, /, **overrides: Any) -> dict:
    """The "Schedule a session" form as a browser sends it: in person in Los Angeles, 120 minutes from 18:00 on
    ``day``, led by ``trainer`` (None: no trainer field); ``overrides`` replace fields."""
    values = {
        "module": str(module.id), "starts_on": day.isoformat(), "start_time": "18:00", "end_time": "", "minutes": "120",
        "timezone": LA, "locale": "en", "mode": "in_person", "address": "Room 9, 1200 Main Street", "join_url": "",
        "capacity": "8", "deadline": "", "cost": "", "notes": "", "repeat": "1",
    }
    if trainer is not None:
        values["trainers"] = [str(trainer.id)]
    return {**values, **overrides}


def count_sessions() -> int:
    """How many live sessions exist (cancelled ones too)."""
    return db.session.execute(select(func.count(LiveSession.id))).scalar_one()
