"""Helpers for the live-session tests: a published course with a live module, session plans and sessions, the
trainers who lead them, seats, time spent in a session, and the hours entry that time makes."""

from __future__ import annotations

import html
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select

from lms import db
from lms.accounts.models import SiteRole
from lms.catalog import course_authoring, module_authoring
from lms.catalog.models import CourseStatus, ModuleKind
from lms.catalog.texts import set_text
from lms.db import utcnow
from lms.hours.models import EntrySource, HoursEntry
from lms.live import registration, scheduling
from lms.live.models import (
    Attendance,
    AttendanceInterval,
    IntervalSource,
    LiveSession,
    Registration,
    RegistrationStatus,
    SessionMode,
)
from lms.live.times import clock_text, day_text, is_same_day, to_zone

LA = "America/Los_Angeles"
#: The fields that make a planned session online (:func:`plan`), with a join link.
ONLINE = {"mode": SessionMode.ONLINE, "address": "", "join_url": "https://meet.example.org/tanya"}


def live_course(trainer: Any, slug: str = "practice", publish: bool = True):
    """A course with one live module, titled in English and Spanish."""
    course = course_authoring.create_course(course_authoring.CourseData(slug=slug, title="Practice course", summary="About"), trainer)
    module = module_authoring.add_module(
        course, module_authoring.ModuleData(slug="live", title="Role-play practice", kind=ModuleKind.LIVE,
                                            credited_minutes=120), trainer
    )
    set_text(course, module, "title", "es", "Práctica de juegos de roles", trainer)
    set_text(course, course, "title", "es", "Curso de práctica", trainer)
    if publish:
        course_authoring.set_course_status(course, CourseStatus.PUBLISHED, trainer)
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


def held_at(module, trainer, start: datetime, minutes: int, tz: str = "Africa/Abidjan", **fields: Any) -> LiveSession:
    """A session of ``trainer`` starting at the instant ``start`` (planned in zone ``tz``), ``minutes`` long."""
    local = to_zone(start, tz)
    data = plan(module, day=local.date(), at=local.time(), minutes=minutes, timezone=tz, trainer_ids=(trainer.id,),
                **fields)
    (session,) = scheduling.create_sessions(data, 1, trainer, allow_past=True)
    db.session.commit()
    return session


# ---------------------------------------------------------------- people

#: Trainers of the live tests besides the conftest's ``trainer`` (Carmen Coach), by first name: email and name.
TRAINERS = {
    "teresa": ("teresa@example.org", "Teresa Trainer"),
    "tanya": ("tanya@example.org", "Tanya Tutor"),
    "otto": ("otto@example.org", "Otto Cotrainer"),
}


def make_trainer(make_user, who: str):
    """The trainer ``who`` of :data:`TRAINERS`, made with the conftest's ``make_user`` factory."""
    email, name = TRAINERS[who]
    return make_user(email, name=name, role=SiteRole.TRAINER)


# ---------------------------------------------------------------- seats and time in a session


def seat(session: LiveSession, *people: Any, status: RegistrationStatus = RegistrationStatus.REGISTERED) -> None:
    """Give ``people`` a registration of ``status`` (a seat by default; on the waitlist from now) as if each had
    registered themselves, directly, past any rule; committed."""
    waiting = utcnow() if status is RegistrationStatus.WAITLISTED else None
    for person in people:
        db.session.add(Registration(session_id=session.id, user_id=person.id, status=status,
                                    registered_by_id=person.id, waitlisted_at=waiting))
    db.session.commit()


def seat_and_join(client, u, login, session: LiveSession, person: Any):
    """``person`` gets a seat in ``session`` (:func:`seat`), signs in and presses the Join button: the "Open the
    meeting" page the join leads to."""
    seat(session, person)
    login(person)
    joined = client.submit(u("lms.sessions.join", session_id=session.id))
    return client.get(joined.headers["Location"])


def register_in_turn(session: LiveSession, *people: Any) -> None:
    """Each of ``people`` registers themselves through the service, in turn: a seat while one is left, then the
    waitlist; committed after each."""
    for person in people:
        registration.register(session, person, person, utcnow())
        db.session.commit()


def registration_counts(session: LiveSession) -> dict[RegistrationStatus, int]:
    """How many registrations of ``session`` there are of each status."""
    return dict(db.session.execute(
        select(Registration.status, func.count()).where(Registration.session_id == session.id)
        .group_by(Registration.status)).all())


def add_time(session: LiveSession, person: Any, start: float | timedelta, end: float | timedelta | None,
             source: IntervalSource = IntervalSource.CHECK_IN) -> AttendanceInterval:
    """Time ``person`` spent in ``session``, from ``start`` to ``end`` after it started (minutes, or a timedelta;
    ``end`` None: still there), checked in by default; committed."""
    interval = AttendanceInterval(session_id=session.id, user_id=person.id, source=source,
                                  joined_at=session.starts_at + _span(start),
                                  left_at=None if end is None else session.starts_at + _span(end))
    db.session.add(interval)
    db.session.commit()
    return interval


def stayed(session: LiveSession, person: Any, minutes: float | timedelta) -> AttendanceInterval:
    """``person`` checked in at the start and stayed ``minutes`` (or a timedelta)."""
    return add_time(session, person, 0, minutes)


def attended(session: LiveSession, person: Any, joined: datetime, left: datetime,
             source: IntervalSource = IntervalSource.CHECK_IN) -> None:
    """``person`` had a seat (from before the rule, or the session moved) and was there from ``joined`` to ``left``."""
    seat(session, person)
    add_time(session, person, joined - session.starts_at, left - session.starts_at, source)


def _span(value: float | timedelta) -> timedelta:
    return value if isinstance(value, timedelta) else timedelta(minutes=value)


def attendance_row(session: LiveSession, person: Any) -> Attendance | None:
    """``person``'s attendance row of ``session`` (minutes, status, module completed), if there is one."""
    return db.session.execute(
        select(Attendance).where(Attendance.session_id == session.id, Attendance.user_id == person.id)
    ).scalar_one_or_none()


def live_entry(person: Any, session: LiveSession) -> HoursEntry:
    """The live hours entry that finalising ``session`` made for ``person``."""
    return db.session.execute(select(HoursEntry).where(
        HoursEntry.user_id == person.id, HoursEntry.session_id == session.id, HoursEntry.source == EntrySource.LIVE,
    )).scalar_one()


def page_text(response) -> str:
    """A response's page with HTML entities read (``&#39;`` → ``'``)."""
    return html.unescape(response.get_data(as_text=True))
