"""Read-only counts of live sessions for other domains, so they never query live's tables themselves: the catalog
asks before a live module changes kind, is removed or becomes required (:mod:`lms.catalog.module_kind`), and the
publish confirmation page warns about required live modules with nothing to attend. The hours ledger asks for the
attendance status behind its live entries (:func:`attendance_statuses`), so an approver sees it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select, tuple_

from lms import db
from lms.db import utcnow
from lms.live.models import Attendance, AttendanceStatus, LiveSession, SessionStatus


@dataclass(frozen=True)
class ModuleSessions:
    """A live module's sessions that are not cancelled: ``upcoming`` are scheduled and have not started, ``started``
    are scheduled and have started (attendance not finalised yet), ``held`` are completed."""

    upcoming: int = 0
    started: int = 0
    held: int = 0

    @property
    def scheduled(self) -> int:
        """Sessions still scheduled, started or not: people may be registered, attendance may still be taken."""
        return self.upcoming + self.started


def count_module_sessions(module_ids: Iterable[int], now: datetime | None = None) -> dict[int, ModuleSessions]:
    """:class:`ModuleSessions` of each module id (every id present, zeros where none), in one query."""
    ids = list(dict.fromkeys(module_ids))
    if not ids:
        return {}
    ahead = func.count(case((LiveSession.starts_at > (now or utcnow()), LiveSession.id)))
    rows = db.session.execute(
        select(LiveSession.module_id, LiveSession.status, func.count(LiveSession.id), ahead)
        .where(LiveSession.module_id.in_(ids), LiveSession.status != SessionStatus.CANCELLED)
        .group_by(LiveSession.module_id, LiveSession.status)
    ).all()
    counts: dict[int, dict[str, int]] = {module_id: {} for module_id in ids}
    for module_id, status, total, upcoming in rows:
        if status is SessionStatus.COMPLETED:
            counts[module_id]["held"] = total
        else:
            counts[module_id].update(upcoming=upcoming, started=total - upcoming)
    return {module_id: ModuleSessions(**values) for module_id, values in counts.items()}


def shortest_session_minutes(module_id: int) -> int | None:
    """The length in whole minutes of the shortest session of a module that is not cancelled (scheduled or held), or
    None when it has none: what a trainee attending one can have spent in it."""
    rows = db.session.execute(
        select(LiveSession.starts_at, LiveSession.ends_at)
        .where(LiveSession.module_id == module_id, LiveSession.status != SessionStatus.CANCELLED)
    ).all()
    return min((int((end - start).total_seconds()) // 60 for start, end in rows), default=None)


#: Statuses that say the person attended (the others, absent and excused, say they did not).
ATTENDING = frozenset({AttendanceStatus.PRESENT, AttendanceStatus.LATE})


@dataclass(frozen=True)
class AttendanceMark:
    """The status a trainer recorded for one person in one session."""

    status: AttendanceStatus

    @property
    def title(self) -> str:
        return self.status.title

    @property
    def is_attending(self) -> bool:
        """Present or late; False for absent and excused."""
        return self.status in ATTENDING


def attendance_statuses(pairs: Iterable[tuple[int, int]]) -> dict[tuple[int, int], AttendanceMark]:
    """The recorded status of each ``(session id, user id)`` pair that has one, in one query whatever their number
    (none when ``pairs`` is empty); pairs without an attendance row or without a status are left out."""
    wanted = list(dict.fromkeys(pairs))
    if not wanted:
        return {}
    rows = db.session.execute(
        select(Attendance.session_id, Attendance.user_id, Attendance.status)
        .where(tuple_(Attendance.session_id, Attendance.user_id).in_(wanted), Attendance.status.is_not(None))
    ).all()
    return {(session_id, user_id): AttendanceMark(status) for session_id, user_id, status in rows}
