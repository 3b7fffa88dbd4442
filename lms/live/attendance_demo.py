"""Demo data: last week's live practice session of the demo core course, with finalised attendance.

Tom (trainee@) checked in a little early and stayed to the end, so he completed the live module; María
(promotora@) arrived late and left early, short of the minimum share. Runs once: the session is marked with a
series key, and a second run finds it and stops.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import select

from lms import db
from lms.catalog.models import Module
from lms.catalog.services import find_course
from lms.db import utcnow
from lms.live import attendance
from lms.live.models import (
    AttendanceInterval,
    AttendanceStatus,
    IntervalSource,
    LiveSession,
    Registration,
    RegistrationStatus,
    SessionMode,
    SessionTrainer,
)
from lms.live.times import zone

SERIES_KEY = "demo-attendance-past"


def add_attendance_demo(org: Any, users: dict[str, Any]) -> None:
    """A ``DEMO_STEPS`` step (see lms/demo.py)."""
    course = find_course("chw-core")
    module = course and db.session.execute(
        select(Module).where(Module.course_id == course.id, Module.slug == "live-practice")
    ).scalar_one_or_none()
    trainer, tom, maria = (users.get(k) for k in ("trainer@example.org", "trainee@example.org",
                                                   "promotora@example.org"))
    if module is None or not (trainer and tom and maria):
        return
    if db.session.execute(select(LiveSession.id).where(LiveSession.series_key == SERIES_KEY)).first():
        return
    session = _past_session(course, module, org, trainer)
    start, end = session.starts_at, session.ends_at
    _attend(session, tom, start - timedelta(minutes=4), end + timedelta(minutes=1), IntervalSource.CHECK_IN)
    _attend(session, maria, start + timedelta(minutes=35), start + timedelta(minutes=80), IntervalSource.CHECK_IN)
    attendance.change_attendance(session, maria, attendance.Change(status=AttendanceStatus.LATE), trainer,
                                 end, 100)
    attendance.finalize(session, trainer, end + timedelta(minutes=10),
                        int(current_app.config["LMS_ATTENDANCE_MIN_SHARE"]))


def _past_session(course: Any, module: Module, org: Any, trainer: Any) -> LiveSession:
    tz = getattr(org, "timezone", None) or "America/Los_Angeles"
    day = (utcnow().astimezone(zone(tz)) - timedelta(days=7)).date()
    starts_at = datetime.combine(day, time(10, 0), tzinfo=zone(tz)).astimezone(UTC)
    minutes = module.credited_minutes or 120
    session = LiveSession(module_id=module.id, course_id=course.id, series_key=SERIES_KEY, starts_at=starts_at,
                          ends_at=starts_at + timedelta(minutes=minutes), timezone=tz, locale="en",
                          mode=SessionMode.IN_PERSON, address="Valley Community Health, 120 Main St, Fresno, CA",
                          capacity=20, created_by_id=trainer.id)
    db.session.add(session)
    db.session.flush()
    db.session.add(SessionTrainer(session_id=session.id, user_id=trainer.id))
    return session


def _attend(session: LiveSession, user: Any, joined: datetime, left: datetime, source: IntervalSource) -> None:
    db.session.add(Registration(session_id=session.id, user_id=user.id, status=RegistrationStatus.REGISTERED,
                                registered_by_id=user.id))
    db.session.add(AttendanceInterval(session_id=session.id, user_id=user.id, joined_at=joined, left_at=left,
                                      source=source, created_by_id=user.id))
    db.session.flush()
