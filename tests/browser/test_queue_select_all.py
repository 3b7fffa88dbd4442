"""The approval queue's select-all checkbox (JavaScript) and its "Approve all N listed" button (without), in Chromium.

With JavaScript the labelled checkbox ticks every listed entry and follows the ticks made by hand; without, it stays
hidden and the button approves the listed entries (tests/test_hours_queue_approve_listed.py has the server's side)."""

from __future__ import annotations

import pytest

from lms.hours.models import EntryStatus
from tests.browser.conftest import check_accessibility, follow, sign_in
from tests.browser.helpers import entry_statuses, pending_external

pytestmark = pytest.mark.browser


def _pending(live_server, email: str, name: str, employee_id: str) -> dict:
    """A new member of the demo staff with 3 external trainings waiting for approval."""
    return pending_external(live_server, email, name, employee_id, count=3, title="Clinic talk", minutes=45, key="browser-all")


def test_select_all_ticks_every_listed_entry(open_page, live_server):
    person = _pending(live_server, "select.all@example.org", "Sara Select", "E-4301")
    page = open_page()
    sign_in(page, "employer@example.org")
    page.goto(f"/hours/orgs/demo/queue?person={person['id']}")
    select_all = page.get_by_label("Select all entries listed on this page")
    assert select_all.is_visible()
    select_all.check()
    assert page.locator("tbody input[type=checkbox]:checked").count() == 3
    page.get_by_label("Select Clinic talk 2 of Sara Select").uncheck()
    assert select_all.evaluate("box => box.indeterminate") and not select_all.is_checked()
    page.get_by_label("Select Clinic talk 2 of Sara Select").check()
    assert select_all.is_checked()
    check_accessibility(page, "queue with select all")
    follow(page.get_by_role("button", name="Approve selected"))
    page.get_by_text("3 entries approved.").wait_for()
    assert entry_statuses(live_server, person["entries"]) == [EntryStatus.APPROVED] * 3


def test_without_javascript_approve_all_listed_does_it(open_page, live_server):
    person = _pending(live_server, "approve.all@example.org", "Abel Approve", "E-4302")
    page = open_page(javascript=False)
    sign_in(page, "employer@example.org")
    page.goto(f"/hours/orgs/demo/queue?person={person['id']}")
    assert not page.locator("#pick-all").is_visible()  # nothing that would not work
    follow(page.get_by_role("button", name="Approve all 3 listed"))
    page.get_by_text("3 entries approved.").wait_for()
    assert entry_statuses(live_server, person["entries"]) == [EntryStatus.APPROVED] * 3
