"""A trainee's supervised field experience towards the field modules of a course: approved and pending minutes.

What counts is what completes the module (:func:`lms.hours.approvals._complete_field_module`): the person's approved
``field`` entries for the module plus approved ``adjustment`` entries for it (a manager's corrections, which may be
negative). Pending minutes are the person's own field logs awaiting a manager's sign-off: they count once approved.
Rejected entries count for nothing. Entries are not limited to one organisation: a field module is completed by the
approved minutes logged for it, whoever employed the person on each day.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select

from lms import db
from lms.catalog.models import Module, ModuleKind
from lms.hours.models import EntrySource, EntryStatus, HoursEntry


@dataclass(frozen=True)
class FieldProgress:
    """Where a person stands in one field module: ``approved_minutes`` of ``required_minutes`` (the module's credited
    minutes), and ``pending_minutes`` logged and waiting for sign-off."""

    module_id: int
    required_minutes: int
    approved_minutes: int = 0
    pending_minutes: int = 0

    @property
    def remaining_minutes(self) -> int:
        """Approved minutes still needed (0 once reached)."""
        return max(0, self.required_minutes - self.approved_minutes)

    @property
    def is_reached(self) -> bool:
        return self.approved_minutes >= self.required_minutes


def list_field_progress(user_id: int, modules: Iterable[Module]) -> dict[int, FieldProgress]:
    """The person's field-experience progress in each field module of ``modules`` (other kinds are skipped), keyed
    by module id. One GROUP BY query whatever the number of modules and entries, none when there is no field module."""
    field_modules = {m.id: m for m in modules if m.kind is ModuleKind.FIELD}
    if not field_modules:
        return {}
    rows = db.session.execute(
        select(HoursEntry.module_id, HoursEntry.source, HoursEntry.status, func.sum(HoursEntry.minutes))
        .where(HoursEntry.user_id == user_id, HoursEntry.module_id.in_(list(field_modules)),
               HoursEntry.source.in_((EntrySource.FIELD, EntrySource.ADJUSTMENT)),
               HoursEntry.status.in_((EntryStatus.APPROVED, EntryStatus.PENDING)))
        .group_by(HoursEntry.module_id, HoursEntry.source, HoursEntry.status)
    ).all()
    approved = dict.fromkeys(field_modules, 0)
    pending = dict.fromkeys(field_modules, 0)
    for module_id, source, status, total in rows:
        if status is EntryStatus.APPROVED:
            approved[module_id] += int(total or 0)
        elif source is EntrySource.FIELD:  # a manager's pending correction is theirs to decide, not the trainee's log
            pending[module_id] += int(total or 0)
    return {
        module_id: FieldProgress(module_id, module.credited_minutes or 0, approved[module_id], pending[module_id])
        for module_id, module in field_modules.items()
    }
