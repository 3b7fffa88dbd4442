"""The attendance behind live hours: the status the trainer recorded for the person in the session an entry pays for.

Attendance pays the minutes a person was connected to a session whatever their status: whether to pay someone marked
absent for those minutes is the organisation's decision, taken when approving. So that an approver can take it, the
approval queue and an entry's page show the status (present, late, absent, excused), and flag an entry that credits
time to someone marked absent or excused (:attr:`EntryAttendance.is_credited_without_attending`).

Entries with a session are the live entries and the adjustments that attendance corrections add (``session_id``
set). The status is the current one: a later correction of the attendance shows at once. It is read through
:func:`lms.live.queries.attendance_statuses`, in one query for any number of entries.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from lms.hours.models import HoursEntry
from lms.live import queries as live_queries


@dataclass(frozen=True)
class EntryAttendance:
    """The person's attendance status in the session behind an entry, titled in the reader's language."""

    title: str
    is_attending: bool
    #: The entry credits time, yet the trainer marked the person absent or excused.
    is_credited_without_attending: bool


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
                                              not mark.is_attending and entry.minutes > 0)
    return found
