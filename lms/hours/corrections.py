"""The chain of corrections behind an hours entry: a correction is a new entry pointing at the one it corrects
(``corrects_id``), which may itself be a correction; the original at the end of the chain is its root. What the
ledger credits for an activity is the root and its corrections, leaving out rejected and withdrawn ones."""

from __future__ import annotations

from sqlalchemy import select

from lms import db
from lms.hours.models import EntryStatus, HoursEntry

#: Statuses that take an entry out of the ledger's counts: nothing is paid for it, and nothing may correct it.
NOT_COUNTED = (EntryStatus.REJECTED, EntryStatus.WITHDRAWN)


def is_correctable(entry: HoursEntry) -> bool:
    """Whether a correction may point at ``entry``: not once it was withdrawn (what replaced it is corrected
    instead), nor once the entry behind it was rejected or withdrawn (nothing is paid to correct; an adjustment of
    its own pays for the activity instead)."""
    return entry.status is not EntryStatus.WITHDRAWN and root_of(entry).status not in NOT_COUNTED


def root_of(entry: HoursEntry) -> HoursEntry:
    """The original entry behind a correction (the entry itself when it corrects nothing)."""
    root = entry
    while root.corrects_id is not None:
        root = db.session.get(HoursEntry, root.corrects_id)
    return root


def corrections_of(root: HoursEntry) -> list[tuple[int, int, EntryStatus]]:
    """``(id, minutes, status)`` of every correction of ``root`` at any depth (one query per level)."""
    found: list[tuple[int, int, EntryStatus]] = []
    frontier = {root.id}
    while frontier:
        rows = db.session.execute(
            select(HoursEntry.id, HoursEntry.minutes, HoursEntry.status).where(HoursEntry.corrects_id.in_(frontier))
        ).all()
        found.extend((row_id, minutes, status) for row_id, minutes, status in rows)
        frontier = {row_id for row_id, _m, _s in rows}
    return found


def corrected_total(entry: HoursEntry) -> int:
    """Minutes of the original entry behind ``entry`` plus every correction of it (at any depth), leaving out
    rejected and withdrawn ones: what the ledger currently credits for that activity, pending entries included."""
    root = root_of(entry)
    if root.status in NOT_COUNTED:
        return 0
    return root.minutes + sum(m for _id, m, status in corrections_of(root) if status not in NOT_COUNTED)


def approved_total(root: HoursEntry) -> int:
    """What the ledger has approved for the activity of ``root``: the root and its approved corrections."""
    if root.status is not EntryStatus.APPROVED:
        return 0
    return root.minutes + sum(m for _id, m, status in corrections_of(root) if status is EntryStatus.APPROVED)
