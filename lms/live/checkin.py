"""Self-service presence: check-in with the code the trainer shows, check-out, and the Join button of online sessions.

Each records an :class:`AttendanceInterval` for the signed-in person only. Nothing here ever double-counts: a
second check-in while one is open reuses it, and minutes are computed from the union of intervals anyway
(:mod:`lms.live.intervals`). The window is the session from ``grace`` before its start to ``grace`` after its end.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from lms import audit, db
from lms.errors import DomainError
from lms.i18n import _
from lms.live.models import (
    AttendanceInterval,
    IntervalSource,
    LiveSession,
    Registration,
    RegistrationStatus,
    SessionMode,
    SessionStatus,
)

#: Letters and digits nobody confuses when read from a screen at the back of a room (no 0/O/Q, 1/I/L, 2/Z, 5/S, 8/B).
ALPHABET = "ACDEFGHJKMNPRTUVWXY34679"
CODE_LENGTH = 6


def normalize_code(raw: str) -> str:
    """What the person typed, as stored: capitals, without spaces or dashes."""
    return "".join(ch for ch in (raw or "").upper() if ch.isalnum())


class NotOpenError(DomainError):
    """Check-in or joining is not possible at this moment (before or after the window, the session cancelled, or its
    attendance closed). ``details``: ``reason`` (``cancelled``, ``closed`` or ``window``), ``session_id``, and
    ``opens_at`` and ``closes_at`` (the window), so a page can say when it opens."""


def window(session: LiveSession, grace: timedelta) -> tuple[datetime, datetime]:
    return session.starts_at - grace, session.ends_at + grace


def in_window(session: LiveSession, now: datetime, grace: timedelta) -> bool:
    opens, closes = window(session, grace)
    return opens <= now <= closes


def new_code(session: LiveSession, actor: Any) -> str:
    """Give the session a fresh check-in code (the old one stops working), unique among scheduled sessions."""
    if session.status is not SessionStatus.SCHEDULED or session.attendance_finalized_at is not None:
        raise DomainError(_("Check-in is closed for this session."))
    for _attempt in range(20):
        code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
        taken = db.session.execute(
            select(LiveSession.id).where(LiveSession.checkin_code == code,
                                         LiveSession.status == SessionStatus.SCHEDULED)
        ).first()
        if not taken:
            break
    session.checkin_code = code
    audit.record("live.checkin_code_created", session, actor)
    db.session.flush()
    return code


def find_session_by_code(raw: str, now: datetime, grace: timedelta) -> LiveSession:
    """The session whose check-in is open now for this code; a :class:`DomainError` says why not."""
    code = normalize_code(raw)
    if len(code) != CODE_LENGTH:
        raise DomainError(_("A check-in code has %(num)d letters and digits.", num=CODE_LENGTH))
    sessions = db.session.execute(
        select(LiveSession).where(LiveSession.checkin_code == code, LiveSession.status == SessionStatus.SCHEDULED)
        .order_by(LiveSession.starts_at.desc()).limit(10)
    ).scalars().all()
    if not sessions:
        raise DomainError(_("That code is not right. Check it on the trainer's screen and try again."))
    for session in sessions:
        if in_window(session, now, grace) and session.attendance_finalized_at is None:
            return session
    raise DomainError(_("Check-in with this code is not open now. It opens %(num)d minutes before the session "
                        "starts and closes %(num)d minutes after it ends.", num=int(grace.total_seconds() // 60)))


def open_intervals(session: LiveSession, user: Any) -> list[AttendanceInterval]:
    return list(db.session.execute(
        select(AttendanceInterval).where(
            AttendanceInterval.session_id == session.id, AttendanceInterval.user_id == user.id,
            AttendanceInterval.left_at.is_(None), AttendanceInterval.is_void.is_(False),
        ).order_by(AttendanceInterval.joined_at)
    ).scalars())


def list_my_intervals(session: LiveSession, user: Any) -> list[AttendanceInterval]:
    """The person's own (not voided) intervals in a session, oldest first."""
    return list(db.session.execute(
        select(AttendanceInterval).where(
            AttendanceInterval.session_id == session.id, AttendanceInterval.user_id == user.id,
            AttendanceInterval.is_void.is_(False),
        ).order_by(AttendanceInterval.joined_at, AttendanceInterval.id)
    ).scalars())


def is_recording_open(session: LiveSession, now: datetime, grace: timedelta) -> bool:
    """Whether check-in and the Join button work now (the session page shows the button only then)."""
    return (session.status is SessionStatus.SCHEDULED and session.attendance_finalized_at is None
            and in_window(session, now, grace))


def _check_recording(session: LiveSession, now: datetime, grace: timedelta) -> None:
    opens, closes = window(session, grace)
    details = {"session_id": session.id, "opens_at": opens, "closes_at": closes}
    if session.status is SessionStatus.CANCELLED:
        raise NotOpenError(_("This session was cancelled."), reason="cancelled", **details)
    if session.attendance_finalized_at is not None:
        raise NotOpenError(_("The trainer has already closed attendance for this session."), reason="closed",
                           **details)
    if not in_window(session, now, grace):
        raise NotOpenError(_("This session is not open now. You can check in or join from %(num)d minutes before it "
                             "starts until %(num)d minutes after it ends.", num=int(grace.total_seconds() // 60)),
                           reason="window", **details)


def _start(session: LiveSession, user: Any, now: datetime, source: IntervalSource) -> AttendanceInterval:
    current = open_intervals(session, user)
    if current:
        return current[0]
    interval = AttendanceInterval(session_id=session.id, user_id=user.id, joined_at=now, left_at=None,
                                  source=source, created_by_id=user.id)
    db.session.add(interval)
    db.session.flush()
    return interval


def check_in(session: LiveSession, user: Any, now: datetime, grace: timedelta) -> AttendanceInterval:
    """Record that ``user`` is here from ``now`` (idempotent while checked in). Walk-ins who did not register may
    check in too: the code proves they are in the room, and the trainer sees them on the roster as walk-ins."""
    _check_recording(session, now, grace)
    return _start(session, user, now, IntervalSource.CHECK_IN)


def check_out(session: LiveSession, user: Any, now: datetime) -> list[AttendanceInterval]:
    """Close the person's open intervals at ``now``."""
    if session.attendance_finalized_at is not None:
        raise DomainError(_("The trainer has already closed attendance for this session."))
    current = open_intervals(session, user)
    if not current:
        raise DomainError(_("You are not checked in to this session."))
    for interval in current:
        interval.left_at = max(now, interval.joined_at)
    db.session.flush()
    return current


def is_registered(session: LiveSession, user: Any) -> bool:
    return db.session.execute(
        select(Registration.id).where(Registration.session_id == session.id, Registration.user_id == user.id,
                                      Registration.status == RegistrationStatus.REGISTERED)
    ).first() is not None


def join_online(session: LiveSession, user: Any, now: datetime, grace: timedelta) -> str:
    """Record the join time of a registered trainee and return the meeting link to send them to."""
    if session.mode is SessionMode.IN_PERSON or not (session.join_url or "").startswith(("https://", "http://")):
        raise DomainError(_("This session has no online meeting to join."))
    if not is_registered(session, user):
        raise DomainError(_("Only people registered for this session can join it."))
    _check_recording(session, now, grace)
    _start(session, user, now, IntervalSource.JOIN_BUTTON)
    return session.join_url
