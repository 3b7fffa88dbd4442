"""An organisation's pay periods around a day, for programs that pull payroll: which periods exist (bridging ones
after a change of schedule included), which are exported (when, by whom, and the file's SHA-256), which one is
running and which comes next. Built from the pay calendar (:mod:`lms.hours.pay_calendar`), so the dates are exactly
the ones the export accepts; nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from lms.hours.export import ExportSummary, list_exports
from lms.hours.pay_calendar import ExportedPeriod, PayCalendar
from lms.hours.periods import Period, period_containing
from lms.orgs.models import Organisation

#: The most periods before the current one that one call lists.
MAX_PAST = 100


class PeriodState(StrEnum):
    """Where a period stands on the organisation's calendar (``today`` is its day, not UTC's)."""

    EXPORTED = "exported"  # locked: its payroll file exists (it may have been exported before it ended)
    ENDED = "ended"  # over and not exported yet: exporting it needs no confirmation
    RUNNING = "running"  # holds today and is not exported: exporting it now is an early export
    UPCOMING = "upcoming"  # has not started: cannot be exported


@dataclass(frozen=True)
class PeriodOverview:
    start: date
    end: date
    state: PeriodState
    is_current: bool
    #: Shorter than the schedule's period because it was cut at an exported period: the bridging period after a change
    #: of pay schedule, or days between two exports. Never set for an exported period, which keeps its own dates.
    is_bridging: bool
    #: Payroll has already run for a later period (one was exported): approvals are no longer paid in this one.
    payroll_ran_later: bool
    export: ExportSummary | None


def list_periods_around(org: Organisation, today: date, past: int = 6) -> list[PeriodOverview]:
    """The ``past`` periods before the one holding ``today`` (at most :data:`MAX_PAST`), that one and the next, oldest
    first (one query)."""
    exports = list_exports(org)
    calendar = PayCalendar(org, tuple(ExportedPeriod(e.start, e.end, e.exported_at) for e in reversed(exports)))
    current = calendar.period(today)
    periods = [current]
    for _ in range(max(0, min(past, MAX_PAST))):
        periods.insert(0, calendar.previous(periods[0]))
    periods.append(calendar.next(current))
    by_start = {e.start: e for e in exports}
    return [_overview(calendar, period, current, by_start.get(period[0]), today) for period in periods]


def _overview(calendar: PayCalendar, period: Period, current: Period, done: ExportSummary | None,
              today: date) -> PeriodOverview:
    if done is not None:
        state = PeriodState.EXPORTED
    elif period[0] > today:
        state = PeriodState.UPCOMING
    else:
        state = PeriodState.ENDED if period[1] < today else PeriodState.RUNNING
    bridging = done is None and period != period_containing(calendar.org, period[0])
    return PeriodOverview(period[0], period[1], state, period == current, bridging,
                          done is None and calendar.paid_later_in(period) is not None, done)
