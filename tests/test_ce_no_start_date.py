"""Continuing education for staff with no start date recorded (invited without one): their first CE year counts
from the day they joined (accepted the invitation, in the organisation's calendar), they owe its share of the
minimum, and they are shown "First year", never "Behind", until that year's deadline. Someone who joined before the
year, or whose start date is recorded, is measured as before."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from lms import db
from lms.hours import ce_standing, compliance, periods
from lms.orgs import services as orgs
from lms.orgs.models import Organisation, PayPeriod
from tests.hours_reports_helpers import add_entry


@pytest.fixture
def acme(make_org, make_user, add_member):
    manager = make_user(name="Mona Manager")
    org = make_org("acme", manager=manager, name="Acme Clinic", pay_period=PayPeriod.MONTHLY)
    nadia = make_user(name="Nadia Nueva", locale="en")
    nadia_membership = add_member(org, nadia)  # invited without a start date
    # 2027-03-01 at 07:30 UTC is still 28 February in Los Angeles: the organisation's calendar decides the day
    nadia_membership.created_at = datetime(2027, 3, 1, 7, 30, tzinfo=UTC)
    dated = make_user(name="Dora Dated")
    add_member(org, dated, employment_start=date(2027, 2, 28))
    db.session.commit()
    return org, manager, nadia


def _state(org, name: str, today: date) -> ce_standing.CEStatus:
    return next(p for p in compliance.list_ce_status(org, today) if p.name == name)


def test_no_start_date_counts_from_the_day_they_joined(acme):
    org, _manager, _nadia = acme
    nadia, dora = _state(org, "Nadia Nueva", date(2027, 6, 1)), _state(org, "Dora Dated", date(2027, 6, 1))
    assert nadia.joined_on == date(2027, 2, 28) and nadia.first_day == date(2027, 2, 28)
    assert nadia.employment_start is None and nadia.is_prorated
    assert nadia.required_minutes == dora.required_minutes == -(-360 * 307 // 365)  # the same share as a dated start
    assert nadia.state == "first_year" and not nadia.is_behind
    assert dora.state == "behind"  # a recorded start is measured at an even pace, as before


@pytest.mark.parametrize("today", [date(2027, 2, 28), date(2027, 3, 1), date(2027, 12, 31)])
def test_never_behind_before_the_first_deadline(acme, today):
    org, _manager, _nadia = acme
    status = _state(org, "Nadia Nueva", today)
    assert status.state == "first_year" and not status.is_behind and status.remaining_minutes > 0


def test_the_next_year_is_measured_as_anyone_s(acme):
    org, _manager, _nadia = acme
    assert _state(org, "Nadia Nueva", date(2028, 1, 2)).state == "just_started"  # the grace days of a new year
    later = _state(org, "Nadia Nueva", date(2028, 3, 1))
    assert later.state == "behind" and later.required_minutes == 360 and not later.is_prorated


def test_done_is_complete(acme):
    org, _manager, nadia = acme
    add_entry(nadia, org, date(2027, 4, 1), 360, paid=date(2027, 4, 1))
    db.session.commit()
    assert _state(org, "Nadia Nueva", date(2027, 6, 1)).state == "complete"


def test_joined_long_ago_without_a_start_date_is_measured_as_before(acme, make_user, add_member):
    org, _manager, _nadia = acme
    old = add_member(org, make_user(name="Olga Old"))
    old.created_at = datetime(2025, 5, 5, 12, tzinfo=UTC)
    db.session.commit()
    status = _state(org, "Olga Old", date(2027, 6, 1))
    assert status.state == "behind" and status.required_minutes == 360 and status.first_day is None


def test_the_dashboard_and_staff_page_explain_it(client, u, login, acme, monkeypatch):
    org, manager, nadia = acme
    login(manager)
    html = client.get(u("lms.hours.compliance_dashboard", org_slug=org.slug, on="2027-06-01")).get_data(as_text=True)
    row = html.split("Nadia Nueva")[1].split("</tr>")[0]
    assert "First year" in row and "Behind" not in row
    assert "Joined Feb 28, 2027, no start date recorded:" in row
    assert 'id="ce-first-year"' in html and "counts from the day they joined" in html
    member = orgs.get_membership(org, nadia)
    monkeypatch.setattr(Organisation, "today", lambda self: date(2027, 6, 1))
    page = client.get(u("lms.orgs.member", org_slug=org.slug, membership_id=member.id)).get_data(as_text=True)
    assert "First year" in page and 'id="ce-first-year"' in page


def test_their_own_pages_are_neutral(client, u, login, acme, monkeypatch):
    _org, _manager, nadia = acme
    monkeypatch.setattr(periods, "org_today", lambda org: date(2027, 6, 1))
    login(nadia)
    for endpoint in ("lms.hours.mine", "lms.main.home"):
        section = client.get(u(endpoint)).get_data(as_text=True).split('id="ce-heading"')[1].split("</section>")[0]
        assert "First year" in section and "Behind" not in section, endpoint
    assert "your first continuing-education year counts from the day you joined" in client.get(
        u("lms.hours.mine")).get_data(as_text=True)
