"""A manager's own training hours (lms/hours/own_hours.py), from a QA pass: the queue and the entry's page offered
Approve and Reject on them, then answered "You cannot decide your own hours. Another manager must do it." Now they
offer no decision on one's own entries (no checkbox, left out of "Approve all N listed", no buttons) and say who can
decide them, or, when the organisation has no other manager, what to do next. The adjustment form does not offer
"Approve it now" on one's own hours. The server's refusals stay."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from lms import db
from lms.hours.models import EntryStatus
from lms.orgs.models import MemberRole, Membership
from tests import bulk_forms
from tests.test_hours_ledger import Staff, entries_of, external, make_staff

OWN_REFUSAL = "You cannot decide your own hours. Another manager must do it."
QUEUE_NOTE = ("Your own entries are listed without a checkbox and are left out of “Approve all”: nobody decides their "
              "own hours, so another manager of Acme must approve or reject them.")
ENTRY_NOTE = ("This entry is your own: nobody decides their own hours, so another manager of Acme must approve or "
              "reject it.")
ADJUST_NOTE = ("These are your own hours, so you cannot approve this adjustment yourself: it is saved awaiting "
               "approval, and another manager of Acme must decide it.")
NOBODY = ("Acme has no other manager with an active account, so nobody there can decide your own hours yet. Invite "
          "another manager, or make someone on the staff a manager, from the staff page ; or ask a site administrator "
          "to decide them.")
ROW_MARK = "Your own: another manager decides it"


@pytest.fixture
def staff(make_user, make_org, add_member) -> Staff:
    return make_staff(make_user, make_org, add_member)


@pytest.fixture
def deputy(make_user, add_member, staff):
    """Dana Deputy, a second manager of acme."""
    user = make_user("dana@example.org", name="Dana Deputy")
    add_member(staff.org, user, MemberRole.MANAGER)
    return user


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _staff_link(html: str, u) -> bool:
    return f'<a href="{u("lms.orgs.show", org_slug="acme")}#staff-heading">staff page</a>' in html


# ---------------------------------------------------------------- the queue


def test_the_queue_offers_no_checkbox_on_ones_own_entries_and_says_who_decides(client, u, login, staff, deputy):
    own = external(staff.manager, "own", title="My own workshop")
    theirs = [external(staff.trainee, f"t{n}", title=f"Course {n}") for n in range(2)]
    login(staff.manager)
    html = _page(client, u("lms.hours.queue", org_slug="acme"))
    assert f'name="entry-{own.id}"' not in html and ROW_MARK in html
    assert all(f'name="entry-{e.id}"' in html for e in theirs)
    assert bulk_forms.listed_ids(html) == [e.id for e in theirs]
    assert "Approve all 2 listed" in html and "Approves the 2 entries awaiting approval listed above" in html
    assert QUEUE_NOTE in _text(html) and "has no other manager" not in html
    # the other manager sees it as any entry
    login(deputy)
    theirs_view = _page(client, u("lms.hours.queue", org_slug="acme"))
    assert f'name="entry-{own.id}"' in theirs_view and ROW_MARK not in theirs_view and QUEUE_NOTE not in _text(theirs_view)
    assert "Approve all 3 listed" in theirs_view


def test_approve_all_listed_leaves_ones_own_entry_pending(client, u, login, staff, deputy):
    own = external(staff.manager, "own", title="My own workshop")
    theirs = [external(staff.trainee, f"t{n}", title=f"Course {n}") for n in range(2)]
    login(staff.manager)
    html = _page(client, u("lms.hours.queue", org_slug="acme"))
    done = client.submit(u("lms.hours.bulk_decide", org_slug="acme"),
                         {"action": "approve_listed", "listed": " ".join(str(i) for i in bulk_forms.listed_ids(html))})
    assert done.status_code == 302
    after = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "2 entries approved." in after and OWN_REFUSAL not in after
    assert bulk_forms.entry_statuses([own, *theirs]) == [EntryStatus.PENDING, EntryStatus.APPROVED, EntryStatus.APPROVED]


def test_a_tick_sent_on_ones_own_entry_is_still_refused(client, u, login, staff, deputy):
    own = external(staff.manager, "own", title="My own workshop")
    login(staff.manager)
    done = client.submit(u("lms.hours.bulk_decide", org_slug="acme"), {"action": "approve", **bulk_forms.entries(own.id)})
    assert done.status_code == 302
    assert OWN_REFUSAL in client.get(done.headers["Location"]).get_data(as_text=True)
    assert bulk_forms.entry_statuses([own]) == [EntryStatus.PENDING]


def test_the_only_manager_is_told_the_next_step(client, u, login, staff):
    external(staff.manager, "own", title="My own workshop")
    login(staff.manager)
    html = _page(client, u("lms.hours.queue", org_slug="acme"))
    assert QUEUE_NOTE in _text(html) and NOBODY in _text(html) and _staff_link(html, u)
    assert 'value="approve_listed"' not in html and 'id="pick-all"' not in html


def test_a_manager_whose_account_is_disabled_does_not_count(client, u, login, staff, deputy):
    external(staff.manager, "own", title="My own workshop")
    deputy.is_active = False
    db.session.commit()
    login(staff.manager)
    assert NOBODY in _text(_page(client, u("lms.hours.queue", org_slug="acme")))


def test_a_decided_own_entry_needs_no_note(client, u, login, staff, deputy):
    own = external(staff.manager, "own", title="My own workshop")
    login(deputy)
    client.submit(u("lms.hours.approve", org_slug="acme", entry_id=own.id))
    login(staff.manager)
    html = _page(client, u("lms.hours.queue", org_slug="acme", status="all"))
    assert "My own workshop" in html and QUEUE_NOTE not in _text(html) and ROW_MARK not in html


# ---------------------------------------------------------------- the entry's page


def test_ones_own_entry_page_has_no_approve_or_reject(client, u, login, staff, deputy):
    own = external(staff.manager, "own", title="My own workshop")
    login(staff.manager)
    path = u("lms.hours.review", org_slug="acme", entry_id=own.id)
    html = _page(client, path)
    assert u("lms.hours.approve", org_slug="acme", entry_id=own.id) not in html
    assert u("lms.hours.reject", org_slug="acme", entry_id=own.id) not in html
    assert ENTRY_NOTE in _text(html) and "has no other manager" not in html
    # the server still refuses, whatever the page offered
    refused = client.submit(u("lms.hours.approve", org_slug="acme", entry_id=own.id))
    assert refused.status_code == 302 and OWN_REFUSAL in _page(client, path)
    refused = client.submit(u("lms.hours.reject", org_slug="acme", entry_id=own.id), {"reason": "Mine"})
    assert refused.status_code == 302 and OWN_REFUSAL in _page(client, path)
    assert bulk_forms.entry_statuses([own]) == [EntryStatus.PENDING]
    # another manager gets the buttons, and decides it
    login(deputy)
    theirs = _page(client, path)
    assert u("lms.hours.approve", org_slug="acme", entry_id=own.id) in theirs and ENTRY_NOTE not in _text(theirs)
    client.submit(u("lms.hours.approve", org_slug="acme", entry_id=own.id))
    assert bulk_forms.entry_statuses([own]) == [EntryStatus.APPROVED]


def test_the_only_managers_own_entry_page_gives_the_next_step(client, u, login, staff):
    own = external(staff.manager, "own", title="My own workshop")
    login(staff.manager)
    html = _page(client, u("lms.hours.review", org_slug="acme", entry_id=own.id))
    assert ENTRY_NOTE in _text(html) and NOBODY in _text(html) and _staff_link(html, u)


# ---------------------------------------------------------------- adjusting one's own hours


def _membership_id(staff: Staff, user) -> int:
    return db.session.execute(select(Membership.id).where(Membership.org_id == staff.org.id,
                                                          Membership.user_id == user.id)).scalar_one()


def test_the_adjustment_form_does_not_offer_approving_ones_own_hours(client, u, login, staff, deputy):
    login(staff.manager)
    own = _page(client, u("lms.hours.adjust", org_slug="acme", membership_id=_membership_id(staff, staff.manager)))
    assert 'name="approve_now"' not in own and ADJUST_NOTE in _text(own) and "has no other manager" not in own
    theirs = _page(client, u("lms.hours.adjust", org_slug="acme", membership_id=_membership_id(staff, staff.trainee)))
    assert 'name="approve_now"' in theirs and ADJUST_NOTE not in _text(theirs)


def test_the_only_manager_adjusting_their_own_hours_is_given_the_next_step(client, u, login, staff):
    login(staff.manager)
    html = _page(client, u("lms.hours.adjust", org_slug="acme", membership_id=_membership_id(staff, staff.manager)))
    assert ADJUST_NOTE in _text(html) and NOBODY in _text(html) and _staff_link(html, u)


def test_an_own_adjustment_is_saved_pending_and_approve_now_is_still_refused(client, u, login, staff, deputy):
    login(staff.manager)
    path = u("lms.hours.adjust", org_slug="acme", membership_id=_membership_id(staff, staff.manager))
    form = {"minutes": "30", "activity_date": "2026-03-10", "description": "Forgot the evening session"}
    refused = client.submit(path, {**form, "idempotency_key": "adj-own-1", "approve_now": "y"})
    assert refused.status_code == 400 and OWN_REFUSAL in refused.get_data(as_text=True)
    assert entries_of(staff.manager) == []
    saved = client.submit(path, {**form, "idempotency_key": "adj-own-2"})
    assert saved.status_code == 302
    assert [(e.minutes, e.status) for e in entries_of(staff.manager)] == [(30, EntryStatus.PENDING)]
