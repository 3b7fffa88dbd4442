"""The continuing-education dashboard lists people in the order it states: behind first, then on track, just started,
complete, and people who have not started yet.

From a clinic manager's QA pass: the page said "Most behind first", but on the anniversary basis it sorted by the
minutes still needed, so someone on track whose CE year had just begun (all six hours ahead of them) came above
someone behind."""

from __future__ import annotations

import re
from datetime import date

import pytest

from lms import db
from lms.hours import ce_standing, compliance
from lms.orgs.models import CEYearBasis
from tests.hours_reports_helpers import add_entry

TODAY = date(2026, 6, 1)


@pytest.fixture
def clinic(make_org, make_user, add_member):
    manager = make_user("gerente@example.org", name="Gabriela Gerente")
    org = make_org("clinica", manager=manager, ce_year_basis=CEYearBasis.ANNIVERSARY)
    people = {  # name: (employment start, approved minutes in their current CE year, a day in that year)
        # CE year 1 Jan to 31 Dec 2026: an even pace reaches 360 * 152 // 365 = 149 minutes by 1 June
        "Bea Behind": (date(2020, 1, 1), 60, date(2026, 2, 1)),  # 89 minutes short of the pace
        "Ben Behind": (date(2020, 1, 1), 0, None),  # 149 short: further behind
        # CE year 1 May 2026 to 30 April 2027: 32 days in, the pace is at 31 minutes
        "Olga On-track": (date(2020, 5, 1), 40, date(2026, 5, 10)),  # 320 still needed, more than either behind
        # CE year 1 Sep 2025 to 31 Aug 2026: 91 days left, the pace is at 270
        "Oscar On-track": (date(2019, 9, 1), 300, date(2025, 10, 1)),  # 60 still needed, fewer days left
        # CE year from 25 May 2026: 8 days in, no pace measured yet
        "Julia Just-started": (date(2020, 5, 25), 0, None),
        "Cora Complete": (date(2020, 1, 1), 400, date(2026, 3, 1)),
        "Fred Future": (date(2026, 7, 1), 0, None),
    }
    for name, (start, minutes, day) in people.items():
        user = make_user(f"{name.split()[0].lower()}@example.org", name=name)
        add_member(org, user, employment_start=start)
        if minutes:
            add_entry(user, org, day, minutes, paid=day)
    db.session.commit()
    return org, manager


ORDER = ["Ben Behind", "Bea Behind", "Oscar On-track", "Olga On-track", "Julia Just-started", "Cora Complete",
         "Fred Future"]


def test_behind_comes_first_whatever_the_minutes_still_needed(clinic):
    org, _manager = clinic
    rows = compliance.list_ce_status(org, TODAY)
    assert [(row.name, row.state) for row in rows] == list(zip(ORDER, [
        "behind", "behind", "on_track", "on_track", "just_started", "complete", "not_started"], strict=True))
    by_name = {row.name: row for row in rows}
    # what the old order (most minutes still needed first) put above the people behind
    assert by_name["Olga On-track"].remaining_minutes > by_name["Bea Behind"].remaining_minutes
    assert by_name["Julia Just-started"].remaining_minutes == 360


def test_within_a_state_the_order_follows_what_it_means():
    """Behind: furthest behind the pace, then fewest days left; on track: fewest days left, then most still needed;
    just started: most still needed; complete by name; not started by start date."""
    year = (date(2026, 1, 1), date(2026, 12, 31))

    def status(name: str, done: int, *, today: date = TODAY, start: date = date(2020, 1, 1), year=year):
        return ce_standing.CEStatus(len(name), name, None, None, *year, today, done, 360, start)

    behind_less, behind_more = status("A", 100), status("B", 10)
    late_year = (date(2025, 9, 1), date(2026, 8, 31))
    track_soon, track_later = status("C", 300, year=late_year, start=date(2019, 9, 1)), status("D", 200)
    assert behind_less.state == behind_more.state == "behind"
    assert track_soon.state == track_later.state == "on_track"
    rows = sorted([track_later, behind_less, track_soon, behind_more], key=ce_standing.dashboard_order)
    assert [row.name for row in rows] == ["B", "A", "C", "D"]
    later, sooner = status("Z", 0, start=date(2026, 9, 1)), status("Y", 0, start=date(2026, 7, 1))
    assert [row.name for row in sorted([later, sooner], key=ce_standing.dashboard_order)] == ["Y", "Z"]
    assert ce_standing.STATE_ORDER == ("behind", "on_track", "just_started", "first_year", "complete", "not_started")


def test_the_dashboard_lists_them_in_that_order_and_says_which(client, u, login, clinic):
    org, manager = clinic
    login(manager)
    html = client.get(u("lms.hours.compliance_dashboard", org_slug=org.slug, on=TODAY.isoformat())).get_data(as_text=True)
    names = re.findall(r'<th scope="row" role="rowheader"[^>]*><a [^>]*>([^<]+)</a>', html)
    assert names == ORDER
    assert "Most behind first" not in html
    assert ("Listed in this order: behind (furthest behind the even pace first), on track (fewest days left first), "
            "just started (most hours still needed first), complete, and last the people whose work has not started "
            "yet.") in html
