"""Hours, pay periods and continuing-education years at the moments where California's date and the server's (UTC)
date differ: every evening from 16:00 Pacific the UTC date is already tomorrow, and on the daylight-saving days
(2026-03-08, 2026-11-01) the Pacific day has 23 or 25 hours. "Today" is the person's date (their own entries) or the
organisation's (its pay periods, exports and CE years), never the server's. Time is frozen with
:mod:`tests.timezone_clock`."""

from __future__ import annotations

from datetime import date

import pytest

from lms import db
from lms.errors import DomainError
from lms.hours import compliance, export
from lms.hours.pay_calendar import pay_calendar
from lms.hours.periods import org_today
from lms.i18n import today_for
from lms.orgs.models import CEYearBasis, PayPeriod
from tests.api_support import bearer
from tests.hours_reports_helpers import add_entry
from tests.test_hours_ledger import entries_of, external, form_token
from tests.timezone_clock import freeze, utc

LA = "America/Los_Angeles"
#: Monday 7 December 2026, 07:10 UTC: still Sunday 6 December, 23:10 PST, in California.
SUNDAY_NIGHT = utc(2026, 12, 7, 7, 10)
#: Fifty minutes later: Monday 7 December, 00:10 PST.
MONDAY_EARLY = utc(2026, 12, 7, 8, 10)


@pytest.fixture
def clock(app, monkeypatch):
    return freeze(monkeypatch, SUNDAY_NIGHT)


@pytest.fixture
def weekly(make_user, make_org, add_member, clock):
    """A Los Angeles organisation paid weekly, Monday to Sunday (the anchor 2026-01-05 is a Monday)."""
    manager = make_user("boss@example.org", name="Bea Boss")
    org = make_org("acme", manager=manager, pay_period=PayPeriod.WEEKLY, timezone=LA, training_pay_rate_cents=2000)
    ana = make_user("ana@example.org", name="Ana Alvarez")  # no zone of her own: the site's default, Los Angeles
    add_member(org, ana, employee_id="E-1", employment_start=date(2025, 1, 1))
    return org, manager, ana


def _periods(client, u, manager) -> dict:
    response = client.get(u("lms.api.org_pay_periods", org_slug="acme"), headers=bearer(manager))
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.json


# ---------------------------------------------------------------- "today" is California's in the evening


@pytest.mark.parametrize("zone", [None, LA, "US/Pacific"])
def test_late_evening_today_is_the_persons_date_not_the_servers(weekly, zone):
    _org, _manager, ana = weekly
    ana.timezone = zone
    db.session.commit()
    assert today_for(ana) == date(2026, 12, 6)  # the server's date is already 7 December


def test_an_entry_for_the_utc_date_is_refused_in_the_evening_and_accepted_after_midnight(weekly, clock):
    _org, _manager, ana = weekly
    with pytest.raises(DomainError, match="cannot be in the future"):
        external(ana, key="k-tomorrow", day=date(2026, 12, 7))
    assert external(ana, key="k-today", day=date(2026, 12, 6)).activity_date == date(2026, 12, 6)
    clock.set(MONDAY_EARLY)
    assert external(ana, key="k-monday", day=date(2026, 12, 7)).activity_date == date(2026, 12, 7)


def test_the_web_form_and_the_api_refuse_the_utc_date_in_the_evening(client, u, login, weekly):
    _org, _manager, ana = weekly
    login(ana)
    path = u("lms.hours.submit_external")
    token, key = form_token(client, path)
    fields = {"csrf_token": token, "idempotency_key": key, "title": "Workshop", "hours": "1", "minutes": "0"}
    refused = client.post(path, data={**fields, "activity_date": "2026-12-07"})
    assert refused.status_code == 400 and "The date cannot be in the future." in refused.get_data(as_text=True)
    api = client.post(u("lms.api.submit_hours"), json={"title": "Workshop", "activity_date": "2026-12-07", "minutes": 60},
                      headers={**bearer(ana), "Idempotency-Key": "api-1"})
    assert api.status_code == 400 and "future" in api.json["error"]["message"]
    assert entries_of(ana) == []
    accepted = client.post(u("lms.api.submit_hours"), json={"title": "Workshop", "activity_date": "2026-12-06",
                                                            "minutes": 60},
                           headers={**bearer(ana, name="second"), "Idempotency-Key": "api-2"})
    assert accepted.status_code == 201 and accepted.json["activity_date"] == "2026-12-06"


def test_a_person_in_another_zone_has_their_own_today(weekly):
    _org, _manager, ana = weekly
    ana.timezone = "America/New_York"  # 02:10 on Monday 7 December there
    db.session.commit()
    assert external(ana, key="k-ny", day=date(2026, 12, 7)).activity_date == date(2026, 12, 7)


# ---------------------------------------------------------------- pay periods and exports


def test_the_current_pay_period_is_the_one_holding_californias_today(client, u, weekly, clock):
    _org, manager, _ana = weekly
    body = _periods(client, u, manager)
    assert body["today"] == "2026-12-06"
    current, = (p for p in body["periods"] if p["current"])
    assert (current["start"], current["end"], current["state"]) == ("2026-11-30", "2026-12-06", "running")
    assert body["periods"][-1]["start"] == "2026-12-07" and body["periods"][-1]["state"] == "upcoming"
    clock.set(MONDAY_EARLY)
    body = _periods(client, u, manager)
    ended = next(p for p in body["periods"] if p["start"] == "2026-11-30")
    assert body["today"] == "2026-12-07" and ended["state"] == "ended" and not ended["current"]


def test_a_period_is_not_over_until_midnight_in_the_organisations_zone(weekly, clock):
    org, manager, ana = weekly
    add_entry(ana, org, date(2026, 12, 6), 60, paid=date(2026, 11, 30))
    db.session.commit()
    with pytest.raises(export.PeriodNotOver, match="runs until December 6, 2026"):
        export.export_period(org, date(2026, 11, 30), manager)
    db.session.rollback()
    with pytest.raises(DomainError, match="has not started yet"):
        export.export_period(org, date(2026, 12, 7), manager)  # the UTC date's period
    db.session.rollback()
    clock.set(MONDAY_EARLY)
    done = export.export_period(org, date(2026, 11, 30), manager)
    db.session.commit()
    assert (done.period_start, done.period_end, done.row_count) == (date(2026, 11, 30), date(2026, 12, 6), 1)


def test_semimonthly_the_15th_lasts_until_midnight_pacific(client, u, make_user, make_org, clock):
    manager = make_user("boss@example.org", name="Bea Boss")
    make_org("acme", manager=manager, pay_period=PayPeriod.SEMIMONTHLY, timezone=LA)
    clock.set(utc(2026, 12, 16, 7, 59))  # 23:59 PST on the 15th
    body = _periods(client, u, manager)
    current, = (p for p in body["periods"] if p["current"])
    assert (body["today"], current["start"], current["end"], current["state"]) == (
        "2026-12-15", "2026-12-01", "2026-12-15", "running")
    clock.set(utc(2026, 12, 16, 8, 0))  # midnight
    body = _periods(client, u, manager)
    current, = (p for p in body["periods"] if p["current"])
    assert (body["today"], current["start"], current["end"]) == ("2026-12-16", "2026-12-16", "2026-12-31")


def test_biweekly_boundary_in_the_evening(make_user, make_org, clock):
    org = make_org("acme", manager=make_user("boss@example.org"), pay_period=PayPeriod.BIWEEKLY, timezone=LA)
    assert pay_calendar(org).period(org_today(org)) == (date(2026, 11, 23), date(2026, 12, 6))
    clock.set(MONDAY_EARLY)
    assert pay_calendar(org).period(org_today(org)) == (date(2026, 12, 7), date(2026, 12, 20))


# ---------------------------------------------------------------- the daylight-saving days


@pytest.mark.parametrize(("now", "expected"), [
    (utc(2026, 3, 8, 7, 59), date(2026, 3, 7)),  # 23:59 PST on Saturday
    (utc(2026, 3, 8, 8, 0), date(2026, 3, 8)),  # midnight PST: the 23-hour day begins
    (utc(2026, 3, 9, 6, 59), date(2026, 3, 8)),  # 23:59 PDT: its last minute
    (utc(2026, 3, 9, 7, 0), date(2026, 3, 9)),
    (utc(2026, 11, 1, 6, 59), date(2026, 10, 31)),  # 23:59 PDT
    (utc(2026, 11, 1, 8, 30), date(2026, 11, 1)),  # 01:30 PDT, the first time
    (utc(2026, 11, 1, 9, 30), date(2026, 11, 1)),  # 01:30 PST, the second time
    (utc(2026, 11, 2, 7, 59), date(2026, 11, 1)),  # 23:59 PST: the 25-hour day's last minute
    (utc(2026, 11, 2, 8, 0), date(2026, 11, 2)),
])
def test_today_across_the_daylight_saving_days(weekly, clock, now, expected):
    org, _manager, ana = weekly
    clock.set(now)
    assert org_today(org) == today_for(ana) == expected


def test_an_entry_on_the_short_spring_day_is_accepted_that_evening(weekly, clock):
    _org, _manager, ana = weekly
    clock.set(utc(2026, 3, 9, 6, 30))  # 23:30 PDT on 8 March; UTC is 9 March
    with pytest.raises(DomainError, match="cannot be in the future"):
        external(ana, key="k-9", day=date(2026, 3, 9))
    assert external(ana, key="k-8", day=date(2026, 3, 8)).activity_date == date(2026, 3, 8)


# ---------------------------------------------------------------- continuing-education years


def test_new_years_eve_late_evening_is_still_last_years_ce_year(make_user, make_org, add_member, clock):
    org = make_org("acme", manager=make_user("boss@example.org"), timezone=LA, ce_year_basis=CEYearBasis.CALENDAR,
                   ce_annual_minimum_minutes=360)
    ana = make_user("ana@example.org", name="Ana")
    membership = add_member(org, ana, employment_start=date(2025, 1, 1))
    add_entry(ana, org, date(2026, 12, 31), 360, paid=date(2026, 12, 28))
    db.session.commit()
    clock.set(utc(2027, 1, 1, 7, 30))  # 23:30 PST on 31 December 2026
    status = compliance.ce_status(org, membership, org_today(org))
    assert (status.year_start, status.year_end, status.done_minutes, status.remaining_minutes) == (
        date(2026, 1, 1), date(2026, 12, 31), 360, 0)
    clock.set(utc(2027, 1, 1, 8, 0))  # midnight: the new year owes its own hours
    status = compliance.ce_status(org, membership, org_today(org))
    assert (status.year_start, status.done_minutes) == (date(2027, 1, 1), 0)


def test_the_api_export_is_early_until_midnight_pacific_and_the_file_has_californian_dates(client, u, weekly, clock):
    org, manager, ana = weekly
    add_entry(ana, org, date(2026, 12, 6), 60, paid=date(2026, 11, 30))  # Sunday, the period's last day
    add_entry(ana, org, date(2026, 12, 7), 30, paid=date(2026, 12, 7))  # Monday: the next period's
    db.session.commit()
    headers = bearer(manager)
    args = {"org_slug": "acme", "start": "2026-11-30", "end": "2026-12-06"}
    early = client.get(u("lms.api.org_timesheets_csv", **args), headers=headers)
    assert early.status_code == 409 and "runs until 2026-12-06" in early.json["error"]["message"]
    draft = client.get(u("lms.api.org_timesheets_draft_csv", **args), headers=headers).get_data(as_text=True)
    assert ",2026-12-06," in draft and "2026-12-07" not in draft
    clock.set(MONDAY_EARLY)
    done = client.get(u("lms.api.org_timesheets_csv", **args), headers=headers)
    assert done.status_code == 200, done.get_data(as_text=True)
    lines = done.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert lines[0].startswith("employee_id,name,period_start,period_end,date,")
    rows = [line.split(",") for line in lines[1:]]
    assert [(row[2], row[3], row[4], row[6]) for row in rows] == [("2026-11-30", "2026-12-06", "2026-12-06", "60")]
