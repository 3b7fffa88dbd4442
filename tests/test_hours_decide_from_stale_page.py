"""Deciding an entry from a stale page (a second tab, the entry decided meanwhile) ends on the entry's page by
post/redirect/get, with the refusal flashed and the entry's status now shown: reloading never sends the form again."""

from __future__ import annotations

import pytest

from lms import db
from lms.hours import approvals
from lms.hours.models import EntryStatus, HoursEntry
from tests.test_hours_ledger import Staff, external, make_staff


@pytest.fixture
def staff(make_user, make_org, add_member) -> Staff:
    return make_staff(make_user, make_org, add_member)


@pytest.mark.parametrize("action, data, already", [
    ("lms.hours.approve", {}, "rejected"),
    ("lms.hours.reject", {"reason": "Duplicate"}, "approved"),
])
def test_a_stale_decision_redirects_to_the_entry_page(client, u, login, staff, action, data, already):
    entry = external(staff.trainee, title="Diabetes workshop")
    if already == "rejected":
        approvals.reject(entry, staff.manager, "No certificate")
    else:
        approvals.approve(entry, staff.manager)
    db.session.commit()
    login(staff.manager)  # the page was opened before: this tab still offers the other decision
    page = u("lms.hours.review", org_slug="acme", entry_id=entry.id)
    sent = client.submit(u(action, org_slug="acme", entry_id=entry.id), data)
    assert sent.status_code == 302 and sent.headers["Location"].endswith(page)
    shown = client.get(sent.headers["Location"])
    text = shown.get_data(as_text=True)
    assert shown.status_code == 200
    assert f"already {already} by Bea Boss" in text and "flash-error" in text
    assert '<div class="flashes" role="alert" id="flash-errors"' in text  # the flashed refusal is announced
    assert db.session.get(HoursEntry, entry.id).status is (
        EntryStatus.REJECTED if already == "rejected" else EntryStatus.APPROVED)
    assert f"already {already} by Bea Boss" not in client.get(page).get_data(as_text=True)  # shown once
