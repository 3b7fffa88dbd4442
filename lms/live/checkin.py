"""Self-service presence: check-in with the code the trainer shows, check-out, and the Join button of online sessions.

Each records an :class:`AttendanceInterval` for the signed-in person only. Nothing here ever double-counts: a
second check-in while one is open reuses it, and minutes are computed from the union of intervals anyway
(:mod:`lms.live.intervals`). The window is the session from ``grace`` before its start to ``grace`` after its end.
The session's own trainers record nothing here: hosting is not attending (the Join button still takes them, and
other trainers without a seat, to the meeting).

A code keeps naming its session after the session is finalised or cancelled, so typing it then says so instead of
"not right" (new codes are unique only among scheduled sessions; the session nearest in time wins).
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
from lms.live.roster import is_session_host

#: Letters and digits nobody confuses when read from a screen at the back of a room (no 0/O/Q, 1/I/L, 2/Z, 5/S, 8/B).
ALPHABET = "ACDEFGHJKMNPRTUVWXY34679"
CODE_LENGTH = 6


def normalize_code(raw: str) -> str:
    """What the person typed, as stored: capitals, without spaces or dashes."""
    return "".join(ch for ch in (raw or "").upper() if ch.isalnum())


class NotOpenError(DomainError):
    """Check-in or joining is not possible at this moment (before or after the window, the session cancelled, its
    attendance closed, or no check-in code made yet). ``details``: ``reason`` (``cancelled``, ``closed``, ``window``
    or ``no_code``), ``action`` (``check_in`` or ``join``), ``session_id``, and ``opens_at`` and ``closes_at`` (the
    window), so a page can say when it opens."""


class WrongCodeError(DomainError):
    """No session has the code typed: a wrong guess (a code of the wrong length is a plain :class:`DomainError`, a
    typo that could never be right, so it does not count towards the check-in rate limits)."""


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
            select(LiveSession.id).where(LiveSession.checkin_code == code, LiveSession.status == SessionStatus.SCHEDULED)
        ).first()
        if not taken:
            break
    session.checkin_code = code
    audit.record("live.checkin_code_created", session, actor)
    db.session.flush()
    return code


def find_session_by_code(raw: str, now: datetime, grace: timedelta) -> LiveSession:
    """The session whose check-in is open now for this code; a :class:`DomainError` says why not (a
    :class:`NotOpenError` when the code is right but its session's check-in is not open: not yet, over, finalised or
    cancelled)."""
    code = normalize_code(raw)
    if len(code) != CODE_LENGTH:
        raise DomainError(_("A check-in code has %(num)d letters and digits.", num=CODE_LENGTH))
    sessions = (
        db.session.execute(
            select(LiveSession)
            .where(LiveSession.checkin_code == code)
            .order_by(LiveSession.starts_at.desc(), LiveSession.id.desc())
            .limit(10)
        )
        .scalars()
        .all()
    )
    if not sessions:
        raise WrongCodeError(_("That code is not right. Check it on the trainer's screen and try again."))
    reasons = []
    for session in sessions:
        reason = _why_not_open(session, now, grace, "check_in")
        if reason is None:
            return session
        reasons.append((_distance(session, now, grace), reason))
    raise min(reasons, key=lambda pair: pair[0])[1]  # the session nearest in time: the one the person most likely means


def _distance(session: LiveSession, now: datetime, grace: timedelta) -> timedelta:
    opens, closes = window(session, grace)
    return max(opens - now, now - closes, timedelta(0))


def _intervals(session: LiveSession, user: Any):
    """The person's intervals in a session that were not voided, oldest first."""
    return (
        select(AttendanceInterval)
        .where(
            AttendanceInterval.session_id == session.id,
            AttendanceInterval.user_id == user.id,
            AttendanceInterval.is_void.is_(False),
        )
        .order_by(AttendanceInterval.joined_at, AttendanceInterval.id)
    )


def open_intervals(session: LiveSession, user: Any) -> list[AttendanceInterval]:
    return list(db.session.scalars(_intervals(session, user).where(AttendanceInterval.left_at.is_(None))))


def list_my_intervals(session: LiveSession, user: Any) -> list[AttendanceInterval]:
    """The person's own (not voided) intervals in a session, oldest first."""
    return list(db.session.scalars(_intervals(session, user)))


def is_recording_open(session: LiveSession, now: datetime, grace: timedelta) -> bool:
    """Whether the Join button works now (the session page shows the button only then)."""
    return session.status is SessionStatus.SCHEDULED and session.attendance_finalized_at is None and in_window(session, now, grace)


def is_checkin_open(session: LiveSession, now: datetime, grace: timedelta) -> bool:
    """Whether someone in the room could check in now: as for joining, and the trainer has made a code to type."""
    return is_recording_open(session, now, grace) and bool(session.checkin_code)


def require_checkin_open(session: LiveSession, now: datetime, grace: timedelta) -> None:
    """Raise :class:`NotOpenError` saying why nobody can check in to ``session`` now (see :func:`is_checkin_open`)."""
    error = _why_not_open(session, now, grace, "check_in")
    if error is None and not session.checkin_code:
        error = NotOpenError(
            _("Your trainer has not made the check-in code yet. Check in when they show it in the room."),
            reason="no_code",
            action="check_in",
            session_id=session.id,
            **_window_details(session, grace),
        )
    if error is not None:
        raise error


def _window_details(session: LiveSession, grace: timedelta) -> dict[str, datetime]:
    opens, closes = window(session, grace)
    return {"opens_at": opens, "closes_at": closes}


def _why_not_open(session: LiveSession, now: datetime, grace: timedelta, action: str) -> NotOpenError | None:
    details = {"session_id": session.id, "action": action, **_window_details(session, grace)}
    if session.status is SessionStatus.CANCELLED:
        return NotOpenError(_("This session was cancelled."), reason="cancelled", **details)
    if session.attendance_finalized_at is not None:
        return NotOpenError(_("The trainer has already closed attendance for this session."), reason="closed", **details)
    if not in_window(session, now, grace):
        return NotOpenError(window_text(grace), reason="window", **details)
    return None


def window_text(grace: timedelta) -> str:
    """That a session is not open now and when sessions are (says nothing about which session)."""
    return _(
        "This session is not open now. You can check in or join from %(num)d minutes before it "
        "starts until %(num)d minutes after it ends.",
        num=int(grace.total_seconds() // 60),
    )


def _check_recording(session: LiveSession, now: datetime, grace: timedelta, action: str) -> None:
    error = _why_not_open(session, now, grace, action)
    if error is not None:
        raise error


def _start(session: LiveSession, user: Any, now: datetime, source: IntervalSource) -> AttendanceInterval:
    current = open_intervals(session, user)
    if current:
        return current[0]
    interval = AttendanceInterval(
        session_id=session.id, user_id=user.id, joined_at=now, left_at=None, source=source, created_by_id=user.id
    )
    db.session.add(interval)
    db.session.flush()
    return interval


def check_in(session: LiveSession, user: Any, now: datetime, grace: timedelta) -> AttendanceInterval:
    """Record that ``user`` is here from ``now`` (idempotent while checked in). Walk-ins who did not register may
    check in too: the code proves they are in the room, and the trainer sees them on the roster as walk-ins. The
    session's own trainers cannot: hosting is not attending."""
    _check_recording(session, now, grace, "check_in")
    if is_session_host(session, user):
        raise DomainError(_("You are a trainer of this session: hosting is not attending, so trainers do not check in."))
    return _start(session, user, now, IntervalSource.CHECK_IN)


#: A check-out this soon after checking in is only done when confirmed: on a phone, a second tap on "Check in" lands
#: on the "Check out" button of the page that follows it.
CONFIRM_CHECK_OUT_WITHIN = timedelta(minutes=2)


def check_out_needs_confirmation(intervals: list[AttendanceInterval], now: datetime) -> bool:
    """Whether checking out now needs the person's confirmation: one of their open ``intervals`` began less than
    :data:`CONFIRM_CHECK_OUT_WITHIN` ago."""
    return any(i.left_at is None and now - i.joined_at < CONFIRM_CHECK_OUT_WITHIN for i in intervals)


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
    return (
        db.session.execute(
            select(Registration.id).where(
                Registration.session_id == session.id,
                Registration.user_id == user.id,
                Registration.status == RegistrationStatus.REGISTERED,
            )
        ).first()
        is not None
    )


def meeting_link(session: LiveSession) -> str:
    """The session's online meeting link, or a :class:`DomainError` when it has none to join."""
    if session.mode is SessionMode.IN_PERSON or not (session.join_url or "").startswith(("https://", "http://")):
        raise DomainError(_("This session has no online meeting to join."))
    return session.join_url


class NotRegisteredError(DomainError):
    """Joining needs a seat: for anyone without one (and no trainer) there is nothing to join."""


def _check_joining(session: LiveSession, user: Any, now: datetime, grace: timedelta) -> tuple[str, bool]:
    """The meeting link, if ``user`` may join ``session`` now, and whether their time is recorded; else the error
    that says why. Trainers record nothing (hosting is not attending) and go to the meeting at any time, as the
    session page shows them its link: the session's own trainers, seat or not, and site trainers without a seat."""
    link = meeting_link(session)
    if is_session_host(session, user):
        return link, False
    if not is_registered(session, user):
        if getattr(user, "is_trainer", False):
            return link, False
        raise NotRegisteredError(_("Only people registered for this session can join it."))
    _check_recording(session, now, grace, "join")
    return link, True


def join_online(session: LiveSession, user: Any, now: datetime, grace: timedelta) -> str:
    """Record the join time of a trainee with a seat and return the meeting link to send them to (a trainer just
    gets the link: :func:`_check_joining`)."""
    link, records = _check_joining(session, user, now, grace)
    if records:
        _start(session, user, now, IntervalSource.JOIN_BUTTON)
    return link


def joined_meeting(session: LiveSession, user: Any, now: datetime, grace: timedelta) -> tuple[str, datetime | None] | None:
    """For the page that opens the meeting after :func:`join_online`, recording nothing: the meeting link and since
    when ``user``'s time counts there (None for a trainer, who records nothing). Time before the start is not
    counted (:mod:`lms.live.intervals` clips to the session), so someone who joined early counts from the start.
    Raises as :func:`join_online` does when they may not join now; None when they may but have not (no open
    interval), so the page never takes anyone to the meeting without their time recorded."""
    link, records = _check_joining(session, user, now, grace)
    if not records:
        return link, None
    current = open_intervals(session, user)
    if not current:
        return None
    return link, max(min(interval.joined_at for interval in current), session.starts_at)
