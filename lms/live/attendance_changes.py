"""A trainer's changes to one person's attendance (a status, a time added, a time set aside), before finalising and,
as audited corrections, after it; the rules are in :mod:`lms.live.attendance`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from lms import audit, db
from lms.accounts.models import User
from lms.db import is_id
from lms.errors import DomainError, NotFoundError
from lms.i18n import _
from lms.live import attendees
from lms.live.attendance_credit import attendance_row, audit_correction, settle
from lms.live.models import Attendance, AttendanceInterval, AttendanceStatus, IntervalSource, LiveSession, SessionStatus
from lms.live.roster import Roster
from lms.signals import attendance_finalized

#: How far outside the session a trainer-entered time may lie (a wrong date is more likely than a 12-hour stay).
SANITY = timedelta(hours=12)
#: Clocks disagree a little: a leave time this far after "now" is taken as now-ish, not as the future.
CLOCK_SKEW = timedelta(minutes=2)


@dataclass(frozen=True)
class Change:
    """What a trainer changes for one person: a status, a new interval, an interval to void (or all three)."""

    status: AttendanceStatus | None = None
    joined_at: datetime | None = None
    left_at: datetime | None = None
    void_interval_id: int | None = None

    @property
    def is_empty(self) -> bool:
        return self.status is None and self.joined_at is None and self.void_interval_id is None


def _check_times(session: LiveSession, joined: datetime, left: datetime | None, final: bool, now: datetime) -> None:
    if (left or joined) > now + CLOCK_SKEW:
        raise DomainError(_("These times are in the future. Attendance records only time that has passed."))
    if left is None and final:
        raise DomainError(_("Attendance is final: give both the join and the leave time."))
    if left is not None and left <= joined:
        raise DomainError(_("The leave time must be after the join time."))
    if joined < session.starts_at - SANITY or (left or joined) > session.ends_at + SANITY:
        raise DomainError(_("These times are not on the day of the session. Check the date."))


def _void(session: LiveSession, user: User, interval_id: int) -> AttendanceInterval:
    interval = db.session.get(AttendanceInterval, interval_id) if is_id(interval_id) else None
    if interval is None or interval.session_id != session.id or interval.user_id != user.id or interval.is_void:
        raise NotFoundError(_("No such attendance time."))
    interval.is_void = True
    return interval


def _apply(session: LiveSession, user: User, change: Change, actor: Any, final: bool, now: datetime) -> dict[str, Any]:
    """Apply the interval part of a change; returns what changed, for the audit row."""
    done: dict[str, Any] = {}
    if change.void_interval_id is not None:
        old = _void(session, user, change.void_interval_id)
        done["voided"] = {
            "id": old.id,
            "joined_at": old.joined_at.isoformat(),
            "left_at": old.left_at.isoformat() if old.left_at else None,
        }
    if change.joined_at is not None:
        _check_times(session, change.joined_at, change.left_at, final, now)
        new = AttendanceInterval(
            session_id=session.id,
            user_id=user.id,
            joined_at=change.joined_at,
            left_at=change.left_at,
            source=IntervalSource.TRAINER,
            created_by_id=getattr(actor, "id", None),
        )
        db.session.add(new)
        db.session.flush()
        done["added"] = {
            "id": new.id,
            "joined_at": new.joined_at.isoformat(),
            "left_at": new.left_at.isoformat() if new.left_at else None,
        }
    return done


def change_attendance(
    session: LiveSession, user: User, change: Change, actor: Any, now: datetime, min_share: int, reason: str = ""
) -> Attendance:
    """A trainer sets a status and/or adds or voids an interval for one person. Once attendance is final this is a
    correction: ``reason`` is required and the change is audited and re-signalled."""
    final = session.attendance_finalized_at is not None
    reason = (reason or "").strip()
    if session.status is SessionStatus.CANCELLED:
        raise DomainError(_("This session was cancelled."))
    if final and not reason:
        raise DomainError(_("Attendance is final: give a reason for this correction."))
    if change.is_empty:
        raise DomainError(_("Nothing to change."))
    if change.status in (AttendanceStatus.PRESENT, AttendanceStatus.LATE) and now < session.starts_at:
        raise DomainError(_("The session has not started yet: nobody can be marked present or late before it does."))
    attendees.require_attendee(session, user, actor)
    row = attendance_row(session, user)
    old_minutes, old_status = row.minutes, row.status
    done = _apply(session, user, change, actor, final, now)
    if change.status is not None:
        row.status = change.status
    row.updated_at = now
    if not final:
        audit.record("live.attendance_changed", row, actor, session_id=session.id, user_id=user.id, status=row.status, **done)
        db.session.flush()
        return row
    settle(session, user, row, actor, now, min_share)
    audit_correction(row, actor, reason, session, user, old_minutes, old_status, **done)
    db.session.flush()
    if (old_minutes, old_status) != (row.minutes, row.status):
        attendance_finalized.send(row, session=session, correction=True, actor=actor)
    return row


def set_statuses(
    session: LiveSession,
    roster: Roster,
    wanted: dict[int, AttendanceStatus],
    actor: Any,
    now: datetime,
    min_share: int,
    reason: str = "",
) -> int:
    """Set the statuses chosen on the roster (people not on it are ignored); returns how many changed."""
    changed = 0
    for line in roster.lines:
        status = wanted.get(line.user.id)
        if status is not None and status is not line.status:
            change_attendance(session, line.user, Change(status=status), actor, now, min_share, reason)
            changed += 1
    return changed
