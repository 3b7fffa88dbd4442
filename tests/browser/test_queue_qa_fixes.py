"""The approval queue after an employer's QA pass, in Chromium with axe-core: a refused reason marked on its box and
reached from the error summary, a date in the filters that is not one kept in its box, and a resubmitted entry's
earlier return on its page (tests/test_hours_queue_qa_fixes.py checks the markup)."""

from __future__ import annotations

import pytest

from lms import db
from lms.hours import approvals, resubmissions
from lms.hours.models import HoursEntry
from tests.browser.conftest import check_accessibility, sign_in
from tests.browser.helpers import open_queue, pending_external, reject_without_reason, user

pytestmark = pytest.mark.browser


def test_a_reason_left_empty_is_marked_on_its_box(open_page, live_server):
    person = pending_external(live_server, "queue.reason@example.org", "Quinn Reason", "E-4391", count=2,
                              title="Workshop", minutes=60, key="queue-qa")
    page = open_queue(open_page, person["id"])
    reject_without_reason(page, "Workshop 1 of Quinn Reason")
    box = page.get_by_label("Reason for rejecting")
    assert box.get_attribute("aria-invalid") == "true"
    assert page.locator("#bulk-reason-error").inner_text() == "Give a reason for rejecting: the person will see it."
    page.locator(".error-summary a").click()  # the summary takes the keyboard to the box
    assert page.evaluate("location.hash") == "#bulk-reason"
    check_accessibility(page, "queue, reason refused")


def test_a_date_that_is_not_one_stays_in_the_from_box(open_page):
    page = open_page()
    sign_in(page, "employer@example.org")
    page.goto("/hours/orgs/demo/queue?from=hoy&status=all")
    assert page.get_by_label("From").input_value() == "hoy"  # a date box would have emptied it
    assert page.get_by_label("From").get_attribute("aria-invalid") == "true"
    check_accessibility(page, "queue, bad From")


def test_a_resubmission_shows_its_return_before_the_decision(open_page, live_server):
    person = pending_external(live_server, "queue.again@example.org", "Ada Again", "E-4392", count=2,
                              title="Session", minutes=60, key="queue-qa-again")
    with live_server.data():
        first, again = (db.session.get(HoursEntry, i) for i in person["entries"])
        approvals.reject(first, user("employer@example.org"), "Attach the sign-in sheet")
        resubmissions.record_resubmission(again, first, user("queue.again@example.org"))
    page = open_queue(open_page, person["id"])
    assert "Resubmitted — returned on" in page.locator("tbody").inner_text()
    check_accessibility(page, "queue with a resubmission")
    page.goto(f"/hours/orgs/demo/entries/{person['entries'][1]}")
    page.get_by_text("Attach the sign-in sheet").wait_for()
    page.get_by_text("No evidence was added since it was returned: this entry has no file.").wait_for()
    check_accessibility(page, "a resubmitted entry")
