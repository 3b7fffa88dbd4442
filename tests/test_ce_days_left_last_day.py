"""The last day of a continuing-education (CE) year is still a day to train: the trainee's hours page and the
manager's dashboard say "Last day today" then, never "0 days left", on the organisation's calendar (at 23:30 Pacific
on 31 December the UTC date is already 1 January). The day after, a new year counts down from its own deadline.
The days left stay the whole days after today, and the dashboard's order still puts the nearest deadline first."""

from __future__ import annotations

from datetime import date

import pytest

from lms import db
from lms.hours import compliance
from lms.hours.ce_standing import CEStatus, dashboard_order
from lms.orgs.models import PayPeriod
from tests.conftest import html_text
from tests.hours_reports_helpers import add_entry
from tests.timezone_clock import freeze, utc

#: 23:30 PST on Thursday 31 December 2026, the last day of the calendar CE year (already 1 January in UTC).
LAST_DAY_LATE = utc(2027, 1, 1, 7, 30)
#: 23:30 PST on 1 January 2027, the first day of the next CE year.
DAY_AFTER_LATE = utc(2027, 1, 2, 7, 30)
#: 23:30 PST on 30 December 2026, the day before the last.
DAY_BEFORE_LATE = utc(2026, 12, 31, 7, 30)


@pytest.fixture
def acme(app, make_user, make_org, add_member, monkeypatch):
    # A sign-in's last_seen_at is set by a column default the frozen clock does not reach (the real time): keep
    # sessions alive however far the frozen day is from the day the suite runs.
    monkeypatch.setitem(app.config, "LMS_SESSION_IDLE_DAYS", 100 * 366)
    boss = make_user("boss@example.org", name="Bea Boss", locale="en")
    org = make_org("acme", manager=boss, name="Acme Clinic", pay_period=PayPeriod.MONTHLY,
                   timezone="America/Los_Angeles", training_pay_rate_cents=2000)
    ana = make_user("ana@example.org", name="Ana Alvarez", locale="en")
    add_member(org, ana, employment_start=date(2020, 1, 1))
    add_entry(ana, org, date(2026, 6, 2), 300, paid=date(2026, 6, 1))
    db.session.commit()
    return org, boss, ana


def _own_section(client, u) -> str:
    page = client.get(u("lms.hours.mine")).get_data(as_text=True)
    return html_text(page.split('id="ce-heading"')[1].split("</section>")[0])


def _days_left_cell(client, u, **args) -> str:
    page = client.get(u("lms.hours.compliance_dashboard", org_slug="acme", **args)).get_data(as_text=True)
    cell = page.split('data-label="Days left" class="num">')[1].split("</td>")[0]
    return html_text(cell).strip()


def test_at_2330_pacific_on_the_last_day_the_pages_say_last_day_today(acme, client, u, login, monkeypatch):
    org, boss, ana = acme
    freeze(monkeypatch, LAST_DAY_LATE)
    [status] = compliance.list_ce_status(org, org.today())
    assert (status.today, status.year_end, status.days_left, status.is_last_day) == (
        date(2026, 12, 31), date(2026, 12, 31), 0, True)
    login(ana)
    section = _own_section(client, u)
    assert "Dec 31, 2026 · Last day today" in section
    assert "0 days left" not in section and "day left" not in section
    login(boss)
    assert _days_left_cell(client, u) == "Last day today"


def test_the_day_after_a_new_year_counts_down(acme, client, u, login, monkeypatch):
    org, boss, ana = acme
    freeze(monkeypatch, DAY_AFTER_LATE)
    [status] = compliance.list_ce_status(org, org.today())
    assert (status.year_start, status.year_end, status.days_left, status.is_last_day) == (
        date(2027, 1, 1), date(2027, 12, 31), 364, False)
    login(ana)
    section = _own_section(client, u)
    assert "Dec 31, 2027 · 364 days left" in section and "Last day" not in section
    login(boss)
    assert _days_left_cell(client, u) == "364"
    # As of the past year's last day (?on=), that day was the last, but it is not today any more.
    assert _days_left_cell(client, u, on="2026-12-31") == "Last day"


def test_the_day_before_the_last_one_day_is_left(acme, client, u, login, monkeypatch):
    _org, boss, ana = acme
    freeze(monkeypatch, DAY_BEFORE_LATE)
    login(ana)
    assert "Dec 31, 2026 · 1 day left" in _own_section(client, u)
    login(boss)
    assert _days_left_cell(client, u) == "1"


def _behind(name: str, year_start: date, year_end: date, done: int) -> CEStatus:
    return CEStatus(len(name), name, None, None, year_start, year_end, date(2026, 12, 31), done, 360,
                    employment_start=date(2019, 1, 1))


def test_the_last_day_sorts_as_the_nearest_deadline():
    """Equally far behind the pace: the one whose year ends today comes before one with days left."""
    later = _behind("Ann Later", date(2026, 1, 11), date(2027, 1, 10), 290)  # pace 350 by today
    today = _behind("Zoe Today", date(2026, 1, 1), date(2026, 12, 31), 300)  # pace 360 by today
    assert later.state == today.state == "behind"
    assert later.done_minutes - later.expected_minutes == today.done_minutes - today.expected_minutes == -60
    assert (today.days_left, later.days_left) == (0, 10)
    assert sorted([later, today], key=dashboard_order) == [today, later]
