"""Back, then send the bulk form again: nothing the manager did not tick is decided.

A manager ticks the first two of five pending entries and approves them. Back shows the queue again, fetched afresh
(it is served with ``Cache-Control: no-store``), where the other three entries have moved up into the first rows.
Chromium used to restore the form's ticks by position onto the new rows, so "Approve selected" approved two entries
nobody had ticked. Now the ticks are not restored (``autocomplete="off"``), each checkbox is named after its entry
(a restored tick could only come back on the entry it was made on), and the server refuses ticks of entries the page
did not list."""

from __future__ import annotations

import pytest

from lms.hours.models import EntryStatus
from tests.browser.conftest import follow, sign_in
from tests.browser.helpers import entry_statuses, new_person, pending_external

pytestmark = pytest.mark.browser


def _pending(live_server, email: str, name: str, employee_id: str) -> dict:
    """A new member of the demo staff with 5 external trainings waiting for approval."""
    return pending_external(live_server, email, name, employee_id, count=5, title="Workshop", minutes=60, key="browser-back")


def _queue_of(page, person: dict) -> None:
    page.goto(f"/hours/orgs/demo/queue?person={person['id']}")
    assert page.locator("tbody tr").count() == 5


def test_back_then_approve_again_approves_nothing_unticked(open_page, live_server):
    person = _pending(live_server, "back.approve@example.org", "Bea Back", "E-4101")
    page = open_page()
    sign_in(page, "employer@example.org")
    _queue_of(page, person)
    page.get_by_label("Select Workshop 1 of Bea Back").check()
    page.get_by_label("Select Workshop 2 of Bea Back").check()
    follow(page.get_by_role("button", name="Approve selected"))
    page.get_by_text("2 entries approved.").wait_for()

    with page.expect_navigation():
        page.go_back()
    assert page.locator("tbody tr").count() == 3  # fetched again: the two approved ones left the list
    assert page.locator("tbody input[type=checkbox]:checked").count() == 0
    page.get_by_role("button", name="Approve selected").click()
    page.get_by_text("Tick at least one entry, then choose an action.").wait_for()
    assert entry_statuses(live_server, person["entries"]) == [EntryStatus.APPROVED] * 2 + [EntryStatus.PENDING] * 3


def test_back_then_reject_again_rejects_nothing_unticked(open_page, live_server):
    person = _pending(live_server, "back.reject@example.org", "Rui Back", "E-4102")
    page = open_page()
    sign_in(page, "employer@example.org")
    _queue_of(page, person)
    page.get_by_label("Select Workshop 1 of Rui Back").check()
    page.get_by_label("Reason for rejecting").fill("No certificate for Workshop 1.")
    follow(page.get_by_role("button", name="Reject selected"))
    page.get_by_text("1 entry rejected.").wait_for()

    with page.expect_navigation():
        page.go_back()
    assert page.locator("tbody input[type=checkbox]:checked").count() == 0
    assert page.get_by_label("Reason for rejecting").input_value() == ""  # not someone else's reason
    assert entry_statuses(live_server, person["entries"]) == [EntryStatus.REJECTED] + [EntryStatus.PENDING] * 4


def test_back_on_the_staff_enrolment_page_ticks_nobody(open_page, live_server):
    with live_server.data():
        for number in range(3):
            new_person(f"enrol.back{number}@example.org", f"Aaron Enrol {number}", employee_id=f"E-420{number}")
    page = open_page()
    sign_in(page, "employer@example.org")
    page.goto("/courses/ce-documentation/orgs/demo/enroll")
    page.get_by_label("Aaron Enrol 0").check()
    follow(page.get_by_role("button", name="Enrol the people ticked"))
    page.get_by_text("1 person enrolled.").wait_for()

    with page.expect_navigation():
        page.go_back()
    assert page.locator("tbody input[type=checkbox]:checked").count() == 0
