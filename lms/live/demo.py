"""Demo live sessions for the core course's live module (``chw-core`` / ``live-practice``), if it was imported.

Adds, relative to today: an online session in Spanish, a weekly in-person series in English (4 sessions), and a full
hybrid session with a waitlist, with the demo trainees registered. Each group is found again by its ``series_key``
marker, so running ``lms demo`` again adds nothing. Without the course (run ``lms import-courses courses`` first)
it creates nothing.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select

from lms import db
from lms.catalog import services as catalog
from lms.catalog.models import ModuleKind
from lms.db import utcnow
from lms.errors import DomainError
from lms.live import registration, scheduling
from lms.live.models import LiveSession, SessionMode
from lms.live.times import to_zone

COURSE, MODULE = "chw-core", "live-practice"
ZONE = "America/Los_Angeles"
TRAINER, TRAINEE, PROMOTORA, MANAGER = ("trainer@example.org", "trainee@example.org", "promotora@example.org",
                                        "employer@example.org")


def _exists(marker: str) -> bool:
    return db.session.execute(select(LiveSession.id).where(LiveSession.series_key == marker)).first() is not None


def _plan(module: Any, day: date, at: time, trainer: Any, **fields: Any) -> scheduling.SessionData:
    # At least as long as the module credits (3 hours in courses/chw-core): a shorter session is refused.
    defaults = {"minutes": max(module.credited_minutes, 180), "timezone": ZONE, "locale": "en",
                "mode": SessionMode.IN_PERSON, "capacity": 12, "cost_cents": None, "trainer_ids": (trainer.id,)}
    return scheduling.SessionData(module_id=module.id, starts_on=day, start_time=at, **{**defaults, **fields})


def _create(marker: str, data: scheduling.SessionData, repeat: int, trainer: Any) -> list[LiveSession]:
    sessions = scheduling.create_sessions(data, repeat, trainer)
    for session in sessions:
        session.series_key = marker
    return sessions


def _register(session: LiveSession, people: list[Any], actor: Any | None = None) -> None:
    for person in people:
        try:
            registration.register(session, person, actor or person, utcnow())
        except DomainError:  # e.g. the course is not published in this demo database
            return


def add_live_demo(org: Any, users: dict[str, Any]) -> None:
    """The :data:`lms.demo.DEMO_STEPS` step for live sessions (idempotent)."""
    course = catalog.find_course(COURSE)
    if course is None:
        return
    try:
        module = catalog.get_module(course, MODULE)
    except DomainError:
        return
    if module.kind is not ModuleKind.LIVE:
        return
    trainer = users[TRAINER]
    today = to_zone(utcnow(), ZONE).date()
    if not _exists("demo-es-online"):
        data = _plan(module, today + timedelta(days=3), time(10, 0), trainer, locale="es",
                     mode=SessionMode.ONLINE, capacity=25, join_url="https://meet.example.org/chw-practica-es",
                     notes="Conéctese 10 minutos antes para probar el audio y la cámara.")
        _register(_create("demo-es-online", data, 1, trainer)[0], [users[PROMOTORA]])
    if not _exists("demo-en-weekly"):
        soonest = today + timedelta(days=2)
        first = soonest + timedelta(days=(1 - soonest.weekday()) % 7)  # the first Tuesday at least 2 days away
        data = _plan(module, first, time(18, 0), trainer, capacity=12, cost_cents=1500,
                     address="Valley Community Health, Training Room B, 1200 Main Street, Fresno, CA 93721",
                     deadline=datetime.combine(first - timedelta(days=1), time(17, 0)))
        _register(_create("demo-en-weekly", data, 4, trainer)[0], [users[TRAINEE]])
    if not _exists("demo-full"):
        data = _plan(module, today + timedelta(days=10), time(13, 0), trainer, mode=SessionMode.HYBRID, capacity=2,
                     address="Valley Community Health, 1200 Main Street, Fresno, CA 93721",
                     join_url="https://meet.example.org/chw-practice-hybrid")
        full = _create("demo-full", data, 1, trainer)[0]
        _register(full, [users[TRAINEE], users[MANAGER]])
        _register(full, [users[PROMOTORA]], actor=users[MANAGER])  # the manager asks for a seat: waitlisted
    db.session.flush()
