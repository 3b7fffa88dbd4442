"""Finalising a session's attendance: minutes and a status for everyone on the roster, the live module for those
who earned it, the session completed, ``attendance-finalized`` sent; with the time it really ended when it ended
early. The rules are in :mod:`lms.live.attendance`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select

from lms import audit, db
from lms.errors import ConflictError, DomainError
from lms.i18n import _
from lms.live import scheduling
from lms.live.attendance_changes import RosterChoice, set_statuses
from lms.live.attendance_credit import attendance_row, complete_module, earns_module
from lms.live.models import Attendance, AttendanceInterval, AttendanceStatus, LiveSession, SessionStatus
from lms.live.roster import RosterLine, load_roster
from lms.signals import attendance_finalized


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
    statuses: Mapping[int, AttendanceStatus | RosterChoice] | None = None,
) -> list[Attendance]:
    """Fix minutes and statuses for everyone on the roster and complete the session (the rules: :mod:`lms.live.attendance`).

    ``early=True`` means the trainer confirmed that the session ended early, at ``ended_at`` (None: now); it is
    required before the scheduled end. Check-ins then count until that time, each person's share is measured against
    the time the session ran (start to that time), and check-in closes for the rest of the scheduled time.

    ``statuses`` are the ones chosen on the roster when the trainer finalised (user id → status, or a
    :class:`RosterChoice` that also names the status the row showed): they are set first,
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
    # Now, as the roster counted until finalising: cut to the minute, someone who checked out in the
    # last part-minute would lose a minute the roster showed. Shares are exact (seconds), so someone there throughout
    # keeps 100%, and minutes are whole seconds // 60 everywhere (:mod:`lms.live.intervals`).
    end = ended_at or now
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
    row = line.attendance or attendance_row(session, line.user)
    row.minutes, row.updated_at = line.minutes, now
    if row.status is None:
        row.status = AttendanceStatus.PRESENT if line.seconds else AttendanceStatus.ABSENT
    row.completed_module = False
    if earns_module(session, row.status, line.seconds, min_share):
        complete_module(session, line.user, row, line.seconds, actor)  # marks the row (before the certificate reads it)
    return row
