"""Withdrawing a pending entry that something later replaced (so far: a later correction of the same live-session
attendance, :mod:`lms.hours.attendance_corrections`).

A withdrawn entry stays in the ledger, as every entry does, with who withdrew it and when (``decided_by``,
``decided_at``) and an ``hours.withdrawn`` audit row that names the reason and the entry that replaced it, if any. It is
never paid, counted or decided again (``withdrawn`` is final in ``ENTRY_TRANSITIONS``). Only pending entries can be
withdrawn: an approved entry is locked and is corrected by an adjustment instead.

Withdrawing goes through the one guarded transition (:func:`lms.hours.approvals.transition`, a conditional ``UPDATE
... WHERE status = 'pending'``), but it is nobody's decision: an entry a manager decided a moment before simply
stays decided, and :func:`withdraw` says so (``False``) instead of raising a conflict.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from lms import audit, db
from lms.hours.approvals import AlreadyDecided, transition
from lms.hours.models import ENTRY_TRANSITIONS, EntryStatus, HoursEntry

#: The stored reason of ``hours.withdrawn`` rows written by attendance corrections (a code: the entry's history shows
#: it in the reader's language, lms/web/hours/queue.py).
ATTENDANCE_CORRECTED = "attendance_corrected"


def withdraw(entry: HoursEntry, actor: Any) -> bool:
    """Move ``entry`` from pending to withdrawn; False, changing nothing, if it is not pending (any more: a manager's
    decision that got there first stands). Record the audit row with :func:`record_withdrawal` once the entry that
    replaces it exists."""
    if EntryStatus.WITHDRAWN not in ENTRY_TRANSITIONS[entry.status]:
        return False
    try:
        return transition(entry, EntryStatus.WITHDRAWN, actor)
    except AlreadyDecided:  # decided by a manager since it was read
        return False


def record_withdrawal(entry: HoursEntry, actor: Any, reason: str, replaced_by: HoursEntry | None) -> None:
    """The ``hours.withdrawn`` audit row of ``entry``: who, why (a code), its minutes, and what replaced it."""
    audit.record("hours.withdrawn", entry, actor, org_id=entry.org_id, reason=reason, minutes=entry.minutes,
                 replaced_by=replaced_by.id if replaced_by is not None else None)


def replacement_of(entry: HoursEntry) -> HoursEntry | None:
    """The entry that replaced a withdrawn ``entry``, as its ``hours.withdrawn`` audit row names it (None for any
    other entry, or when nothing replaced it)."""
    if entry.status is not EntryStatus.WITHDRAWN:
        return None
    data = db.session.execute(
        select(audit.AuditEvent.data).where(audit.AuditEvent.action == "hours.withdrawn",
                                            audit.AuditEvent.object_type == "HoursEntry",
                                            audit.AuditEvent.object_id == entry.id)
        .order_by(audit.AuditEvent.id.desc()).limit(1)
    ).scalar_one_or_none()
    replaced_by = (data or {}).get("replaced_by")
    return db.session.get(HoursEntry, replaced_by) if isinstance(replaced_by, int) else None
