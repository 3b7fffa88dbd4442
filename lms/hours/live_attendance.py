"""The attendance behind live hours: the status the trainer recorded for the person in the session an entry pays for.

Attendance pays the minutes a person was connected to a session whatever their status: whether to pay someone marked
absent for those minutes is the organisation's decision, taken when approving. So that an approver can take it, the
approval queue and an entry's page show the status (present, late, absent, excused), and flag an entry that credits
time to someone marked absent or excused (:attr:`EntryAttendance.is_credited_without_attending`).

Entries with a session are the live entries and the adjustments that attendance corrections add (``session_id``
set). The status is the current one: a later correction of the attendance shows at once. It is read through
:func:`lms.live.queries.attendance_statuses`, in one query for any number of entries.

An adjustment appended by an attendance correction is a difference, not a measured time: it keeps the corrected total
as its ``measured_minutes``, so what it changes reads "from 90 to 120 minutes: +30" (:func:`correction_of`), which
the approval queue and the entry's page show instead of a measured time.

A trainee's page of a session shows the session's training hours as the ledger holds them (:func:`session_hours`):
approved, and pending where pending, so it never promises more (or less) than the timesheet will pay, and the date
they carry (:func:`hours_date`).

Live hours are dated on the person's calendar, like self-paced hours: the day the session started in the person's
time zone (:func:`live_activity_date`; ``docs/hours.md``, "The date of an entry"). Entries made before that rule carry
the day in the session's zone and keep it, as every entry keeps its date.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from lms import db
from lms.hours import corrections
from lms.hours.models import EntrySource, EntryStatus, HoursEntry
from lms.i18n import zone_of
from lms.live import queries as live_queries


@dataclass(frozen=True)
class AttendanceCorrection:
    """What an adjustment of a corrected attendance changes: the minutes credited before, after, and the difference."""

    old_minutes: int
    new_minutes: int
    difference: int


def correction_of(entry: HoursEntry) -> AttendanceCorrection | None:
    """The change an attendance correction's adjustment makes (None for any other entry): it stores the corrected
    total as its measured time, so the total before is that less its own minutes."""
    if entry.source is not EntrySource.ADJUSTMENT or entry.session_id is None or entry.measured_minutes is None:
        return None
    return AttendanceCorrection(entry.measured_minutes - entry.minutes, entry.measured_minutes, entry.minutes)


@dataclass(frozen=True)
class EntryAttendance:
    """The person's attendance status in the session behind an entry, titled in the reader's language."""

    title: str
    is_attending: bool
    #: The entry credits time, yet the trainer marked the person absent or excused.
    is_credited_without_attending: bool
    #: For an adjustment made by an attendance correction: what it changes.
    correction: AttendanceCorrection | None = None


def attendance_of(entries: Iterable[HoursEntry | None]) -> dict[int, EntryAttendance]:
    """The attendance behind each entry that has a session and a recorded status, by entry id (one query; none when
    no entry has a session)."""
    with_session = [e for e in entries if e is not None and e.session_id is not None]
    marks = live_queries.attendance_statuses((e.session_id, e.user_id) for e in with_session)
    found = {}
    for entry in with_session:
        mark = marks.get((entry.session_id, entry.user_id))
        if mark is not None:
            found[entry.id] = EntryAttendance(mark.title, mark.is_attending,
                                              not mark.is_attending and entry.minutes > 0, correction_of(entry))
    return found


@dataclass(frozen=True)
class SessionHours:
    """A person's training hours for one live session: approved minutes, pending minutes (signed: a pending
    correction may deduct), whether a manager approved or rejected the live entry, and whether an organisation pays
    it at all (an entry of nobody's staff stays in the person's own records)."""

    approved: int = 0
    pending: int = 0
    is_approved: bool = False
    is_rejected: bool = False
    has_org: bool = True
    #: The date the entry carries (its newest live entry's, when corrections replaced it).
    activity_date: date | None = None

    @property
    def total(self) -> int:
        """What the ledger will credit once everything pending is approved."""
        return self.approved + self.pending


def session_hours(user_id: int, session_id: int) -> SessionHours | None:
    """The ledger's minutes for ``user_id``'s attendance of ``session_id``: its live entry (not withdrawn) with every
    correction of it, the attendance's own and managers' (None when the ledger holds no entry for it)."""
    roots = db.session.execute(
        select(HoursEntry).where(HoursEntry.user_id == user_id, HoursEntry.session_id == session_id,
                                 HoursEntry.source == EntrySource.LIVE, HoursEntry.status != EntryStatus.WITHDRAWN)
        .order_by(HoursEntry.id)
    ).scalars().all()
    if not roots:
        return None
    approved = pending = 0
    for root in roots:
        minutes_by = {status: 0 for status in EntryStatus} | {root.status: root.minutes}
        for _id, minutes, status in corrections.corrections_of(root):
            minutes_by[status] += minutes
        approved += minutes_by[EntryStatus.APPROVED] if root.status is EntryStatus.APPROVED else 0
        pending += minutes_by[EntryStatus.PENDING] if root.status is not EntryStatus.REJECTED else 0
    return SessionHours(approved, pending, any(root.status is EntryStatus.APPROVED for root in roots),
                        all(root.status is EntryStatus.REJECTED for root in roots),
                        any(root.org_id is not None for root in roots), roots[-1].activity_date)


def live_activity_date(session: Any, user: Any) -> date:
    """The date a new live entry of ``user`` for ``session`` carries: the day the session started on the person's
    calendar (their time zone, else ``LMS_DEFAULT_TIMEZONE``), as self-paced hours are dated."""
    return session.starts_at.astimezone(ZoneInfo(zone_of(user))).date()


def hours_date(session: Any, user: Any, hours: SessionHours | None) -> date:
    """The date ``user``'s training hours for ``session`` carry: the ledger's when it holds them (an entry keeps the
    date it was made with), else the date a new entry would carry (:func:`live_activity_date`)."""
    if hours is not None and hours.activity_date is not None:
        return hours.activity_date
    return live_activity_date(session, user)
