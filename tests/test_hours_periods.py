"""Pay-period arithmetic (pure) and period locking by payroll exports."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import pairwise

import pytest

from lms import db
from lms.hours import periods
from lms.hours.models import PayrollExport
from lms.hours.periods import period_for
from lms.orgs.models import PayPeriod

W, B, S, M = PayPeriod.WEEKLY, PayPeriod.BIWEEKLY, PayPeriod.SEMIMONTHLY, PayPeriod.MONTHLY
ANCHOR = date(2026, 1, 5)  # a Monday


class FakeOrg:
    def __init__(self, kind: PayPeriod, anchor: date = ANCHOR, id: int = 0) -> None:
        self.pay_period, self.pay_period_anchor, self.id = kind, anchor, id


@pytest.mark.parametrize(("day", "expected"), [
    (date(2026, 1, 5), (date(2026, 1, 5), date(2026, 1, 11))),
    (date(2026, 1, 11), (date(2026, 1, 5), date(2026, 1, 11))),
    (date(2026, 1, 12), (date(2026, 1, 12), date(2026, 1, 18))),
    (date(2026, 1, 4), (date(2025, 12, 29), date(2026, 1, 4))),  # before the anchor, across the year boundary
    (date(2025, 12, 29), (date(2025, 12, 29), date(2026, 1, 4))),
    (date(2024, 2, 29), (date(2024, 2, 26), date(2024, 3, 3))),
    (date(2030, 6, 15), (date(2030, 6, 10), date(2030, 6, 16))),
])
def test_weekly(day, expected):
    assert period_for(W, ANCHOR, day) == expected


@pytest.mark.parametrize(("day", "expected"), [
    (date(2026, 1, 5), (date(2026, 1, 5), date(2026, 1, 18))),
    (date(2026, 1, 18), (date(2026, 1, 5), date(2026, 1, 18))),
    (date(2026, 1, 19), (date(2026, 1, 19), date(2026, 2, 1))),
    (date(2026, 1, 4), (date(2025, 12, 22), date(2026, 1, 4))),
    (date(2025, 12, 22), (date(2025, 12, 22), date(2026, 1, 4))),
    (date(2025, 12, 21), (date(2025, 12, 8), date(2025, 12, 21))),
    (date(2024, 2, 29), (date(2024, 2, 19), date(2024, 3, 3))),
    (date(2026, 12, 31), (date(2026, 12, 21), date(2027, 1, 3))),
    (date(2027, 1, 4), (date(2027, 1, 4), date(2027, 1, 17))),
])
def test_biweekly_from_anchor_both_directions(day, expected):
    assert period_for(B, ANCHOR, day) == expected


@pytest.mark.parametrize(("day", "expected"), [
    (date(2026, 1, 1), (date(2026, 1, 1), date(2026, 1, 15))),
    (date(2026, 1, 15), (date(2026, 1, 1), date(2026, 1, 15))),
    (date(2026, 1, 16), (date(2026, 1, 16), date(2026, 1, 31))),
    (date(2026, 2, 28), (date(2026, 2, 16), date(2026, 2, 28))),
    (date(2024, 2, 29), (date(2024, 2, 16), date(2024, 2, 29))),
    (date(2024, 2, 16), (date(2024, 2, 16), date(2024, 2, 29))),
    (date(2026, 4, 30), (date(2026, 4, 16), date(2026, 4, 30))),
    (date(2025, 12, 31), (date(2025, 12, 16), date(2025, 12, 31))),
])
def test_semimonthly(day, expected):
    assert period_for(S, ANCHOR, day) == expected


@pytest.mark.parametrize(("day", "expected"), [
    (date(2026, 1, 31), (date(2026, 1, 1), date(2026, 1, 31))),
    (date(2023, 2, 14), (date(2023, 2, 1), date(2023, 2, 28))),
    (date(2024, 2, 14), (date(2024, 2, 1), date(2024, 2, 29))),
    (date(2000, 2, 1), (date(2000, 2, 1), date(2000, 2, 29))),  # divisible by 400: leap
    (date(2100, 2, 1), (date(2100, 2, 1), date(2100, 2, 28))),  # divisible by 100: not
    (date(2026, 12, 31), (date(2026, 12, 1), date(2026, 12, 31))),
])
def test_monthly(day, expected):
    assert period_for(M, ANCHOR, day) == expected


@pytest.mark.parametrize("kind", list(PayPeriod))
@pytest.mark.parametrize("anchor", [ANCHOR, date(2024, 2, 29), date(2031, 7, 17)])
def test_periods_tile_the_calendar_without_gaps_or_overlaps(kind, anchor):
    org = FakeOrg(kind, anchor)
    start, end = date(2023, 11, 20), date(2025, 3, 10)
    found = list(periods.periods_between(org, start, end))
    assert found[0][0] <= start <= found[0][1] and found[-1][0] <= end <= found[-1][1]
    for (s1, e1), (s2, _e2) in pairwise(found):
        assert e1 + timedelta(days=1) == s2
    day = start
    while day <= end:
        s, e = periods.period_containing(org, day)
        assert s <= day <= e and periods.period_containing(org, s) == (s, e) == periods.period_containing(org, e)
        day += timedelta(days=1)


@pytest.mark.parametrize("kind", list(PayPeriod))
def test_next_and_previous_period(kind):
    org = FakeOrg(kind)
    period = periods.period_containing(org, date(2024, 2, 20))
    following = periods.next_period(org, period[0])
    assert following[0] == period[1] + timedelta(days=1)
    assert periods.next_period(org, period[1]) == following  # any day of the period works
    assert periods.previous_period(org, following[0]) == period


def test_next_period_across_year_and_february():
    assert periods.next_period(FakeOrg(S), date(2024, 2, 16)) == (date(2024, 3, 1), date(2024, 3, 15))
    assert periods.next_period(FakeOrg(M), date(2025, 12, 1)) == (date(2026, 1, 1), date(2026, 1, 31))
    assert periods.next_period(FakeOrg(B), date(2025, 12, 22)) == (date(2026, 1, 5), date(2026, 1, 18))


def test_is_period():
    org = FakeOrg(S)
    assert periods.is_period(org, date(2024, 2, 16), date(2024, 2, 29))
    assert not periods.is_period(org, date(2024, 2, 16), date(2024, 2, 28))
    assert not periods.is_period(org, date(2024, 2, 17), date(2024, 2, 29))


def _lock(org, start, end):
    db.session.add(PayrollExport(org_id=org.id, period_start=start, period_end=end, content=b"", sha256="0" * 64,
                                 row_count=0))
    db.session.flush()


def test_locking_and_open_period(make_org):
    org = make_org(pay_period=PayPeriod.SEMIMONTHLY)
    day = date(2026, 3, 10)
    assert not periods.is_locked(org, date(2026, 3, 1))
    assert periods.open_period_for(org, day) == (date(2026, 3, 1), date(2026, 3, 15))
    _lock(org, date(2026, 3, 1), date(2026, 3, 15))
    assert periods.is_locked(org, date(2026, 3, 1))
    assert periods.open_period_for(org, day) == (date(2026, 3, 16), date(2026, 3, 31))
    _lock(org, date(2026, 3, 16), date(2026, 3, 31))
    assert periods.open_period_for(org, day) == (date(2026, 4, 1), date(2026, 4, 15))
    # Payroll has run through 2026-03-31: February, never exported, is closed too, so a late approval of a February
    # day is paid after the last export rather than in a period no export will ever pick up again.
    assert periods.open_period_for(org, date(2026, 2, 20)) == (date(2026, 4, 1), date(2026, 4, 15))
    assert periods.open_period_for(org, date(2026, 4, 20)) == (date(2026, 4, 16), date(2026, 4, 30))


def test_locks_are_per_organisation(make_org):
    one = make_org("one", pay_period=PayPeriod.MONTHLY)
    two = make_org("two", pay_period=PayPeriod.MONTHLY)
    _lock(one, date(2026, 5, 1), date(2026, 5, 31))
    assert periods.open_period_for(one, date(2026, 5, 2))[0] == date(2026, 6, 1)
    assert periods.open_period_for(two, date(2026, 5, 2))[0] == date(2026, 5, 1)
