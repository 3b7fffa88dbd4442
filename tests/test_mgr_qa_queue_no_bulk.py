"""The approval queue shows its bulk controls (Approve selected, the reason, Reject selected) only when the page lists
an entry that can be ticked (manager QA): a page of the manager's own entries, which they cannot decide, or of decided
entries, offers no buttons that can only fail. The server still refuses a decision sent anyway."""

from __future__ import annotations

import pytest

from lms.hours.models import EntryStatus
from tests import bulk_forms
from tests.test_hours_ledger import Staff, external, make_staff

BULK = ('class="hours-bulk"', 'value="approve"', 'value="reject"', 'name="reason"',
        "Tick entries, then approve or reject them together.")
OWN_REFUSAL = "You cannot decide your own hours. Another manager must do it."


@pytest.fixture
def staff(make_user, make_org, add_member) -> Staff:
    return make_staff(make_user, make_org, add_member)


def _queue(client, u, **args) -> str:
    response = client.get(u("lms.hours.queue", org_slug="acme", **args))
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_only_ones_own_entries_show_no_bulk_controls(client, u, login, staff):
    external(staff.manager, "own", title="My own workshop")
    login(staff.manager)
    html = _queue(client, u)
    assert "My own workshop" in html and "Your own: another manager decides it" in html
    assert not [marker for marker in BULK if marker in html]


def test_an_entry_that_can_be_ticked_brings_them_back(client, u, login, staff):
    external(staff.manager, "own", title="My own workshop")
    external(staff.trainee, "t1", title="Course 1")
    login(staff.manager)
    html = _queue(client, u)
    assert all(marker in html for marker in BULK)


def test_decided_entries_only_show_no_bulk_controls(client, u, login, staff):
    entry = external(staff.trainee, "t1", title="Course 1")
    login(staff.manager)
    done = client.submit(u("lms.hours.bulk_decide", org_slug="acme"), {"action": "approve", **bulk_forms.entries(entry.id)})
    assert done.status_code == 302
    html = _queue(client, u, status="approved")
    assert "Course 1" in html and not [marker for marker in BULK if marker in html]


def test_a_decision_sent_anyway_is_still_refused(client, u, login, staff):
    own = external(staff.manager, "own", title="My own workshop")
    login(staff.manager)
    done = client.submit(u("lms.hours.bulk_decide", org_slug="acme"), {"action": "approve", **bulk_forms.entries(own.id)})
    assert OWN_REFUSAL in client.get(done.headers["Location"]).get_data(as_text=True)
    assert bulk_forms.entry_statuses([own]) == [EntryStatus.PENDING]
