"""Pay periods: which period a day falls in, the next one, and whether a period is locked by a payroll export.

Periods are inclusive ``(start, end)`` date pairs derived from ``Organisation.pay_period``:

- weekly and biweekly: runs of 7 or 14 days counted from ``Organisation.pay_period_anchor`` (any day that starts a
  period); days before the anchor fall in the periods counted backwards from it.
- semimonthly: the 1st to the 15th and the 16th to the last day of each month.
- monthly: the 1st to the last day of each month.

The arithmetic functions are pure (``period_for(kind, anchor, day)``); the ``org`` versions read the two settings.
These are the *schedule's* periods. Pages and exports use the organisation's pay calendar
(:mod:`lms.hours.pay_calendar`): exported periods as they were exported, and these periods around them, cut where
they would overlap an export (after a change of pay period or anchor).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator
from datetime import date, timedelta

from sqlalchemy import select

from lms import db
from lms.hours.models import PayrollExport
from lms.orgs.models import Organisation, PayPeriod

Period = tuple[date, date]

_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
#: Days a page or export may ask for: period arithmetic near date.min or date.max would overflow.
EARLIEST_DAY, LATEST_DAY = date(1900, 1, 1), date(2999, 12, 31)

_DAYS = {PayPeriod.WEEKLY: 7, PayPeriod.BIWEEKLY: 14}


def _last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def period_for(kind: PayPeriod, anchor: date, day: date) -> Period:
    """The period of ``kind`` (anchored at ``anchor`` for weekly/biweekly) that contains ``day``."""
    if kind in _DAYS:
        length = _DAYS[kind]
        # Floor division rounds towards minus infinity, so days before the anchor land in earlier periods.
        start = anchor + timedelta(days=((day - anchor).days // length) * length)
        return start, start + timedelta(days=length - 1)
    if kind is PayPeriod.SEMIMONTHLY:
        if day.day <= 15:
            return day.replace(day=1), day.replace(day=15)
        return day.replace(day=16), _last_day(day.year, day.month)
    if kind is PayPeriod.MONTHLY:
        return day.replace(day=1), _last_day(day.year, day.month)
    raise ValueError(f"unknown pay period {kind!r}")


def parse_day(text: str | None) -> date | None:
    """``YYYY-MM-DD`` to a date; anything else (including valid ISO variants such as ``20260105``) gives None."""
    if not text or not _ISO_DAY.fullmatch(text):
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return None
    return day if EARLIEST_DAY <= day <= LATEST_DAY else None


def org_today(org: Organisation) -> date:
    """Today's date where the organisation is (pay periods and CE years follow its calendar, not UTC's)."""
    return org.today()


def period_containing(org: Organisation, day: date) -> Period:
    """The organisation's pay period (inclusive start and end) that contains ``day``."""
    return period_for(org.pay_period, org.pay_period_anchor, day)


def next_period(org: Organisation, start: date) -> Period:
    """The pay period after the one containing ``start``."""
    return period_containing(org, period_containing(org, start)[1] + timedelta(days=1))


def previous_period(org: Organisation, start: date) -> Period:
    """The pay period before the one containing ``start``."""
    return period_containing(org, period_containing(org, start)[0] - timedelta(days=1))


def periods_between(org: Organisation, start: date, end: date) -> Iterator[Period]:
    """Every pay period that overlaps ``start``..``end`` (inclusive), in order."""
    period = period_containing(org, start)
    while period[0] <= end:
        yield period
        period = period_containing(org, period[1] + timedelta(days=1))


def is_period(org: Organisation, start: date, end: date) -> bool:
    """True if ``start``..``end`` is exactly one of the organisation's pay periods."""
    return period_containing(org, start) == (start, end)


def is_locked(org: Organisation, period_start: date) -> bool:
    """True once the period starting ``period_start`` has been exported to payroll (and so can take no more hours)."""
    found = db.session.execute(
        select(PayrollExport.id).where(PayrollExport.org_id == org.id, PayrollExport.period_start == period_start)
    ).first()
    return found is not None


def exported_periods(org: Organisation) -> tuple[set[date], date | None]:
    """The starts of the organisation's exported periods, and the last day any export covers (one query)."""
    rows = db.session.execute(
        select(PayrollExport.period_start, PayrollExport.period_end).where(PayrollExport.org_id == org.id)
    ).all()
    return {start for start, _end in rows}, max((end for _start, end in rows), default=None)


def paying_period(org: Organisation, day: date, exported: set[date], closed_through: date | None) -> Period:
    """The period that pays an entry approved now for work done on ``day``: the period containing ``day``, unless
    payroll already ran for that day (on or before ``closed_through``, the last day an export covers: a later period
    was exported even if this one never was), then the first period after ``closed_through``.

    Periods after the last export are the schedule's periods, except that the first one starts the day after
    ``closed_through`` when the schedule's period holding that day began earlier (after a change of pay period or
    anchor: a shorter, bridging period), so no open period ever overlaps an exported one. The same rule gives the
    pages' periods (:class:`lms.hours.pay_calendar.PayCalendar`). ``exported`` (the exported starts) is not needed
    for that: no export ends after ``closed_through``; it stays for the callers that pass it."""
    if closed_through is not None and day <= closed_through:
        day = closed_through + timedelta(days=1)
    start, end = period_containing(org, day)
    if closed_through is not None and start <= closed_through:
        start = closed_through + timedelta(days=1)
    return start, end


def open_period_for(org: Organisation, day: date) -> Period:
    """:func:`paying_period` with the organisation's exports (one query)."""
    return paying_period(org, day, *exported_periods(org))


def lock_for_approval(org: Organisation) -> None:
    """Call before ``open_period_for`` when approving: a shared row lock on the organisation (PostgreSQL), so an
    approval and a payroll export of the same organisation never interleave. Approvals do not block each other; an
    export (which takes the exclusive lock) waits for approvals in flight and they wait for it, so every approval
    lands either inside the exported file or in a later period. On SQLite both take the write lock before reading
    the exports (a plain read there would see the state before an export in progress commits)."""
    db.lock_row(org, shared=True)


def lock_for_export(org: Organisation) -> None:
    """The exclusive counterpart of :func:`lock_for_approval`, taken by the payroll export."""
    db.lock_row(org)
