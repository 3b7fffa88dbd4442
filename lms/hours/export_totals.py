"""The time and amount of each payroll file an organisation exported, for the list of its files.

A file holds the approved lines paid in its period (:func:`lms.hours.export.build_csv`), and exporting locks the
period: from then on no approval is paid in it and its approved entries are never moved or changed (the ledger is
append-only; a correction is a new entry, paid in an open period). So the approved entries paid in an exported period
are the file's lines, and their sums are the file's totals, without reading the stored bytes of every file.

One grouped query over the organisation's exports and the ``(org_id, paid_period_start, status)`` index, however many
files or lines there are.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, func, select

from lms import db
from lms.hours.models import EntryStatus, HoursEntry, PayrollExport
from lms.hours.money import amount_sql
from lms.orgs.models import Organisation


@dataclass(frozen=True)
class FileTotals:
    """What one payroll file adds up to: its ``minutes`` and its ``amount`` column, in cents."""

    minutes: int
    amount_cents: int


def list_file_totals(org: Organisation) -> dict[date, FileTotals]:
    """The totals of every payroll file of the organisation, by the first day of its period (one query). A file
    with no lines totals zero."""
    rows = db.session.execute(
        select(PayrollExport.period_start, func.sum(HoursEntry.minutes), func.sum(amount_sql()))
        .select_from(PayrollExport)
        .outerjoin(HoursEntry, and_(HoursEntry.org_id == PayrollExport.org_id,
                                    HoursEntry.paid_period_start == PayrollExport.period_start,
                                    HoursEntry.status == EntryStatus.APPROVED))
        .where(PayrollExport.org_id == org.id)
        .group_by(PayrollExport.period_start)
    ).all()
    # PostgreSQL sums bigints as numeric, and a file without lines sums to NULL: int() of 0 on every database.
    return {start: FileTotals(int(minutes or 0), int(cents or 0)) for start, minutes, cents in rows}
