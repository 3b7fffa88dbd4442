"""Continuing-education (CE) years and what a person owes in one.

DHCS asks for at least 6 hours of continuing education a year "in core competencies and/or specialty areas" without
saying what a year is, so each organisation chooses (``Organisation.ce_year_basis``): the calendar year, a fiscal year
starting on the 1st of ``ce_fiscal_start_month``, or each person's employment anniversary (``Membership.
employment_start``; a 29 February start has its anniversary on 1 March in common years; no start date falls back
to the calendar year). The minimum is ``Organisation.ce_annual_minimum_minutes`` (default 360).

People who start during a CE year (calendar or fiscal basis; an anniversary year starts on the first day of work)
owe the minimum pro rata for the days of the year they are employed, rounded up to the minute. DHCS does not say
what a partial first year owes; pro rata keeps a December hire from being overdue for a year they mostly did not work.

Someone who left and joined again (``lms.orgs.history``) starts a new employment: on the anniversary basis their
anniversary is the new start date, so their CE years begin again from it, and hours done before it stay in the
earlier years. On the calendar and fiscal bases the year is everyone's; their first day in it is the start of the
earliest period of employment that overlaps it (a gap between two periods is not taken off what they owe).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from lms.orgs.history import Stint
from lms.orgs.models import CEYearBasis, Organisation

Year = tuple[date, date]


def _anniversary(year: int, like: date) -> date:
    """``like``'s month and day in ``year``; 29 February becomes 1 March in common years."""
    try:
        return like.replace(year=year)
    except ValueError:
        return date(year, 3, 1)


def ce_year(org: Organisation, day: date, employment_start: date | None = None) -> Year:
    """The CE year (inclusive start and end) containing ``day`` for a person of ``org``."""
    basis = org.ce_year_basis
    if basis is CEYearBasis.ANNIVERSARY and employment_start is not None:
        day = max(day, employment_start)  # before the first day of work: the first CE year
        year = day.year if _anniversary(day.year, employment_start) <= day else day.year - 1
        return _anniversary(year, employment_start), _anniversary(year + 1, employment_start) - timedelta(days=1)
    if basis is CEYearBasis.FISCAL:
        month = org.ce_fiscal_start_month
        year = day.year if day.month >= month else day.year - 1
        return date(year, month, 1), date(year + 1, month, 1) - timedelta(days=1)
    return date(day.year, 1, 1), date(day.year, 12, 31)


def required_minutes(org: Organisation, year: Year, employment_start: date | None) -> int:
    """The CE minimum a person owes for ``year``: the organisation's minimum, pro rata by the days employed in it
    when they started during the year (rounded up, so never less than the share)."""
    start, end = year
    minimum = org.ce_annual_minimum_minutes
    if employment_start is None or employment_start <= start:
        return minimum
    if employment_start > end:
        return 0
    return -(-minimum * ((end - employment_start).days + 1) // ((end - start).days + 1))


def first_day_of_work(start: date | None, year: Year, periods: Iterable[Stint]) -> date | None:
    """The first day of work counted in ``year`` for someone whose period starts on ``start``: the earliest start
    of ``periods`` (their earlier ones) that overlap the year, when earlier; None (the whole year) when such a
    period's start was not recorded."""
    first = start
    for period in periods:
        if period.end is not None and period.end >= year[0] and (period.start is None or period.start <= year[1]):
            if period.start is None:
                return None
            first = period.start if first is None or period.start < first else first
    return first
