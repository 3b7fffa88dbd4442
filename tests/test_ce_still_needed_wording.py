"""Continuing education once the year's hours are complete: the hours page, the home page and the manager's dashboard
say the same thing for "still needed" (never "0 minutes" among values in hours, never a blank), and write the
deadline in one date format (the medium one of the CE year, "Dec 31, 2026")."""

from __future__ import annotations

import re
from datetime import date
from html import unescape

import pytest

from lms import db
from lms.hours import periods
from lms.orgs.models import PayPeriod
from tests.hours_reports_helpers import add_entry

TODAY = date(2026, 12, 6)
NONE = "None — complete"


@pytest.fixture
def world(make_org, make_user, add_member, monkeypatch):
    """Ana has 7 approved hours of the 6 her employer asks this calendar year; Ben has 2."""
    monkeypatch.setattr(periods, "org_today", lambda org: TODAY)
    boss = make_user(name="Bea Boss")
    org = make_org("acme", name="Acme Clinic", manager=boss, pay_period=PayPeriod.MONTHLY, training_pay_rate_cents=2000)
    ana, ben = make_user(name="Ana Ruiz", locale="en"), make_user(name="Ben Blue", locale="en")
    for person, minutes in ((ana, 420), (ben, 120)):
        add_member(org, person, employment_start=date(2020, 1, 6))
        add_entry(person, org, date(2026, 3, 3), minutes, paid=date(2026, 3, 1))
    db.session.commit()
    return {"org": org, "boss": boss, "ana": ana, "ben": ben}


def _section(client, url: str) -> str:
    html = client.get(url).get_data(as_text=True)
    return unescape(re.sub(r"\s+", " ", html.split('id="ce-heading"')[1].split("</section>")[0]))


def test_hours_page_says_none_still_needed_and_the_deadline_as_the_year(client, u, login, world):
    login(world["ana"])
    section = _section(client, u("lms.hours.mine"))
    assert f"Still needed</dt><dd>{NONE}</dd>" in section and "0 minutes" not in section
    assert "Awaiting approval</dt> <dd>None</dd>" in section
    assert "Jan 1, 2026 to Dec 31, 2026" in section and "Dec 31, 2026 · 25 days left" in section
    assert "December 31, 2026" not in section


def test_home_page_says_the_same(client, u, login, world):
    login(world["ana"])
    section = _section(client, u("lms.main.home"))
    # the "Complete" badge says it: the line reads "7 hours done; required this year: 6 hours", nothing still needed
    assert "Complete" in section and "7 hours done; required this year: 6 hours" in section
    assert "still needed" not in section.lower() and "0 minutes" not in section
    login(world["ben"])  # still short: hours and the deadline, in the same date format
    section = _section(client, u("lms.main.home"))
    assert "4 hours still needed by Dec 31, 2026" in section and NONE not in section


def test_the_managers_dashboard_says_the_same(client, u, login, world):
    login(world["boss"])
    html = client.get(u("lms.hours.compliance_dashboard", org_slug="acme")).get_data(as_text=True)
    rows = {name: unescape(re.sub(r"\s+", " ", row)) for row in html.split("<tr")[1:]
            for name in ("Ana Ruiz", "Ben Blue") if name in row}
    assert f'data-label="Still needed" class="num">{NONE}</td>' in rows["Ana Ruiz"]
    assert 'data-label="Still needed" class="num">4 hours</td>' in rows["Ben Blue"]
