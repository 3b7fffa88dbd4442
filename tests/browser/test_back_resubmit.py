"""Back, then send the bulk form again: nothing the manager did not tick is decided.

A manager ticks the first two of five pending entries and approves them. Back shows the queue again, fetched afresh
(it is served with ``Cache-Control: no-store``), where the other three entries have moved up into the first rows.
Chromium used to restore the form's ticks by position onto the new rows, so "Approve selected" approved two entries
nobody had ticked. Now the ticks are not restored (``autocomplete="off"``), each checkbox is named after its entry
(a restored tick could only come back on the entry it was made on), and the server refuses ticks of entries the page
did not list."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from lms import db
from lms.hours import ledger
from lms.hours.models import EntryStatus, HoursEntry
from lms.hours.periods import org_today
from lms.orgs.services import get_org
from tests.browser.conftest import follow, sign_in
from tests.browser.helpers import new_person

pytestmark = pytest.mark.browser


def _five_pending(live_server, email: str, name: str, employee_id: str) -> dict:
    """A new member of the demo staff with five external trainings waiting for approval, on five days in a row."""
    with live_server.data():
        person = new_person(email, name, employee_id=employee_id)
        org = get_org("demo")
        today = org_today(org)
        ids = []
        for number in range(5):
            data = ledger.ExternalTraining(title=f"Workshop {number + 1}", activity_date=today - timedelta(days=5 - number),
                                           minutes=60, provider="County Public Health", org_id=org.id)
            ids.append(ledger.submit_external(person, data, f"browser-back-{employee_id}-{number}")[0].id)
        return {"id": person.id, "entries": ids}


def _statuses(live_server, ids: list[int]) -> list[EntryStatus]:
    with live_server.app.app_context():
        rows = dict(db.session.execute(select(HoursEntry.id, HoursEntry.status).where(HoursEntry.id.in_(ids))).all())
        db.session.remove()
    return [rows[i] for i in ids]


def _queue_of(page, person: dict) -> None:
    page.goto(f"/hours/orgs/demo/queue?person={person['id']}")
    assert page.locator("tbody tr").count() == 5


def test_back_then_approve_again_approves_nothing_unticked(open_page, live_server):
    person = _five_pending(live_server, "back.approve@example.org", "Bea Back", "E-4101")
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
    assert _statuses(live_server, person["entries"]) == [EntryStatus.APPROVED] * 2 + [EntryStatus.PENDING] * 3


def test_back_then_reject_again_rejects_nothing_unticked(open_page, live_server):
    person = _five_pending(live_server, "back.reject@example.org", "Rui Back", "E-4102")
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
    assert _statuses(live_server, person["entries"]) == [EntryStatus.REJECTED] + [EntryStatus.PENDING] * 4


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
