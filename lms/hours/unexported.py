"""Ended pay periods that pay approved hours but were never exported: payroll never got their file.

Exporting a later period does not export an earlier one, and payroll runs period by period, so a period somebody
skipped leaves its people unpaid without anyone noticing. The timesheet page warns before an export (naming each such
period before the one exported), the payroll files page lists them, and the API's pay periods say the same
(docs/payroll-export.md, "Periods nobody exported"). A skipped period can still be exported after a later one, so this
warns; it never refuses an export, which could hold up everybody's pay.

One query, whatever the organisation's history; plus the pay calendar's one query. It first walks the paid periods
back from the latest, one step of the ``(org_id, paid_period_start, status)`` index per period, until it has the
:data:`MAX_LISTED` latest that are not exported and pay approved lines; then it adds up the approved entries of those
periods only. An exported period costs one step, however many entries it paid, so an organisation that exports every
period is not read in full on each timesheet page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, Select, and_, case, exists, func, literal, select

from lms import db
from lms.hours.models import EntryStatus, HoursEntry, PayrollExport
from lms.hours.money import amount_sql
from lms.hours.pay_calendar import pay_calendar
from lms.orgs.models import Organisation

#: The most unexported periods one call lists (the latest ones); older ones are rare and show up once these are done.
MAX_LISTED = 12


@dataclass(frozen=True)
class UnexportedPeriod:
    """An ended pay period, not exported, that pays approved lines: what its payroll file would hold now."""

    start: date
    end: date
    line_count: int
    minutes: int
    amount_cents: int


def list_unexported_periods(org: Organisation, today: date, before: date | None = None) -> list[UnexportedPeriod]:
    """The ended periods (last day before ``today``) of the organisation that pay approved lines and have no export,
    oldest first; only those starting before ``before`` if given (the period about to be exported). At most
    :data:`MAX_LISTED`, the latest ones (two queries)."""
    limit = min(today, before) if before is not None else today
    exported = select(PayrollExport.period_start).where(PayrollExport.org_id == org.id)
    listed = _latest_unexported(org.id, limit).subquery()
    rows = db.session.execute(
        select(HoursEntry.paid_period_start, func.count(), func.sum(HoursEntry.minutes), func.sum(amount_sql()))
        .select_from(listed)  # the entries of those periods only, period by period (the index)
        .join(HoursEntry, and_(HoursEntry.org_id == org.id, HoursEntry.paid_period_start == listed.c.start))
        .where(HoursEntry.status == EntryStatus.APPROVED,
               HoursEntry.paid_period_start < limit, HoursEntry.paid_period_start.not_in(exported))
        .group_by(HoursEntry.paid_period_start)
        .order_by(HoursEntry.paid_period_start.desc())
        .limit(MAX_LISTED)
    ).all()
    if not rows:
        return []
    calendar = pay_calendar(org)
    found = []
    for start, count, minutes, cents in reversed(rows):
        period = calendar.period(start)
        if period[1] < today:  # a running period is exported when it ends, not skipped
            # PostgreSQL sums bigints as numeric: int() keeps the dataclass integral on every database.
            found.append(UnexportedPeriod(period[0], period[1], int(count), int(minutes or 0), int(cents or 0)))
    return found


def _is_exported(org_id: int, start: ColumnElement) -> ColumnElement:
    return exists().where(PayrollExport.org_id == org_id, PayrollExport.period_start == start)


def _previous(org_id: int, before: ColumnElement | date) -> ColumnElement:
    """The latest paid period of the organisation's entries before ``before`` (one step back the index)."""
    return (select(HoursEntry.paid_period_start)
            .where(HoursEntry.org_id == org_id, HoursEntry.paid_period_start < before)
            .order_by(HoursEntry.paid_period_start.desc()).limit(1).scalar_subquery())


def _latest_unexported(org_id: int, limit: date) -> Select:
    """The starts of the :data:`MAX_LISTED` latest paid periods before ``limit`` that are not exported and pay approved
    entries (with, at most, some before them that do not: the main query leaves those out). A recursive walk: from
    the latest paid period back, one period a step, counting those that count, until there are enough."""
    counts = lambda start: case((and_(~_is_exported(org_id, start), exists().where(  # noqa: E731
        HoursEntry.org_id == org_id, HoursEntry.paid_period_start == start,
        HoursEntry.status == EntryStatus.APPROVED)), 1), else_=0)
    walk = select(_previous(org_id, limit).label("start"), literal(0).label("found")).cte("unexported_walk",
                                                                                         recursive=True)
    found = walk.c.found + counts(walk.c.start)
    walk = walk.union_all(select(_previous(org_id, walk.c.start), found)
                          .where(walk.c.start.is_not(None), found < MAX_LISTED))
    return select(walk.c.start).where(walk.c.start.is_not(None), ~_is_exported(org_id, walk.c.start))
