"""Approving or rejecting many entries of an organisation at once, each decided on its own
(:mod:`lms.hours.approvals`). Entries dated outside the person's employment with the organisation are skipped when
approving, each with the reason (``BulkResult.skipped``); the others are approved."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from lms import db
from lms.accounts.models import User
from lms.errors import DomainError
from lms.hours.approvals import AlreadyDecided, OutsideEmployment, approve, check_reason, reject
from lms.hours.models import EntryStatus, HoursEntry
from lms.orgs.models import Organisation


@dataclass
class BulkResult:
    decided: list[HoursEntry] = field(default_factory=list)
    #: Entries the actor had already decided the same way (a resent form): done, nothing changed.
    already: list[HoursEntry] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    #: Entries not approved because they are dated outside the person's employment here: the reason for each.
    skipped: list[str] = field(default_factory=list)

    def paid_later(self) -> dict[date, int]:
        """How many of the approved entries are paid in a later period than the one holding their date (payroll had
        already run for it: :func:`lms.hours.periods.paying_period`), by the start of the period that pays them."""
        return dict(sorted(Counter(
            e.paid_period_start for e in self.decided
            if e.status is EntryStatus.APPROVED and e.paid_period_start and e.paid_period_start > e.activity_date
        ).items()))


def decide_many(org: Organisation, entry_ids: list[int], status: EntryStatus, actor: User,
                reason: str | None = None) -> BulkResult:
    """Approve or reject several entries of ``org``; each is decided on its own (a conflict on one does not stop
    the others). Ids of other organisations' entries are ignored."""
    if status is EntryStatus.REJECTED:
        reason = check_reason(reason)
    entry_ids = [i for i in entry_ids if 0 < i < 2**31][:500]
    entries = db.session.execute(
        select(HoursEntry).where(HoursEntry.id.in_(entry_ids), HoursEntry.org_id == org.id)
        .order_by(HoursEntry.id)
    ).scalars().all()
    result = BulkResult()
    done_with: set[int] = set()  # corrections rejected along with their entry earlier in this batch
    for entry in entries:
        if entry.id in done_with:
            continue
        try:
            decision = approve(entry, actor) if status is EntryStatus.APPROVED else reject(entry, actor, reason)
        except AlreadyDecided as exc:
            result.conflicts.append(exc.message)
        except OutsideEmployment as exc:
            result.skipped.append(exc.message)
        except DomainError as exc:
            result.refused.append(exc.message)
        else:
            (result.already if decision.repeated else result.decided).append(entry)
            result.decided.extend(e for e in decision.also_rejected if e.id not in done_with)
            done_with.update(e.id for e in decision.also_rejected)
    return result
