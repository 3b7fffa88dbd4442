"""The approval queue's ``?page=`` past the end of the list, from a QA pass: ``?page=999`` said "Nothing matches these
filters." although the filters match entries on earlier pages (it also happens after deciding the entries of the last
page). The page now says so and links to the last page, keeping the filters; only a list that is really empty says
"Nothing matches these filters.". A page that is not a positive number shows the first page, never a 500."""

from __future__ import annotations

import re

import pytest

from lms.web.hours.ledger import PER_PAGE
from tests import bulk_forms
from tests.test_hours_ledger import Staff, external, make_staff

PAST_END = "This page is past the end of the list."
NOTHING = "Nothing matches these filters."


@pytest.fixture
def staff(make_user, make_org, add_member) -> Staff:
    return make_staff(make_user, make_org, add_member)


def _page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _last_page_link(html: str) -> tuple[str, str] | None:
    found = re.search(r'<p class="notice" id="past-end">[^<]*<a href="([^"]+)">([^<]+)</a>', html)
    return (found.group(1).replace("&amp;", "&"), found.group(2)) if found else None


def _rows(html: str) -> int:
    return html.count('role="rowheader"')


def test_a_page_past_the_end_links_to_the_last_page_with_the_filters(client, u, login, staff):
    for n in range(PER_PAGE + 1):
        external(staff.trainee, f"k{n}", title=f"Course {n}")
    external(staff.colleague, "c", title="Carl's course")  # filtered out below
    login(staff.manager)
    filters = {"person": str(staff.trainee.id), "source": "external", "status": "pending"}
    html = _page(client, u("lms.hours.queue", org_slug="acme", page="999", **filters))
    assert PAST_END in html and NOTHING not in html and _rows(html) == 0
    href, words = _last_page_link(html)
    assert words == "Go to the last page (2)"
    assert href == u("lms.hours.queue", org_slug="acme", page=2, **filters)
    last = _page(client, href)
    assert _rows(last) == 1 and PAST_END not in last and "Course 50" in last


def test_the_last_page_link_of_a_one_page_list_is_the_first_page(client, u, login, staff):
    external(staff.trainee, "k1", title="Course 1")
    login(staff.manager)
    html = _page(client, u("lms.hours.queue", org_slug="acme", page="5", status="all"))
    href, words = _last_page_link(html)
    assert words == "Go to the last page (1)" and href == u("lms.hours.queue", org_slug="acme", status="all")


def test_filters_that_match_nothing_still_say_so(client, u, login, staff):
    external(staff.trainee, "k1", title="Course 1")
    login(staff.manager)
    html = _page(client, u("lms.hours.queue", org_slug="acme", page="999", status="approved"))
    assert NOTHING in html and PAST_END not in html
    html = _page(client, u("lms.hours.queue", org_slug="acme", page="999", **{"from": "2026-03-20", "to": "2026-03-01"}))
    assert NOTHING not in html and PAST_END not in html and "so no entry can match" in html  # "From" after "To"


@pytest.mark.parametrize("page", ["0", "-1", "-999", "abc", "1.5", "", "٣", "99999999999999999999"])
def test_a_page_that_is_not_a_positive_number_shows_the_first_page(client, u, login, staff, page):
    external(staff.trainee, "k1", title="Course 1")
    login(staff.manager)
    html = _page(client, u("lms.hours.queue", org_slug="acme", page=page))
    assert _rows(html) == 1 and "Course 1" in html and PAST_END not in html


def test_a_page_far_past_the_end_is_past_the_end(client, u, login, staff):
    external(staff.trainee, "k1", title="Course 1")
    login(staff.manager)
    html = _page(client, u("lms.hours.queue", org_slug="acme", page="10001"))  # counted as the highest page, 10,000
    assert PAST_END in html and _last_page_link(html)[1] == "Go to the last page (1)"


def test_deciding_the_last_pages_entries_then_reloading_it_links_back(client, u, login, staff):
    entries = [external(staff.trainee, f"k{n}", title=f"Course {n}") for n in range(PER_PAGE + 2)]
    login(staff.manager)
    second = u("lms.hours.queue", org_slug="acme", page=2)
    html = _page(client, second)
    assert bulk_forms.listed_ids(html) == [e.id for e in entries[PER_PAGE:]]
    # a bulk form refused on the second page, once its entries were decided elsewhere, shows that page: past the end
    for entry in entries[PER_PAGE:]:
        client.submit(u("lms.hours.approve", org_slug="acme", entry_id=entry.id))  # (Bea approving each one)
    refused = client.submit(u("lms.hours.bulk_decide", org_slug="acme", page=2), {"action": "reject", "reason": "x",
                                                                                   "listed": ""})
    assert refused.status_code == 400
    body = refused.get_data(as_text=True)
    assert PAST_END in body and _last_page_link(body) == (u("lms.hours.queue", org_slug="acme"), "Go to the last page (1)")
    assert PAST_END in _page(client, second)
