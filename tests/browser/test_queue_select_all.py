"""The approval queue's select-all checkbox (JavaScript) and its "Approve all N listed" button (without), in Chromium.

With JavaScript the labelled checkbox ticks every listed entry and follows the ticks made by hand; without, it stays
hidden and the button approves the listed entries (tests/test_hours_queue_approve_listed.py has the server's side)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from lms import db
from lms.hours import ledger
from lms.hours.models import EntryStatus, HoursEntry
from lms.hours.periods import org_today
from lms.orgs.services import get_org
from tests.browser.conftest import check_accessibility, follow, sign_in
from tests.browser.helpers import new_person

pytestmark = pytest.mark.browser


def _three_pending(live_server, email: str, name: str, employee_id: str) -> dict:
    with live_server.data():
        person = new_person(email, name, employee_id=employee_id)
        org = get_org("demo")
        today = org_today(org)
        ids = []
        for number in range(3):
            data = ledger.ExternalTraining(title=f"Clinic talk {number + 1}", activity_date=today - timedelta(days=3 - number),
                                           minutes=45, provider="County Public Health", org_id=org.id)
            ids.append(ledger.submit_external(person, data, f"browser-all-{employee_id}-{number}")[0].id)
        return {"id": person.id, "entries": ids}


def _statuses(live_server, ids: list[int]) -> list[EntryStatus]:
    with live_server.app.app_context():
        rows = dict(db.session.execute(select(HoursEntry.id, HoursEntry.status).where(HoursEntry.id.in_(ids))).all())
        db.session.remove()
    return [rows[i] for i in ids]


def test_select_all_ticks_every_listed_entry(open_page, live_server):
    person = _three_pending(live_server, "select.all@example.org", "Sara Select", "E-4301")
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
    assert _statuses(live_server, person["entries"]) == [EntryStatus.APPROVED] * 3


def test_without_javascript_approve_all_listed_does_it(open_page, live_server):
    person = _three_pending(live_server, "approve.all@example.org", "Abel Approve", "E-4302")
    page = open_page(javascript=False)
    sign_in(page, "employer@example.org")
    page.goto(f"/hours/orgs/demo/queue?person={person['id']}")
    assert not page.locator("#pick-all").is_visible()  # nothing that would not work
    follow(page.get_by_role("button", name="Approve all 3 listed"))
    page.get_by_text("3 entries approved.").wait_for()
    assert _statuses(live_server, person["entries"]) == [EntryStatus.APPROVED] * 3
