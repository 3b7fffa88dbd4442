"""How a session that is over came out, for its page: that it took place, and one person's attendance result.

A session has taken place once it is completed (its attendance finalised) or, still scheduled, once its end has
passed. Its page then stops offering joining, seats and registration. A person's result is read from their final
attendance row (see :mod:`lms.live.attendance`): attended (the row completed the module), partly (there, but not long
enough to complete it, or in a session that ran too short to complete anyone's module: :attr:`Outcome.ran_too_short`),
absent or excused; "pending" until the trainer finalises attendance. A completed module stays completed after a
correction that cuts the person's time (or marks them absent): the page then says it was completed when attendance was
recorded (:attr:`Outcome.kept_after_correction`), not that the time now shown completed it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import Enum
from typing import Any

from flask import current_app
from sqlalchemy import select

from lms import db
from lms.live import intervals as spans
from lms.live.attendance_credit import ran_long_enough, shortfall
from lms.live.models import (
    Attendance,
    AttendanceInterval,
    AttendanceStatus,
    LiveSession,
    Registration,
    RegistrationStatus,
    SessionStatus,
)


class Result(Enum):
    ATTENDED = "attended"
    PARTLY = "partly"
    ABSENT = "absent"
    EXCUSED = "excused"
    PENDING = "pending"


@dataclass(frozen=True)
class Outcome:
    """One person's result in a session that is over, and the minutes recorded for them (their training hours)."""

    result: Result
    minutes: int = 0
    #: The module was not completed because the session ended early and ran less than
    #: :data:`lms.live.attendance.MIN_RUN_PERCENT` of its scheduled length, however long the person was there.
    ran_too_short: bool = False
    #: Attended (the module is completed), but the attendance as corrected since no longer meets the rule that
    #: completes it: a correction never takes back a completed module (:mod:`lms.live.attendance`).
    kept_after_correction: bool = False


def has_taken_place(session: LiveSession, now: datetime) -> bool:
    """Completed, or still scheduled with its end passed (a cancelled session never took place)."""
    if session.status is SessionStatus.COMPLETED:
        return True
    return session.status is SessionStatus.SCHEDULED and session.counted_end <= now


def outcome_for(session: LiveSession, user: Any, seat: Registration | None, was_there: bool = False) -> Outcome | None:
    """``user``'s result in a session that took place; None for someone who neither held a seat nor has attendance
    recorded nor came (``was_there``: a walk-in or someone on the waitlist who checked in has no row until the
    trainer finalises; :func:`lms.live.my_sessions.was_there`)."""
    if not getattr(user, "id", None):
        return None
    row = db.session.execute(
        select(Attendance).where(Attendance.session_id == session.id, Attendance.user_id == user.id)
    ).scalar_one_or_none()
    result = judge(session, row, seat, was_there)
    if result is not None and row is not None and result.result is Result.ATTENDED and _no_longer_earns(session, row):
        result = replace(result, kept_after_correction=True)
    return result


def _no_longer_earns(session: LiveSession, row: Attendance) -> bool:
    """Whether the person's counted time and status now fall short of completing the module (after a correction)."""
    times = db.session.execute(select(AttendanceInterval.joined_at, AttendanceInterval.left_at).where(
        AttendanceInterval.session_id == session.id, AttendanceInterval.user_id == row.user_id,
        AttendanceInterval.is_void.is_(False))).all()
    seconds = spans.attended_seconds([(joined, left) for joined, left in times], session.starts_at, session.counted_end)
    return shortfall(session, row.status, seconds, int(current_app.config["LMS_ATTENDANCE_MIN_SHARE"])) is not None


def judge(session: LiveSession, row: Attendance | None, seat: Registration | None,
          was_there: bool = False) -> Outcome | None:
    """:func:`outcome_for` from rows already loaded: the person's attendance row and registration in ``session``
    (either may be None) and whether they came; no query, for lists of many sessions."""
    had_seat = seat is not None and seat.status is RegistrationStatus.REGISTERED
    if row is None and not had_seat:
        # came without a seat: on the roster, so finalising gives them a row; until then not final
        return Outcome(Result.PENDING) if was_there and session.attendance_finalized_at is None else None
    if session.attendance_finalized_at is None:
        return Outcome(Result.PENDING)
    if row is None or row.status is None:  # a seat taken after the roster was final
        return Outcome(Result.ABSENT)
    result = _result(row)
    return Outcome(result, row.minutes, ran_too_short=result is Result.PARTLY and not ran_long_enough(session))


def _result(row: Attendance) -> Result:
    if row.completed_module:
        return Result.ATTENDED
    if row.status is AttendanceStatus.EXCUSED:
        return Result.EXCUSED
    if row.status is AttendanceStatus.ABSENT or row.minutes <= 0:
        return Result.ABSENT
    return Result.PARTLY
