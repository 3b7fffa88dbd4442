"""The approval queue's "Approve all N listed" (no JavaScript) and its select-all checkbox (with JavaScript).

From a clinic manager's QA pass: approving a page of entries meant ticking each one. The button acts only on the
entries the page listed (its hidden ``listed`` field, checked like every tick: lms/web/bulk.py), never on rows it did
not show; tests/browser/test_queue_select_all.py drives both in Chromium."""

from __future__ import annotations

import re

import pytest

from lms.hours.models import EntryStatus
from lms.web.hours.ledger import PER_PAGE
from tests import bulk_forms
from tests.test_hours_ledger import Staff, external, make_staff


@pytest.fixture
def staff(make_user, make_org, add_member) -> Staff:
    return make_staff(make_user, make_org, add_member)


def test_approve_all_listed_approves_the_rows_the_page_listed(client, u, login, staff):
    three = [external(staff.trainee, f"k{n}", title=f"Course {n}") for n in range(3)]
    login(staff.manager)
    page = client.get(u("lms.hours.queue", org_slug="acme")).get_data(as_text=True)
    assert '<button type="submit" name="action" value="approve_listed"' in page and "Approve all 3 listed" in page
    assert "Approves the 3 entries awaiting approval listed above, ticked or not." in page
    done = client.submit(u("lms.hours.bulk_decide", org_slug="acme"),
                         {"action": "approve_listed", "listed": " ".join(str(i) for i in bulk_forms.listed_ids(page))})
    assert done.status_code == 302
    assert bulk_forms.entry_statuses(three) == [EntryStatus.APPROVED] * 3
    assert "3 entries approved." in client.get(done.headers["Location"]).get_data(as_text=True)


def test_it_never_approves_an_entry_the_page_did_not_list(client, u, login, staff):
    shown = [external(staff.trainee, f"k{n}", title=f"Course {n}") for n in range(2)]
    later = external(staff.colleague, "late", title="Sent after the page was shown")
    login(staff.manager)
    path = u("lms.hours.bulk_decide", org_slug="acme")
    done = client.submit(path, {"action": "approve_listed", **bulk_forms.entries(listed=[e.id for e in shown])})
    assert done.status_code == 302
    assert bulk_forms.entry_statuses([*shown, later]) == [EntryStatus.APPROVED, EntryStatus.APPROVED, EntryStatus.PENDING]


def test_a_form_without_the_list_or_with_a_tick_it_did_not_list_decides_nothing(client, u, login, staff):
    two = [external(staff.trainee, f"k{n}", title=f"Course {n}") for n in range(2)]
    other = external(staff.colleague, "c", title="Carl's course")
    login(staff.manager)
    path = u("lms.hours.bulk_decide", org_slug="acme")
    without = client.submit(path, {"action": "approve_listed"})
    assert without.status_code == 409 and "nothing was decided" in without.get_data(as_text=True)
    stray = client.submit(path, {"action": "approve_listed", **bulk_forms.entries(other.id, listed=[e.id for e in two])})
    assert stray.status_code == 409
    empty = client.submit(path, {"action": "approve_listed", "listed": ""})
    assert empty.status_code == 400
    assert bulk_forms.entry_statuses([*two, other]) == [EntryStatus.PENDING] * 3


def test_another_organisations_entry_in_the_list_is_not_approved(client, u, login, staff, add_member, make_user):
    mine = external(staff.trainee, "k", title="Mine")
    outsider = make_user("olga@example.org", name="Olga Other")
    add_member(staff.other, outsider)
    theirs = external(outsider, "o", title="Theirs")
    login(staff.manager)
    client.submit(u("lms.hours.bulk_decide", org_slug="acme"),
                  {"action": "approve_listed", **bulk_forms.entries(listed=[mine.id, theirs.id])})
    assert bulk_forms.entry_statuses([mine, theirs]) == [EntryStatus.APPROVED, EntryStatus.PENDING]


def test_on_a_page_of_many_it_approves_that_page_only(client, u, login, staff):
    entries = [external(staff.trainee, f"k{n}", title=f"Course {n:03d}") for n in range(PER_PAGE + 2)]
    login(staff.manager)
    page = client.get(u("lms.hours.queue", org_slug="acme")).get_data(as_text=True)
    assert f"Approve all {PER_PAGE} listed" in page
    assert (f"Approves the {PER_PAGE} entries awaiting approval listed on this page, ticked or not; entries on other "
            "pages are not approved.") in page
    client.submit(u("lms.hours.bulk_decide", org_slug="acme"),
                  {"action": "approve_listed", "listed": " ".join(str(i) for i in bulk_forms.listed_ids(page))})
    statuses = bulk_forms.entry_statuses(entries)
    assert statuses.count(EntryStatus.APPROVED) == PER_PAGE and statuses.count(EntryStatus.PENDING) == 2


def test_the_select_all_checkbox_is_labelled_and_waits_for_javascript(client, u, login, staff):
    [external(staff.trainee, f"k{n}", title=f"Course {n}") for n in range(2)]
    login(staff.manager)
    page = client.get(u("lms.hours.queue", org_slug="acme")).get_data(as_text=True)
    box = re.search(r'<span class="select-all" hidden><input type="checkbox" id="pick-all" data-select-all="entry-" '
                    r'aria-label="Select all entries listed on this page"></span>', page)
    assert box, "a hidden, labelled select-all checkbox without a name (it is never sent)"
    assert re.search(r'<script src="[^"]*/static/select-all\.js\?v=[0-9a-f]{12}" defer></script>', page)
    script = client.get(u("lms.main.static", filename="select-all.js"))
    assert script.status_code == 200 and "javascript" in script.mimetype and b"data-select-all" in script.data


def test_one_entry_needs_no_approve_all(client, u, login, staff):
    external(staff.trainee, "k", title="Only one")
    login(staff.manager)
    page = client.get(u("lms.hours.queue", org_slug="acme")).get_data(as_text=True)
    assert "approve_listed" not in page and 'id="pick-all"' not in page
