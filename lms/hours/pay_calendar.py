"""The pay periods an organisation has, as timesheets, exports and pagers see them: its exported periods exactly as
they were exported, and its current schedule's periods around them, cut short where they would overlap an export.

An exported period is a record (``PayrollExport``): it keeps its own start and end, its file and its lines, whatever
the pay period or anchor is now. Any other day belongs to the schedule's period that contains it
(:func:`lms.hours.periods.period_containing`), cut to the days between the exports on either side of it. Under an
unchanged schedule every export is a whole schedule period, so nothing is cut. After a change of pay period or anchor,
the first period after the last export runs from the day after that export to the end of the new schedule's period
holding that day (a bridging period, which may be shorter than usual); the periods after it are the new schedule's.
Approvals and schedule changes place entries by the same rule (:func:`lms.hours.periods.paying_period`).

Periods tile the calendar: none overlaps another, so no export can ever cover days another export covers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select

from lms import db
from lms.hours.models import PayrollExport
from lms.hours.periods import Period, paying_period, period_containing
from lms.orgs.models import Organisation

_DAY = timedelta(days=1)


@dataclass(frozen=True)
class ExportedPeriod:
    start: date
    end: date
    exported_at: datetime


@dataclass(frozen=True)
class PayCalendar:
    """One organisation's periods: build it with :func:`pay_calendar` (one query)."""

    org: Organisation
    exports: tuple[ExportedPeriod, ...]  # by start

    @property
    def closed_through(self) -> date | None:
        """The last day any export covers: payroll has run for every day up to it."""
        return max((e.end for e in self.exports), default=None)

    def export_at(self, day: date) -> ExportedPeriod | None:
        """The exported period holding ``day``. Exports never overlap, except ones written before overlaps were
        refused: then the latest-starting one, so every export is still found from its own first day."""
        found = None
        for export in self.exports:
            if export.start > day:
                break
            if export.end >= day:
                found = export
        return found

    def period(self, day: date) -> Period:
        """The period (inclusive start and end) that holds ``day``."""
        if (export := self.export_at(day)) is not None:
            return export.start, export.end
        start, end = period_containing(self.org, day)
        for export in self.exports:
            if export.end < day:
                start = max(start, export.end + _DAY)
            elif export.start > day:
                end = min(end, export.start - _DAY)
        return start, end

    def next(self, period: Period) -> Period:
        return self.period(period[1] + _DAY)

    def previous(self, period: Period) -> Period:
        return self.period(period[0] - _DAY)

    def exported_at(self, start: date) -> datetime | None:
        """When the period starting ``start`` was exported, or None if it was not."""
        return next((e.exported_at for e in self.exports if e.start == start), None)

    def paying_period(self, day: date) -> Period:
        """The period that would pay an entry done on ``day`` if it were approved now (see the module docstring)."""
        return paying_period(self.org, day, set(), self.closed_through)

    def is_first_open(self, period: Period) -> bool:
        """True for the first period after the last export, which also pays late approvals of earlier days."""
        return self.closed_through is not None and period[0] == self.closed_through + _DAY

    def paid_later_in(self, period: Period) -> Period | None:
        """For a period payroll has already run for (exported, or before the last export): the period that pays an
        entry done in it if it is approved now. None for an open period, which pays its own entries."""
        closed = self.closed_through
        return self.paying_period(period[0]) if closed is not None and period[1] <= closed else None


def pay_calendar(org: Organisation) -> PayCalendar:
    """The organisation's pay calendar as it is now (one query)."""
    rows = db.session.execute(
        select(PayrollExport.period_start, PayrollExport.period_end, PayrollExport.exported_at)
        .where(PayrollExport.org_id == org.id)
        .order_by(PayrollExport.period_start)
    ).all()
    return PayCalendar(org, tuple(ExportedPeriod(*row) for row in rows))


def load_pay_calendars(org_ids: Iterable[int]) -> dict[int, PayCalendar]:
    """The organisations with these ids and their pay calendars, by id (one query for both)."""
    org_ids = set(org_ids)
    if not org_ids:
        return {}
    rows = db.session.execute(
        select(Organisation, PayrollExport.period_start, PayrollExport.period_end, PayrollExport.exported_at)
        .outerjoin(PayrollExport, PayrollExport.org_id == Organisation.id)
        .where(Organisation.id.in_(org_ids))
        .order_by(Organisation.id, PayrollExport.period_start)
    ).all()
    orgs: dict[int, Organisation] = {}
    exports: dict[int, list[ExportedPeriod]] = {}
    for org, start, end, at in rows:
        orgs[org.id] = org
        exports.setdefault(org.id, [])
        if start is not None:
            exports[org.id].append(ExportedPeriod(start, end, at))
    return {org_id: PayCalendar(org, tuple(exports[org_id])) for org_id, org in orgs.items()}


def new_schedule_start(org: Organisation) -> date | None:
    """The day periods under a changed pay schedule would begin: the day after the last export (None before any
    export, when the new schedule's periods simply replace the old ones)."""
    closed = pay_calendar(org).closed_through
    return None if closed is None else closed + _DAY


def first_period_after_exports(org: Organisation) -> Period | None:
    """The first pay period after the last export under the current schedule (None before any export): after a
    schedule change, the bridging period."""
    start = new_schedule_start(org)
    return None if start is None else pay_calendar(org).period(start)
