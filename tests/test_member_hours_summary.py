"""A staff member's page sums up their hours: approved and awaiting approval in this pay period and in this
continuing-education year, in the reader's language, in a fixed number of queries however many entries they have."""

from __future__ import annotations

from datetime import date

import pytest

from lms import db
from lms.hours.ce_years import ce_year
from lms.hours.models import EntryStatus
from lms.hours.pay_calendar import pay_calendar
from lms.hours.periods import org_today
from lms.orgs.models import PayPeriod
from tests.hours_reports_helpers import add_entry


def _hours_section(response) -> str:
    page = response.get_data(as_text=True).replace("\u202f", " ").replace("\xa0", " ")
    return page[page.index('id="hours-heading"'):page.index('id="ce-heading"')]


@pytest.fixture
def acme(make_user, make_org, add_member):
    boss = make_user("boss@example.org", name="Bea Boss")
    org = make_org("acme", manager=boss, pay_period=PayPeriod.MONTHLY)
    lupe = add_member(org, make_user("lupe@example.org", name="Lupe Ortiz"), employment_start=date(2020, 1, 1))
    today = org_today(org)
    period = pay_calendar(org).period(today)
    year = ce_year(org, today, date(2020, 1, 1))
    user = lupe.user
    add_entry(user, org, period[0], 90, paid=period[0])  # approved in the period (and the CE year)
    add_entry(user, org, period[0], 30, status=EntryStatus.PENDING)
    if year[0] < period[0]:  # earlier in the CE year: counts there, not in the period
        add_entry(user, org, year[0], 120, paid=year[0])
        add_entry(user, org, year[0], 45, status=EntryStatus.PENDING)
    add_entry(user, org, period[0], 60, status=EntryStatus.REJECTED)  # never counted
    db.session.commit()
    return org, boss, lupe, period, year


def test_the_page_sums_up_the_period_and_the_ce_year(client, u, login, acme):
    org, boss, lupe, period, year = acme
    login(boss)
    hours = _hours_section(client.get(u("lms.orgs.member", org_slug="acme", membership_id=lupe.id)))
    earlier = year[0] < period[0]
    assert "This pay period (" in hours and "1 hour 30 minutes approved, 30 minutes awaiting approval" in hours
    assert "This continuing-education year (" in hours
    ce_line = ("3 hours 30 minutes approved, 1 hour 15 minutes awaiting approval" if earlier
               else "1 hour 30 minutes approved, 30 minutes awaiting approval")
    assert hours.count(ce_line) >= 1
    assert "Timesheet" in hours  # the links are still there


def test_in_spanish(client, u, login, acme):
    org, boss, lupe, _period, _year = acme
    boss.locale = "es"
    db.session.commit()
    login(boss)
    hours = _hours_section(client.get(u("lms.orgs.member", org_slug="acme", membership_id=lupe.id)))
    # numbers and dates in the reader's language (the sentences await their Spanish translation)
    assert "1 hora 30 minutos" in hours and "30 minutos" in hours and "dic 2026" in hours


def test_the_summary_costs_the_same_queries_for_many_entries(client, u, login, acme, count_queries):
    org, boss, lupe, period, _year = acme
    login(boss)
    path = u("lms.orgs.member", org_slug="acme", membership_id=lupe.id)
    client.get(path)
    with count_queries() as few:
        client.get(path)
    for n in range(20):
        add_entry(lupe.user, org, period[0], 10, paid=period[0])
        add_entry(lupe.user, org, period[0], 5, status=EntryStatus.PENDING)
    db.session.commit()
    with count_queries() as many:
        assert client.get(path).status_code == 200
    assert many.count == few.count
