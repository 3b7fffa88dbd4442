"""A trainer's changes to one person's attendance (a status, a time added, a time set aside), before finalising and,
as audited corrections, after it; the rules are in :mod:`lms.live.attendance`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from lms import audit, db
from lms.accounts.models import User
from lms.audit import AuditEvent
from lms.db import is_id
from lms.errors import ConflictError, DomainError, NotFoundError
from lms.i18n import _
from lms.live import attendees
from lms.live.attendance_credit import attendance_row, audit_correction, settle
from lms.live.models import Attendance, AttendanceInterval, AttendanceStatus, IntervalSource, LiveSession, SessionStatus
from lms.live.roster import Roster, RosterLine
from lms.reasons import required_reason
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
    if session.status is SessionStatus.CANCELLED:
        raise DomainError(_("This session was cancelled."))
    reason = (required_reason(reason, _("Attendance is final: give a reason for this correction."))
              if final else (reason or "").strip())
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


@dataclass(frozen=True)
class RosterChoice:
    """One row of the roster as sent: the status chosen (None: "Not set") and the one the page showed when it was
    opened (``shown``). A row whose ``shown`` is unknown (``has_shown`` false: a page from before the roster sent it)
    is compared with the database instead."""

    status: AttendanceStatus | None
    shown: AttendanceStatus | None = None
    has_shown: bool = True

    @property
    def is_changed(self) -> bool:
        return not self.has_shown or self.status is not self.shown


@dataclass(frozen=True)
class StaleRow:
    """A row changed on the roster whose status someone else changed since the page was opened: not applied."""

    user: User
    shown: AttendanceStatus | None
    now: AttendanceStatus | None
    by: str = ""

    @property
    def text(self) -> str:
        now = self.now.title if self.now else _("Not set")
        if self.by:
            return _("%(name)s: not saved. %(by)s changed their status since you opened this page: it is now "
                     "%(status)s. Choose again and save if it still needs changing.",
                     name=self.user.name, by=self.by, status=now)
        return _("%(name)s: not saved. Their status was changed by someone else since you opened this page: it is "
                 "now %(status)s. Choose again and save if it still needs changing.", name=self.user.name, status=now)


@dataclass
class StatusesSaved:
    """What :func:`set_statuses` did: how many statuses it changed, and the rows it left alone as stale."""

    changed: int = 0
    stale: list[StaleRow] = field(default_factory=list)


def _changed_by(row: Attendance | None) -> str:
    """The name of whoever last changed this attendance row by hand (from the audit log), or ""."""
    if row is None or row.id is None:
        return ""
    actor_id = db.session.execute(
        select(AuditEvent.actor_id)
        .where(AuditEvent.object_type == "Attendance", AuditEvent.object_id == row.id,
               AuditEvent.action.in_(("live.attendance_changed", "live.attendance_corrected")))
        .order_by(AuditEvent.id.desc()).limit(1)
    ).scalar()
    user = db.session.get(User, actor_id) if actor_id else None
    return user.name if user else ""


def set_statuses(
    session: LiveSession,
    roster: Roster,
    wanted: Mapping[int, AttendanceStatus | RosterChoice],
    actor: Any,
    now: datetime,
    min_share: int,
    reason: str = "",
    *,
    skip_stale: bool = False,
) -> StatusesSaved:
    """Set the statuses changed on the roster (people not on it are ignored). Only rows whose chosen status differs
    from the one the page showed are written. A changed row whose status someone else changed meanwhile is stale:
    with ``skip_stale`` it is left alone and returned (the others are applied), else nothing is applied
    (:class:`ConflictError` naming them). A saved status cannot be cleared ("Not set" is offered only while none is
    saved): finalising marks people without a status from their minutes, so clearing one would silently let it
    decide instead of the trainer."""
    done, (stale, todo) = StatusesSaved(), _sort_rows(roster, wanted)
    done.stale = [StaleRow(line.user, shown, line.status, _changed_by(line.attendance)) for line, shown in stale]
    for line, status in todo:
        if status is None:
            raise DomainError(_("%(name)s: a saved status cannot be cleared. Choose another status.",
                                name=line.user.name))
    if done.stale and not skip_stale:
        raise ConflictError(" ".join(row.text for row in done.stale), stale=[row.user.id for row in done.stale])
    for line, status in todo:
        change_attendance(session, line.user, Change(status=status), actor, now, min_share, reason)
        done.changed += 1
    return done


def is_correction(roster: Roster, wanted: Mapping[int, AttendanceStatus | RosterChoice]) -> bool:
    """Whether saving ``wanted`` on ``roster`` (as :func:`set_statuses` does) would change a status of final
    attendance: a correction, which needs a reason. A save that changes nothing, or only rows someone else changed
    meanwhile (left alone), needs none; nor does one that clears a status, which is refused for that."""
    todo = _sort_rows(roster, wanted)[1]
    return roster.is_final and bool(todo) and all(status is not None for _line, status in todo)


_Rows = list[tuple[RosterLine, AttendanceStatus | None]]


def _sort_rows(roster: Roster, wanted: Mapping[int, AttendanceStatus | RosterChoice]) -> tuple[_Rows, _Rows]:
    """The rows of ``roster`` that ``wanted`` changes, in roster order: the stale ones (someone else changed their
    status since the page showed it), each with the status the page showed, and the others, each with the status
    chosen (None: "Not set", which cannot be saved)."""
    choices = {uid: c if isinstance(c, RosterChoice) else RosterChoice(c, has_shown=False) for uid, c in wanted.items()}
    stale: _Rows = []
    todo: _Rows = []
    for line in roster.lines:
        choice = choices.get(line.user.id)
        if choice is None or not choice.is_changed or (not choice.has_shown and choice.status in (None, line.status)):
            continue
        if choice.has_shown and line.status is not choice.shown:
            stale.append((line, choice.shown))
        else:
            todo.append((line, choice.status))
    return stale, todo
