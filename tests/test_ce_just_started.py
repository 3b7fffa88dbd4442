"""Continuing education: nobody is shown "Behind" in the first days of their pace (a new CE year, or their first days
of work). The pace rule and its numbers stay as they are; in the grace days the state is "just started", neutral,
with the hours still needed and the deadline."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from lms import db
from lms.hours import compliance, periods
from lms.hours.ce_standing import PACE_GRACE_DAYS, CEStatus
from lms.hours.ce_years import ce_year, required_minutes
from lms.orgs.models import CEYearBasis, PayPeriod
from tests.hours_reports_helpers import add_entry

YEAR = (date(2027, 1, 1), date(2027, 12, 31))


def _status(today: date, done: int = 0, start: date | None = date(2020, 3, 1), year=YEAR, required: int = 360):
    return CEStatus(1, "Ana", None, None, *year, today, done, required, start)


@pytest.mark.parametrize(("today", "state"), [
    (date(2027, 1, 1), "just_started"),
    (date(2027, 1, 2), "just_started"),  # the pace alone would say behind: 1 minute expected, none done
    (date(2027, 1, 30), "just_started"),  # the 30th day
    (date(2027, 1, 31), "behind"),
    (date(2027, 6, 1), "behind"),
])
def test_grace_days_at_the_start_of_a_ce_year(today, state):
    status = _status(today)
    assert status.state == state
    assert status.is_behind is (state == "behind")
    assert not status.is_first_year  # a returning year, not a newcomer
    assert status.remaining_minutes == 360 and status.required_minutes == 360


def test_the_pace_numbers_do_not_change():
    second_day = _status(date(2027, 1, 2))
    assert second_day.expected_minutes == 360 * 2 // 365 == 1  # the even pace, as before
    on_pace = _status(date(2027, 3, 1), done=200)
    assert on_pace.state == "on_track" and on_pace.expected_minutes == 360 * 60 // 365  # day 60
    assert PACE_GRACE_DAYS == 30


def test_a_newcomer_is_just_started_from_their_first_day_not_the_years():
    start = date(2027, 11, 16)  # 46 days to the end of the year: the grace is a quarter of them, 11 days
    required = -(-360 * 46 // 365)
    first = _status(start, start=start, required=required)
    assert first.state == "just_started" and first.is_first_year and first.remaining_minutes == required
    assert _status(start + timedelta(days=10), start=start, required=required).state == "just_started"
    late = _status(start + timedelta(days=11), start=start, required=required)
    assert late.state == "behind" and late.is_behind  # a short first year still warns in time


def test_a_one_day_year_is_just_started_on_its_day():
    start = date(2027, 12, 31)
    status = _status(start, start=start, required=1)
    assert status.state == "just_started" and status.remaining_minutes == 1


def test_done_is_complete_even_in_the_grace_days_and_later_work_is_not_started():
    assert _status(date(2027, 1, 3), done=360).state == "complete"
    assert _status(date(2027, 1, 3), start=date(2027, 2, 1)).state == "not_started"


def test_anniversary_first_year_counts_as_a_newcomer(make_org):
    org = make_org("acme", ce_year_basis=CEYearBasis.ANNIVERSARY)
    start = date(2026, 11, 20)
    year = ce_year(org, date(2026, 11, 22), start)
    status = _status(date(2026, 11, 22), start=start, year=year, required=required_minutes(org, year, start))
    assert year[0] == start and status.is_first_year and status.state == "just_started"
    next_year = ce_year(org, date(2027, 11, 22), start)
    again = _status(date(2027, 11, 22), start=start, year=next_year, required=360)
    assert not again.is_first_year and again.state == "just_started"


# ---------------------------------------------------------------- pages


@pytest.fixture
def acme(make_org, make_user, add_member):
    manager = make_user(name="Mona Manager")
    org = make_org("acme", manager=manager, name="Acme Clinic", pay_period=PayPeriod.MONTHLY,
                   training_pay_rate_cents=2000)
    veteran = make_user(name="Vera Veteran")
    add_member(org, veteran, employment_start=date(2020, 3, 1))
    newcomer = make_user(name="Nico Newcomer", locale="en")
    add_member(org, newcomer, employment_start=date(2027, 1, 1))
    add_entry(veteran, org, date(2026, 3, 3), 360, paid=date(2026, 3, 1))  # last year's
    db.session.commit()
    return org, manager, newcomer


def _row(html: str, name: str) -> str:
    return html.split(name)[1].split("</tr>")[0]


def test_the_dashboard_shows_just_started_not_behind(client, u, login, acme):
    org, manager, _newcomer = acme
    login(manager)
    html = client.get(u("lms.hours.compliance_dashboard", org_slug=org.slug, on="2027-01-02")).get_data(as_text=True)
    assert "Year just started" in _row(html, "Vera Veteran") and "Behind" not in _row(html, "Vera Veteran")
    assert "Just started" in _row(html, "Nico Newcomer") and "Behind" not in _row(html, "Nico Newcomer")
    assert "6 hours" in _row(html, "Nico Newcomer")  # the hours still needed are shown
    assert 'id="ce-just-started"' in html
    later = client.get(u("lms.hours.compliance_dashboard", org_slug=org.slug, on="2027-03-01")).get_data(as_text=True)
    assert "Behind" in _row(later, "Vera Veteran") and "Behind" in _row(later, "Nico Newcomer")
    assert 'id="ce-just-started"' not in later


def test_a_newcomers_own_page_is_neutral_with_the_hours_needed(client, u, login, acme, monkeypatch):
    _org, _manager, newcomer = acme
    monkeypatch.setattr(periods, "org_today", lambda org: date(2027, 1, 2))
    login(newcomer)
    for endpoint in ("lms.hours.mine", "lms.main.home"):
        html = client.get(u(endpoint)).get_data(as_text=True)
        section = html.split('id="ce-heading"')[1].split("</section>")[0]
        assert "Just started" in section and "Behind" not in section, endpoint
        assert "6 hours" in section, endpoint
    assert "no pace is measured yet" in client.get(u("lms.hours.mine")).get_data(as_text=True)
    assert compliance.list_ce_status(_org, date(2027, 1, 2))[0].state == "just_started"
