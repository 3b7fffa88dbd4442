"""After an organisation changes its pay period or anchor: approved entries that no payroll file holds yet are paid
in the new periods, placed as an approval now would place them (:mod:`lms.hours.approvals`); exported ones stay in
the file that paid them."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from lms import audit, db
from lms.accounts.models import User
from lms.hours.models import EntryStatus, HoursEntry
from lms.hours.periods import exported_periods, lock_for_export, paying_period
from lms.orgs.models import Organisation

#: The stored reason of ``hours.paid_period_moved`` audit rows (a code: the history shows it in the reader's language).
PAY_SCHEDULE_CHANGED = "pay_schedule_changed"


def _unexported(org: Organisation, exported: set[date]):
    return select(HoursEntry).where(HoursEntry.org_id == org.id, HoursEntry.status == EntryStatus.APPROVED,
                                    HoursEntry.paid_period_start.is_not(None),
                                    HoursEntry.paid_period_start.not_in(exported))


def count_unexported(org: Organisation) -> int:
    """Approved entries of the organisation that no payroll file holds yet (what a pay schedule change moves)."""
    query = _unexported(org, exported_periods(org)[0]).with_only_columns(func.count())
    return db.session.scalar(query) or 0


def repay_unexported(org: Organisation, actor: User | None) -> int:
    """After the organisation's pay schedule changed: every approved entry that no payroll file holds yet is paid in
    the new period that would pay it if it were approved now (the period containing its activity date, or the next
    one not exported). Without this, entries keep the start of a period that no longer exists, and no timesheet or
    export would ever show them. Each move has an audit row. Returns how many entries moved."""
    lock_for_export(org)  # no approval or export of this organisation interleaves
    exported, closed_through = exported_periods(org)
    entries = db.session.scalars(_unexported(org, exported).order_by(HoursEntry.id))
    moved = 0
    for entry in entries:
        start = paying_period(org, entry.activity_date, exported, closed_through)[0]
        if start != entry.paid_period_start:
            # the reason is a code, shown translated in the entry's history (lms/web/hours/queue.py)
            audit.record("hours.paid_period_moved", entry, actor, org_id=org.id, reason=PAY_SCHEDULE_CHANGED,
                         paid_period_start=start, previous_paid_period_start=entry.paid_period_start)
            entry.paid_period_start = start
            moved += 1
    return moved
