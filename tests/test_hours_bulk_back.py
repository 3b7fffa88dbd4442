"""Bulk forms (the approval queue, staff enrolment) after Back: served fresh (no-store), not restored by browsers
(autocomplete off), a checkbox named after each record, and ticks of records the page did not list refused, acting
on nothing (lms/web/bulk.py). tests/browser/test_back_resubmit.py does the same in Chromium."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from lms import db
from lms.accounts.models import SiteRole
from lms.catalog.models import ModuleKind
from lms.enrollment import services as enrollment
from lms.enrollment.models import Enrollment
from lms.hours.models import EntryStatus
from lms.web import bulk
from tests import bulk_forms
from tests.test_hours_ledger import Staff, external, make_course, make_staff


@pytest.fixture
def staff(make_user, make_org, add_member) -> Staff:
    return make_staff(make_user, make_org, add_member)


def test_the_queue_is_not_stored_nor_restored_and_lists_its_rows(client, u, login, staff):
    five = [external(staff.trainee, f"k{n}", title=f"Course {n}") for n in range(5)]
    login(staff.manager)
    response = client.get(u("lms.hours.queue", org_slug="acme"))
    page = response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"
    assert re.search(r'<form method="post" action="[^"]*/queue#queue-problems" autocomplete="off">', page)
    assert bulk_forms.listed_ids(page) == [e.id for e in five]
    assert all(f'name="entry-{e.id}" value="{e.id}"' in page for e in five) and 'name="entry_id"' not in page


def test_ticks_of_entries_the_page_did_not_list_decide_nothing(client, u, login, staff):
    """The first two of five were approved; the form now lists the other three. A form that ticks an entry it did
    not list (here one of another person's, still pending) is refused whole, the page shown afresh without ticks."""
    five = [external(staff.trainee, f"k{n}", title=f"Course {n}") for n in range(5)]
    theirs = external(staff.colleague, "c", title="Carl's course")
    login(staff.manager)
    path = u("lms.hours.bulk_decide", org_slug="acme")
    first = client.submit(path, {"action": "approve", **bulk_forms.entries(five[0].id, five[1].id,
                                                                           listed=[e.id for e in five])})
    assert first.status_code == 302
    shown = [e.id for e in five[2:]]
    refused = client.submit(path, {"action": "approve", **bulk_forms.entries(five[2].id, theirs.id, listed=shown)})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 409 and "This page had changed since it was shown, so nothing was decided." in page
    assert refused.headers["Cache-Control"] == "no-store" and not re.search(r'name="entry-\d+"[^>]*checked', page)
    assert bulk_forms.entry_statuses([*five, theirs]) == [EntryStatus.APPROVED] * 2 + [EntryStatus.PENDING] * 4
    rejected = client.submit(path, {"action": "reject", "reason": "Not ours",
                                    **bulk_forms.entries(five[2].id, listed=[*shown, "abc"])})
    assert rejected.status_code == 302 and bulk_forms.entry_statuses(five[2:3]) == [EntryStatus.REJECTED]


@pytest.mark.parametrize("form", [
    {"entry-{id}": "1"},  # no list at all: a page from before the list existed, or a script
    {"entry-{id}": "1", "entry-x": "1", "listed": "{id}"},  # a tick whose name holds no id
    {"entry-{id}": "1", "entry-99999999999": "1", "listed": "{id} 99999999999"},  # an id beyond any row
])
def test_a_form_that_cannot_say_what_it_listed_decides_nothing(client, u, login, staff, form):
    entry = external(staff.trainee)
    login(staff.manager)
    data = {key.format(id=entry.id): value.format(id=entry.id) for key, value in form.items()}
    response = client.submit(u("lms.hours.bulk_decide", org_slug="acme"), {"action": "approve", **data})
    assert response.status_code == 409 and bulk_forms.entry_statuses([entry]) == [EntryStatus.PENDING]


def test_nothing_ticked_is_asked_again_not_refused_as_changed(client, u, login, staff):
    external(staff.trainee)
    login(staff.manager)
    response = client.submit(u("lms.hours.bulk_decide", org_slug="acme"), {"action": "approve"})
    assert response.status_code == 400 and "Tick at least one entry" in response.get_data(as_text=True)


def test_a_refusal_on_a_later_page_shows_that_page(client, u, login, staff, monkeypatch):
    monkeypatch.setattr("lms.web.hours.queue.PER_PAGE", 2)
    entries = [external(staff.trainee, f"k{n}", title=f"Course {n}") for n in range(3)]
    login(staff.manager)
    page = client.get(u("lms.hours.queue", org_slug="acme", page=2)).get_data(as_text=True)
    assert "/queue?page=2" in page and bulk_forms.listed_ids(page) == [entries[2].id]
    response = client.post(u("lms.hours.bulk_decide", org_slug="acme", page=2), data={
        "csrf_token": client.csrf_token(), "action": "approve", **bulk_forms.entries(entries[0].id, listed=[entries[2].id])})
    assert response.status_code == 409 and bulk_forms.listed_ids(response.get_data(as_text=True)) == [entries[2].id]


def test_read_ticks():
    from werkzeug.datastructures import MultiDict

    def ticks(*pairs):
        return bulk.read_ticks(MultiDict(pairs), "entry")

    assert ticks(("listed", "3 4 5"), ("entry-3", "3"), ("entry-5", "5"), ("other-6", "6")) == bulk.Ticks([3, 5], True)
    assert ticks(("listed", "3 4"), ("entry-5", "5")).is_consistent is False
    assert ticks(("entry-5", "5")).is_consistent is False
    assert ticks(("entry-²", "1"), ("listed", "2")).is_consistent is False
    assert ticks(("listed", "")) == bulk.Ticks([], True) and ticks() == bulk.Ticks([], True)


# ---------------------------------------------------------------- staff enrolment


@pytest.fixture
def course(staff, make_user):
    return make_course(make_user(role=SiteRole.TRAINER), reading=(ModuleKind.SELF_PACED, 30))[0]


def test_the_enrolment_page_lists_who_can_be_ticked_and_refuses_anyone_else(client, u, login, staff, course):
    enrollment.enroll(staff.trainee, course)
    db.session.commit()
    login(staff.manager)
    path = u("lms.courses.enroll_staff", course_slug="core", org_slug="acme")
    response = client.get(path)
    page = response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store" and 'autocomplete="off"' in page
    listed = bulk_forms.listed_ids(page)
    assert staff.trainee.id not in listed and staff.colleague.id in listed  # enrolled: no checkbox
    assert f'name="user-{staff.colleague.id}"' in page
    # Back after enrolling Tina: a tick restored by position would now land on Carl; a tick the page did not list
    # (Tina, enrolled, no longer has a checkbox) is refused and nobody is enrolled.
    refused = client.submit(path, bulk_forms.people(staff.trainee.id, staff.colleague.id, listed=bulk_forms.listed_ids(page)))
    assert refused.status_code == 409 and "nobody was enrolled" in refused.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Enrollment.id))) == 1
    assert client.submit(path, bulk_forms.people(staff.colleague.id, listed=bulk_forms.listed_ids(page))).status_code == 302
    assert db.session.scalar(select(func.count(Enrollment.id))) == 2
