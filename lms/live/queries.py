"""Read-only counts of live sessions for other domains, so they never query live's tables themselves: the catalog
asks before a live module changes kind, is removed or becomes required (:mod:`lms.catalog.module_kind`), and the
publish confirmation page warns about required live modules with nothing to attend. The hours ledger asks for the
attendance status behind its live entries (:func:`attendance_statuses`), so an approver sees it, and for the time a
person was counted in two sessions at once (:func:`time_shared`), so the approver sees that too."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, func, select, tuple_
from sqlalchemy.orm import aliased

from lms import db
from lms.db import utcnow
from lms.live import intervals as spans
from lms.live.models import Attendance, AttendanceInterval, AttendanceStatus, LiveSession, SessionStatus


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


@dataclass(frozen=True)
class SharedTime:
    """Time that counts for one person in two sessions at once: ``seconds`` of their attended time in the session
    asked about also count in ``other_session_id``, which ran from ``other_starts_at`` to ``other_ends_at`` (when it
    really ended, if it ended early)."""

    other_session_id: int
    other_starts_at: datetime
    other_ends_at: datetime
    seconds: int


def time_shared(pairs: Iterable[tuple[int, int]]) -> dict[tuple[int, int], list[SharedTime]]:
    """For each ``(session id, user id)`` pair, the other sessions (not cancelled) in which the same person's attended
    time overlaps theirs in this one, earliest first; pairs with none are left out. Attended time is what minutes
    are made of: the person's intervals that are not set aside, clipped to each session's window
    (:mod:`lms.live.intervals`), so someone who left one session at 10:30 for another starting then shares nothing.
    One query whatever the number of pairs (none when ``pairs`` is empty)."""
    wanted = list(dict.fromkeys(pairs))
    if not wanted:
        return {}
    pieces: dict[tuple[int, int, int], list[tuple[datetime, datetime]]] = {}
    windows: dict[int, tuple[datetime, datetime]] = {}
    for row in db.session.execute(_shared_intervals(wanted)).all():
        key = (row.session_id, row.user_id, row.other_id)
        windows[row.other_id] = (row.other_starts_at, row.other_ended_early_at or row.other_ends_at)
        mine = spans.clip([(row.joined_at, row.left_at)], row.starts_at, row.ended_early_at or row.ends_at)
        theirs = spans.clip([(row.other_joined_at, row.other_left_at)], *windows[row.other_id])
        if mine and theirs and max(mine[0][0], theirs[0][0]) < min(mine[0][1], theirs[0][1]):
            pieces.setdefault(key, []).append((max(mine[0][0], theirs[0][0]), min(mine[0][1], theirs[0][1])))
    found: dict[tuple[int, int], list[SharedTime]] = {}
    for (session_id, user_id, other_id), shared in pieces.items():
        seconds = sum(int((end - start).total_seconds()) for start, end in spans.merge(shared))
        found.setdefault((session_id, user_id), []).append(SharedTime(other_id, *windows[other_id], seconds))
    return {pair: sorted(items, key=lambda s: (s.other_starts_at, s.other_session_id)) for pair, items in found.items()}


def _shared_intervals(wanted: list[tuple[int, int]]):
    """Each (not void) interval of the wanted pairs with each (not void) interval of the same person in another
    session, not cancelled, that it overlaps, with both sessions' windows (clipping is left to Python). The other
    sessions are found through the person's attendance rows (indexed by person; every session that credits time has
    one), so the query reads only that person's sessions, never every interval."""
    mine, theirs = aliased(AttendanceInterval), aliased(AttendanceInterval)
    here, there = aliased(LiveSession), aliased(LiveSession)
    here_end = func.coalesce(here.ended_early_at, here.ends_at)
    there_end = func.coalesce(there.ended_early_at, there.ends_at)
    return (
        select(mine.session_id, mine.user_id, mine.joined_at, mine.left_at, here.starts_at, here.ends_at,
               here.ended_early_at, theirs.session_id.label("other_id"), theirs.joined_at.label("other_joined_at"),
               theirs.left_at.label("other_left_at"), there.starts_at.label("other_starts_at"),
               there.ends_at.label("other_ends_at"), there.ended_early_at.label("other_ended_early_at"))
        .join(here, here.id == mine.session_id)
        .join(Attendance, and_(Attendance.user_id == mine.user_id, Attendance.session_id != mine.session_id,
                               Attendance.minutes > 0))
        .join(there, and_(there.id == Attendance.session_id, there.status != SessionStatus.CANCELLED,
                          there.starts_at < here_end, there_end > here.starts_at))
        .join(theirs, and_(theirs.session_id == Attendance.session_id, theirs.user_id == Attendance.user_id,
                           theirs.is_void.is_(False)))
        .where(tuple_(mine.session_id, mine.user_id).in_(wanted), mine.is_void.is_(False),
               # an open interval runs to the end of its session
               theirs.joined_at < func.coalesce(mine.left_at, here_end),
               mine.joined_at < func.coalesce(theirs.left_at, there_end))
    )
