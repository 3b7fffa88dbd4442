"""Live hours of one person that pay for the same time twice, flagged to the approver.

A person cannot be in two live sessions at once, yet both can credit them: registered for an in-person session and an
online one at the same hours, they checked in with the code at one and clicked Join on the other, and both trainers
finalised; two "Live session, 3 hours" entries of the same day then waited for approval, and the timesheet paid six.
Registering for two sessions at the same time is now refused (:mod:`lms.live.registration_overlaps`), but a session
moved after people registered, a meeting report or a trainer's entry can still credit someone twice.

So the approval queue and an entry's page flag a live entry whose credited time overlaps the credited time of
another live entry of the same person in the same organisation that is pending or approved: "Overlaps “<module>”,
<time>: only one can be paid for the same time." Credited time is the person's attended time in the session (their
intervals clipped to its window, what the minutes are made of: :func:`lms.live.queries.time_shared`), so someone who
left one session at 10:30 for another starting then is not flagged. Less than a whole minute in common is not
flagged (minutes are whole). Rejecting one of the two clears the flag on the other; an entry that pays nothing
(rejected, or replaced by a later attendance correction) is neither flagged nor flags another.

The amounts are not changed: what to pay is the approver's decision (approve one and reject the other, or correct
one by the time in common with an adjustment). Like the other flags it is advice, and flagged entries can still be
approved, one by one or in bulk. Adjustments are not flagged: attendance corrections follow the entry they correct.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, tuple_

from lms import db
from lms.hours.models import EntrySource, EntryStatus, HoursEntry
from lms.live import queries as live_queries

#: Entries that pay or may pay: pending or approved (never rejected ones, nor any other status that pays nothing).
COUNTED = (EntryStatus.PENDING, EntryStatus.APPROVED)


@dataclass(frozen=True)
class EntryOverlap:
    """Another live entry of the same person that credits some of the same time."""

    other: HoursEntry
    #: The other session's time (to its real end, if it ended early).
    starts_at: datetime
    ends_at: datetime
    #: Whole minutes of this entry's credited time that the other entry credits too.
    minutes: int


def overlaps_of(entries: Iterable[HoursEntry | None]) -> dict[int, list[EntryOverlap]]:
    """The overlaps of each flagged entry, by entry id, earliest other session first (see the module docstring).
    Two queries whatever the number of entries; none when no entry is a live entry still to be paid."""
    live = [e for e in entries if e is not None and e.source is EntrySource.LIVE and e.session_id is not None
            and e.status in COUNTED]
    shared = live_queries.time_shared((e.session_id, e.user_id) for e in live)
    if not shared:
        return {}
    wanted = {(s.other_session_id, user_id) for (_session_id, user_id), found in shared.items() for s in found}
    others = {(o.session_id, o.user_id, o.org_id): o for o in db.session.scalars(
        select(HoursEntry).where(tuple_(HoursEntry.session_id, HoursEntry.user_id).in_(sorted(wanted)),
                                 HoursEntry.source == EntrySource.LIVE, HoursEntry.status.in_(COUNTED))
        .order_by(HoursEntry.id.desc()))}  # the first (oldest) wins if ever there were two
    flagged: dict[int, list[EntryOverlap]] = {}
    for entry in live:
        for s in shared.get((entry.session_id, entry.user_id), ()):
            other = others.get((s.other_session_id, entry.user_id, entry.org_id))
            if other is not None and s.seconds >= 60:
                flagged.setdefault(entry.id, []).append(
                    EntryOverlap(other, s.other_starts_at, s.other_ends_at, s.seconds // 60))
    return flagged
