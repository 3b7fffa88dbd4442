"""Attendance statuses a trainer corrected after a manager approved the live hours: shown to the organisation's
managers until one of them marks the change reviewed.

A status alone never changes the minutes attendance credits (:mod:`lms.hours.live_attendance`: the minutes a person
was connected count whatever their status), so such a correction appends nothing to the ledger: a zero-minute entry
would be a line of nothing on timesheets and payroll exports, and the ledger refuses entries of zero minutes. But the
status is what the manager decided on: whether to pay time credited to someone marked absent or excused is the
organisation's call, taken when approving. So a correction that changes the status only (the minutes stay), made
after the live entry was approved, is listed above the approval queue and on the entry's page, with who made it, when
and why, until a manager marks it reviewed (an ``hours.attendance_change_reviewed`` audit row on the entry, naming the
last correction reviewed). A manager who decides the time should no longer be paid adds a correction of the entry,
as for any approved entry. A correction that changes the minutes needs none of this: it appends a pending adjustment
(:mod:`lms.hours.attendance_corrections`), which the queue shows with the status of the moment.

Corrections and approvals are matched through the audit log: the ``live.attendance_corrected`` rows of the entry's
attendance written after the entry's ``hours.approved`` row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import aliased

from lms import audit, db
from lms.accounts.models import User
from lms.audit import AuditEvent
from lms.hours.models import EntrySource, EntryStatus, HoursEntry
from lms.live.models import Attendance, AttendanceStatus
from lms.orgs.models import Organisation

#: The audit action of a manager's "Mark as reviewed".
REVIEWED = "hours.attendance_change_reviewed"
#: The audit action of a trainer's correction of final attendance (:func:`lms.live.attendance_credit.audit_correction`).
CORRECTED = "live.attendance_corrected"


@dataclass(frozen=True)
class StatusChange:
    """A status-only correction of the attendance behind an approved live entry, not reviewed yet."""

    entry: HoursEntry
    person: User
    event_id: int
    at: datetime
    old_status: AttendanceStatus | None
    new_status: AttendanceStatus | None
    #: The trainer (or administrator) who corrected it; None for an account since deleted.
    by: User | None
    reason: str


def _status(value: Any) -> AttendanceStatus | None:
    try:
        return AttendanceStatus(value) if value else None
    except ValueError:
        return None


def is_status_only(data: dict[str, Any]) -> bool:
    """Whether a correction's audit data changed the status and left the minutes as they were."""
    return data.get("old_status") != data.get("new_status") and data.get("old_minutes") == data.get("new_minutes")


def list_status_changes(org: Organisation, entry_id: int | None = None) -> list[StatusChange]:
    """The status-only corrections made after approval of ``org``'s approved live entries (or of one entry) that no
    manager marked reviewed yet, oldest first. Two queries, whatever the number of entries."""
    rows = [row for row in db.session.execute(changes_query(org.id, entry_id)).all()
            if is_status_only(row[1].data or {})]
    seen = _reviewed_up_to({entry.id for entry, *_rest in rows})
    return [StatusChange(entry, who, event.id, event.at, _status(event.data.get("old_status")),
                         _status(event.data.get("new_status")), by, event.reason or "")
            for entry, event, who, by in rows if event.id > seen.get(entry.id, 0)]


def changes_query(org_id: int, entry_id: int | None = None) -> Select[Any]:
    """The corrections of attendance made after the approval of the organisation's approved live entries, with the
    entry, the correction's audit row, the person and who corrected it. It starts from the corrections, a rare audit
    action, found through the audit log's index on ``(action, id)`` (migration 0020), not from the entries."""
    approved, change, person, actor = aliased(AuditEvent), aliased(AuditEvent), aliased(User), aliased(User)
    query = (
        select(HoursEntry, change, person, actor)
        .join(person, person.id == HoursEntry.user_id)
        .join(Attendance, (Attendance.session_id == HoursEntry.session_id) & (Attendance.user_id == HoursEntry.user_id))
        .join(change, (change.object_type == "Attendance") & (change.object_id == Attendance.id)
              & (change.action == CORRECTED))
        .join(approved, (approved.object_type == "HoursEntry") & (approved.object_id == HoursEntry.id)
              & (approved.action == "hours.approved"))
        .outerjoin(actor, actor.id == change.actor_id)
        .where(HoursEntry.org_id == org_id, HoursEntry.source == EntrySource.LIVE,
               HoursEntry.status == EntryStatus.APPROVED, change.id > approved.id)
        .order_by(change.id)
    )
    if entry_id is not None:
        query = query.where(HoursEntry.id == entry_id)
    return query


def _reviewed_up_to(entry_ids: set[int]) -> dict[int, int]:
    """For each entry, the id of the last correction a manager marked reviewed (none: not in the result)."""
    if not entry_ids:
        return {}
    rows = db.session.execute(
        select(AuditEvent.object_id, AuditEvent.data).where(
            AuditEvent.object_type == "HoursEntry", AuditEvent.action == REVIEWED,
            AuditEvent.object_id.in_(sorted(entry_ids)))
    ).all()
    found: dict[int, int] = {}
    for entry_id, data in rows:
        up_to = (data or {}).get("correction")
        if isinstance(up_to, int):
            found[entry_id] = max(found.get(entry_id, 0), up_to)
    return found


def mark_reviewed(org: Organisation, entry: HoursEntry, actor: Any, up_to: int | None) -> int:
    """A manager has read the status changes of ``entry`` listed to them (those up to the correction ``up_to``, the
    last one their page showed, so one made since stays listed): one audit row. Returns how many it marks (0: none was
    outstanding, and nothing is recorded)."""
    changes = [c for c in list_status_changes(org, entry.id) if up_to is None or c.event_id <= up_to]
    if not changes:
        return 0
    audit.record("hours.attendance_change_reviewed", entry, actor, org_id=org.id, correction=changes[-1].event_id,
                 changes=len(changes))
    db.session.flush()
    return len(changes)

