"""Attendance of live sessions: a trainer's changes, finalisation and audited corrections (the roster itself and
who may see it are in :mod:`lms.live.roster`).

Rules:
- Minutes are the union of a person's (not voided) intervals clipped to the session window
  (:mod:`lms.live.intervals`); intervals are never deleted, a change voids one (``is_void``) and adds another.
- Only for people linked to the session, never its own trainers nor oneself (:mod:`lms.live.attendees`).
- Finalising closes open intervals at the end (or now, if earlier), stores minutes and a status per person (absent
  when there is no time and no status, present when there is time and no status), completes the live module for
  those present or late for at least ``min_share`` percent of the session, marks the session completed and sends
  ``attendance-finalized`` once per person (``correction=False``). The status change goes through
  :func:`lms.live.scheduling.complete_session` (the one guarded transition). The session's own trainers are left
  out (hosting is not attending).
- A session that ended early is finalised with the time it really ended (``ended_early_at``, audited): minutes and
  shares are then measured against the time it ran, not the scheduled length (:attr:`LiveSession.counted_end`). One
  that ran less than ``MIN_RUN_PERCENT`` of its scheduled length completes nobody's module (the module credits its
  full minutes on certificates; a class stopped after minutes, or a mistyped end time, did not deliver it); the
  minutes attended still count as paid hours.
- After that every change is a correction: a reason is required, an audit row keeps who, when, why and the old and
  new minutes and status, ``attendance-finalized`` is sent again with ``correction=True`` (and the ``actor``) when
  minutes or status changed, and the module is completed if the share is now reached.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from lms import audit, db
from lms.accounts.models import User
from lms.catalog.models import Course, Module
from lms.db import is_id
from lms.enrollment import services as enrollment_services
from lms.errors import ConflictError, DomainError, NotFoundError
from lms.i18n import _
from lms.live import attendees, scheduling
from lms.live import intervals as spans
from lms.live.models import (
    Attendance,
    AttendanceInterval,
    AttendanceStatus,
    IntervalSource,
    LiveSession,
    SessionStatus,
)
from lms.live.roster import Roster, RosterLine, load_roster, seconds_of
from lms.signals import attendance_finalized

#: Statuses that can complete the live module (given enough minutes).
ATTENDED = {AttendanceStatus.PRESENT, AttendanceStatus.LATE}
#: How far outside the session a trainer-entered time may lie (a wrong date is more likely than a 12-hour stay).
SANITY = timedelta(hours=12)


# ---------------------------------------------------------------- changes and corrections


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


def _attendance_row(session: LiveSession, user: User) -> Attendance:
    row = db.session.execute(
        select(Attendance).where(Attendance.session_id == session.id, Attendance.user_id == user.id)
    ).scalar_one_or_none()
    if row is not None:
        return row
    row = Attendance(session_id=session.id, user_id=user.id, minutes=0)
    db.session.add(row)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:  # another trainer's request created it first
        return db.session.execute(
            select(Attendance).where(Attendance.session_id == session.id, Attendance.user_id == user.id)
        ).scalar_one()
    return row


#: Clocks disagree a little: a leave time this far after "now" is taken as now-ish, not as the future.
CLOCK_SKEW = timedelta(minutes=2)


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
    row = _attendance_row(session, user)
    old_minutes, old_status = row.minutes, row.status
    done = _apply(session, user, change, actor, final, now)
    if change.status is not None:
        row.status = change.status
    row.updated_at = now
    if not final:
        audit.record("live.attendance_changed", row, actor, session_id=session.id, user_id=user.id, status=row.status, **done)
        db.session.flush()
        return row
    _settle(session, user, row, actor, now, min_share)
    _audit_correction(row, actor, reason, session, user, old_minutes, old_status, **done)
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


def _settle(session: LiveSession, user: User, row: Attendance, actor: Any, now: datetime, min_share: int) -> None:
    """Recompute a final row's minutes from its intervals, fill in the status, complete the module if earned."""
    own = list(
        db.session.execute(
            select(AttendanceInterval).where(AttendanceInterval.session_id == session.id, AttendanceInterval.user_id == user.id)
        ).scalars()
    )
    seconds = seconds_of(session, own, now)
    row.minutes = seconds // 60
    if row.status is None:
        row.status = AttendanceStatus.PRESENT if seconds else AttendanceStatus.ABSENT
    earned = (row.status in ATTENDED and ran_long_enough(session)
              and spans.reaches_share(seconds, session.starts_at, session.counted_end, min_share))
    if earned and not row.completed_module:
        row.completed_module = _complete_module(session, user, seconds, actor)


def _complete_module(session: LiveSession, user: User, seconds: int, actor: Any) -> bool:
    """Complete the session's module in the person's enrolment (enrolling them only if they asked for the session
    themselves: :func:`lms.live.attendees.enrollment_for_completion`)."""
    course = db.session.get(Course, session.course_id)
    module = db.session.get(Module, session.module_id)
    if course is None or module is None:
        return False
    enrollment = attendees.enrollment_for_completion(session, user, course, actor)
    if enrollment is None:
        return False
    enrollment_services.complete_module(enrollment, module, "live", seconds)
    return True


# ---------------------------------------------------------------- finalising


def close_open_intervals(session: LiveSession, now: datetime) -> None:
    stop = min(now, session.counted_end)
    for interval in db.session.execute(
        select(AttendanceInterval).where(
            AttendanceInterval.session_id == session.id, AttendanceInterval.left_at.is_(None), AttendanceInterval.is_void.is_(False)
        )
    ).scalars():
        interval.left_at = max(stop, interval.joined_at)


def finalize(
    session: LiveSession,
    actor: Any,
    now: datetime,
    min_share: int,
    *,
    early: bool = False,
    ended_at: datetime | None = None,
    statuses: Mapping[int, AttendanceStatus] | None = None,
) -> list[Attendance]:
    """Fix minutes and statuses for everyone on the roster and complete the session (see the module docstring).

    ``early=True`` means the trainer confirmed that the session ended early, at ``ended_at`` (None: now); it is
    required before the scheduled end. Check-ins then count until that time, each person's share is measured against
    the time the session ran (start to that time), and check-in closes for the rest of the scheduled time.

    ``statuses`` are the ones chosen on the roster when the trainer finalised (user id → status): they are set first,
    as "Save statuses" sets them (:func:`set_statuses`, each change audited), in the same transaction, so what the
    page showed is what becomes final; any refusal leaves everything as it was."""
    db.lock_row(session)  # serialise finalisations of one session
    if session.status is SessionStatus.CANCELLED:
        raise DomainError(_("This session was cancelled."))
    if session.attendance_finalized_at is not None:
        raise ConflictError(_("Attendance for this session is already final."))
    if now < session.starts_at:
        raise DomainError(_("You can finalise attendance once the session has started."))
    session.ended_early_at = early_end(session, now, early, ended_at)
    if statuses:
        set_statuses(session, load_roster(session, now), dict(statuses), actor, now, min_share)
    close_open_intervals(session, now)
    db.session.flush()
    rows = []
    for line in load_roster(session, now).lines:
        if not line.is_host:  # hosting is not attending
            rows.append(_final_row(session, line, actor, now, min_share))
    session.attendance_finalized_at, session.finalized_by_id = now, getattr(actor, "id", None)
    scheduling.complete_session(session, actor, now)  # the one guarded transition of a session's status
    audit.record(
        "live.attendance_finalized",
        session,
        actor,
        people=len(rows),
        completed=sum(1 for r in rows if r.completed_module),
        ended_early_at=session.ended_early_at,
        scheduled_ends_at=session.ends_at,
    )
    db.session.flush()
    for row in rows:
        attendance_finalized.send(row, session=session, correction=False)
    return rows


#: The share of its scheduled length a session must have run for attending it to complete the live module.
MIN_RUN_PERCENT = 50


def ran_long_enough(session: LiveSession) -> bool:
    """Whether the session ran at least ``MIN_RUN_PERCENT`` of its scheduled length (always, if it did not end early)."""
    return spans.reaches_share(spans.window_seconds(session.starts_at, session.counted_end), session.starts_at,
                               session.ends_at, MIN_RUN_PERCENT)


def early_end(session: LiveSession, now: datetime, early: bool, ended_at: datetime | None) -> datetime | None:
    """When a session being finalised really ended, if it ended early (None: it ran to its scheduled end)."""
    if not early and ended_at is not None:
        raise DomainError(_("To finalise with the time the session ended, tick “The session ended early”."), field="early")
    if not early:
        if now < session.ends_at:
            raise DomainError(
                _("The session is scheduled to go on. To finalise now, confirm that it ended early: check-ins then count until now."),
                field="early",
            )
        return None
    # Now, in whole minutes after the start: stored minutes are whole, so someone there throughout keeps 100%.
    end = ended_at or session.starts_at + timedelta(minutes=(now - session.starts_at) // timedelta(minutes=1))
    if ended_at is None and now >= session.ends_at:
        raise DomainError(_("Give the time the session ended."), field="ended_at")
    if end <= session.starts_at:
        raise DomainError(_("The time the session ended must be after its start."), field="ended_at")
    if end > now:
        raise DomainError(_("The time the session ended cannot be in the future."), field="ended_at")
    if end >= session.ends_at:
        raise DomainError(
            _("That is not before the scheduled end: give an earlier time, or untick “The session ended early”."), field="ended_at"
        )
    return end


def _final_row(session: LiveSession, line: RosterLine, actor: Any, now: datetime, min_share: int) -> Attendance:
    row = line.attendance or _attendance_row(session, line.user)
    row.minutes, row.updated_at = line.minutes, now
    if row.status is None:
        row.status = AttendanceStatus.PRESENT if line.seconds else AttendanceStatus.ABSENT
    earned = (row.status in ATTENDED and ran_long_enough(session)
              and spans.reaches_share(line.seconds, session.starts_at, session.counted_end, min_share))
    row.completed_module = earned and _complete_module(session, line.user, line.seconds, actor)
    return row


def final_minutes_changed(
    session: LiveSession, users: list[User], actor: Any, now: datetime, min_share: int, reason: str, action: str, **data: Any
) -> None:
    """After intervals were added to a final session in bulk (a report import): correct each person's row."""
    for user in users:
        row = _attendance_row(session, user)
        old_minutes, old_status = row.minutes, row.status
        _settle(session, user, row, actor, now, min_share)
        row.updated_at = now
        _audit_correction(row, actor, reason, session, user, old_minutes, old_status, via=action, **data)
        db.session.flush()
        if (old_minutes, old_status) != (row.minutes, row.status):
            attendance_finalized.send(row, session=session, correction=True, actor=actor)


def _audit_correction(row: Attendance, actor: Any, reason: str, session: LiveSession, user: User, old_minutes: int,
                      old_status: Any, **data: Any) -> None:
    """One ``live.attendance_corrected`` row: who, why, and the minutes and status before and after."""
    audit.record("live.attendance_corrected", row, actor, reason=reason, session_id=session.id, user_id=user.id,
                 old_minutes=old_minutes, new_minutes=row.minutes, old_status=old_status, new_status=row.status, **data)
