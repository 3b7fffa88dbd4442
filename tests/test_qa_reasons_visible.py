"""A required reason or note made only of invisible characters (zero-width spaces, bidi marks...) is refused like an
empty one, by the services (so the API and the web alike) and on the web forms next to the box, with the text kept.
Rejected hours used to show the trainee "Reason for rejecting" followed by nothing."""

from __future__ import annotations

import re
from datetime import date
from html import unescape

import pytest
from sqlalchemy import select

from lms import db
from lms.accounts import admin_actions, email_change, names
from lms.accounts.models import SiteRole, User
from lms.audit import AuditEvent
from lms.errors import DomainError
from lms.hours import approvals
from lms.hours.adjustments import Adjustment, add_adjustment
from lms.hours.models import EntryStatus, HoursEntry
from lms.reasons import optional_reason, required_reason
from tests.conftest import html_text
from tests.test_hours_ledger import external, make_staff

INVISIBLE = ("\u200b\u200b\u200b", "\u200b", " \u200e\u200f ", "\ufeff\u2060", "\u3164")
INVISIBLE_WORDS = "This one holds only invisible characters (such as zero-width spaces)."


@pytest.fixture
def staff(make_user, make_org, add_member):
    return make_staff(make_user, make_org, add_member)


@pytest.fixture
def people(make_user):
    admin = make_user("ada@example.org", name="Ada Admin", role=SiteRole.ADMIN)
    return admin, make_user("lupe@example.org", name="Lupe Ortz")


def _events(action: str) -> list[AuditEvent]:
    return list(db.session.execute(select(AuditEvent).where(AuditEvent.action == action)).scalars())


@pytest.mark.parametrize("text", INVISIBLE)
def test_the_shared_rule_refuses_invisible_text_and_says_why(app, text):
    with pytest.raises(DomainError) as refused:
        required_reason(text, "Write the reason.")
    assert refused.value.message == f"Write the reason. {INVISIBLE_WORDS}" and refused.value.details == {"field": "reason"}
    with pytest.raises(DomainError):
        optional_reason(text, "Write the note.")
    assert required_reason("  Sheet \u200bunsigned ", "x") == "Sheet \u200bunsigned"
    assert optional_reason("   ", "x") is None


def test_the_api_refuses_an_invisible_reason_for_rejecting(client, u, login, staff):
    entry = external(staff.trainee)
    login(staff.manager)
    api = client.post(u("lms.api.reject_hours", org_slug="acme", entry_id=entry.id),
                      json={"reason": "\u200b\u200b\u200b"}, headers={"X-CSRFToken": client.csrf_token()})
    assert api.status_code == 400, api.get_json()
    assert INVISIBLE_WORDS in api.get_json()["error"]["message"]
    db.session.expire_all()
    assert db.session.get(HoursEntry, entry.id).status is EntryStatus.PENDING and _events("hours.rejected") == []


def test_the_reject_form_shows_the_problem_at_the_box_and_keeps_the_text(client, u, login, staff):
    entry = external(staff.trainee)
    login(staff.manager)
    form = client.post(u("lms.hours.reject", org_slug="acme", entry_id=entry.id),
                       data={"csrf_token": client.csrf_token(), "reason": "\u200b\u200b"})
    page = form.get_data(as_text=True)
    assert form.status_code == 400
    assert ("Give a reason for rejecting: the person will see it. " + INVISIBLE_WORDS) in html_text(page)
    box = re.search(r'<textarea[^>]*name="reason"[^>]*>(.*?)</textarea>', page, re.S)
    assert box and "\u200b\u200b" in unescape(box.group(1)) and 'aria-invalid="true"' in box.group(0)
    assert db.session.get(HoursEntry, entry.id).status is EntryStatus.PENDING


def test_the_services_refuse_invisible_reasons(app, staff, people):
    admin, lupe = people
    entry = external(staff.trainee)
    refusals = [
        lambda: approvals.reject(entry, staff.manager, "\u200b"),
        lambda: admin_actions.set_role(lupe, SiteRole.TRAINER, admin, "\u200b"),
        lambda: admin_actions.set_active(lupe, False, admin, "\u200b"),
        lambda: names.correct_name(lupe, "Lupe Ortiz", admin, "\u200b"),
        lambda: email_change.change_email(lupe, "lupe.ortiz@example.org", admin, "\u200b"),
        lambda: add_adjustment(staff.org, staff.trainee, Adjustment(minutes=30, activity_date=date(2026, 3, 10),
                                                                    description="\u200b\u200d"), staff.manager, "adj-1"),
    ]
    for refuse in refusals:
        with pytest.raises(DomainError) as refused:
            refuse()
        assert INVISIBLE_WORDS in refused.value.message
    db.session.expire_all()
    person = db.session.get(User, lupe.id)
    assert (person.role, person.is_active, person.name, person.email) == (SiteRole.TRAINEE, True, "Lupe Ortz",
                                                                          "lupe@example.org")
    assert db.session.get(HoursEntry, entry.id).status is EntryStatus.PENDING


@pytest.mark.parametrize(("path", "data", "message"), [
    ("lms.admin.update_user", {"action": "role", "role": "trainer", "reason": "\u200b"},
     "Write the reason for changing the site role."),
    ("lms.admin.update_user", {"action": "disable", "confirm": "yes", "reason": "\u200b"},
     "Write the reason for disabling the account."),
    ("lms.admin.change_name", {"name": "Lupe Ortiz", "reason": "\u200b"}, "Write the reason for correcting the name."),
    ("lms.admin.change_email", {"email": "lupe.ortiz@example.org", "reason": "\u200b"},
     "Write the reason for changing the email address."),
])
def test_admin_forms_refuse_an_invisible_reason_at_the_box(client, u, login, people, path, data, message):
    admin, lupe = people
    login(admin)
    refused = client.submit(u(path, user_id=lupe.id), data)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400 and f"{message} {INVISIBLE_WORDS}" in html_text(page)
    box = page.split('name="reason"', 1)[1].split("</textarea>", 1)[0]
    assert "\u200b" in unescape(box)
    db.session.expire_all()
    person = db.session.get(User, lupe.id)
    assert (person.role, person.is_active, person.name, person.email) == (SiteRole.TRAINEE, True, "Lupe Ortz",
                                                                          "lupe@example.org")


def test_an_invisible_note_on_enabling_is_refused_at_its_box(client, u, login, people):
    admin, lupe = people
    admin_actions.set_active(lupe, False, admin, "Left")
    db.session.commit()
    login(admin)
    refused = client.submit(u("lms.admin.update_user", user_id=lupe.id), {"action": "enable", "note": "\u200b\u200b"})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert f"Write the note in words, or leave the box empty. {INVISIBLE_WORDS}" in html_text(page)
    db.session.expire_all()
    assert not db.session.get(User, lupe.id).is_active and _events("user.enabled") == []
