"""A site administrator changes someone's email address on /admin/users/<id>/email: at once, with a reason, an audit
row holding the old and the new address, an email to each address, and the person's sessions left alone. Managers of
an organisation cannot (the address belongs to the person's account, not to the job), and nobody changes their own
address there."""

from __future__ import annotations

import re
from html import unescape

import pytest
from sqlalchemy import select

from lms import db
from lms.accounts import email_change, login_sessions, password_reset
from lms.accounts.models import SiteRole
from lms.audit import AuditEvent
from tests.conftest import PASSWORD, body_of

REASON = "Lost access to the old mailbox; asked by phone."


def _text(response) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))))


def _events() -> list[AuditEvent]:
    return list(db.session.execute(select(AuditEvent).where(AuditEvent.action == "user.email_changed")).scalars())


@pytest.fixture
def people(make_user):
    admin = make_user("ada@example.org", name="Ada Admin", role=SiteRole.ADMIN)
    lupe = make_user("lupe@example.org", name="Lupe Ortiz")
    return admin, lupe


def _change(client, u, user, email: str, reason: str = REASON):
    return client.submit(u("lms.admin.change_email", user_id=user.id), {"email": email, "reason": reason})


def test_an_administrator_changes_an_address_with_an_audit_row_and_both_addresses_told(client, u, login, client_as,
                                                                                        people, mailbox):
    admin, lupe = people
    lupe_phone = client_as(lupe)
    login(admin)
    listing = client.get(u("lms.admin.users"))
    assert u("lms.admin.change_email", user_id=lupe.id) in listing.get_data(as_text=True)
    assert u("lms.admin.change_email", user_id=admin.id) not in listing.get_data(as_text=True)  # not their own
    form = client.get(u("lms.admin.change_email", user_id=lupe.id))
    assert form.status_code == 200 and "Now: lupe@example.org" in _text(form)

    response = _change(client, u, lupe, " Lupe.Ortiz@Clinic.Example.org")
    assert response.status_code == 302
    assert "The email address of Lupe Ortiz is now lupe.ortiz@clinic.example.org." in _text(
        client.get(response.headers["Location"]))
    db.session.refresh(lupe)
    assert lupe.email == "lupe.ortiz@clinic.example.org"

    (event,) = _events()
    assert (event.object_type, event.object_id, event.actor_id) == ("User", lupe.id, admin.id)
    assert event.data == {"email": "lupe.ortiz@clinic.example.org", "was": {"email": "lupe@example.org"}}
    assert event.reason == REASON

    by_address = {m["To"]: m for m in mailbox}
    assert set(by_address) == {"lupe@example.org", "lupe.ortiz@clinic.example.org"}
    old = body_of(by_address["lupe@example.org"])
    assert "A site administrator changed the email address" in old and "http" not in old
    new = body_of(by_address["lupe.ortiz@clinic.example.org"])
    assert "A site administrator made lupe.ortiz@clinic.example.org the email address" in new
    assert "/login" in new

    assert lupe_phone.get(u("lms.accounts.profile")).status_code == 200  # still signed in
    assert login_sessions.authenticate("lupe.ortiz@clinic.example.org", PASSWORD) is not None
    assert login_sessions.authenticate("lupe@example.org", PASSWORD) is None


def test_the_audit_log_shows_the_change_in_words(client, u, login, people, mailbox):
    admin, lupe = people
    login(admin)
    _change(client, u, lupe, "lupe.new@example.org")
    page = _text(client.get(u("lms.admin.audit_log", action="user.email_changed")))
    assert "Email address changed" in page
    assert "lupe@example.org" in page and "lupe.new@example.org" in page and REASON in page


def test_pending_links_of_the_person_stop_working(app, client, u, login, people, mailbox):
    admin, lupe = people
    _address, token = email_change.request_email_change(lupe, PASSWORD, "lupe.own@example.org", app.config["SECRET_KEY"])
    reset = password_reset.make_reset_token(lupe, app.config["SECRET_KEY"])
    db.session.commit()
    login(admin)
    _change(client, u, lupe, "lupe.new@example.org")
    anonymous = app.test_client()
    assert anonymous.get(u("lms.accounts.confirm_email_change", token=token)).status_code == 400
    assert anonymous.get(u("lms.accounts.reset", token=reset)).status_code == 400


@pytest.mark.parametrize("data, message", [
    ({"email": "ada@example.org", "reason": REASON}, "An account with this email address already exists."),
    ({"email": "LUPE@example.org", "reason": REASON}, "This is already the account's email address."),
    ({"email": "lupe.new@example.org", "reason": ""}, "This field is required."),
    ({"email": "lupe at example", "reason": REASON}, "Enter a valid email address"),
])
def test_refusals_say_why_and_change_nothing(client, u, login, people, mailbox, data, message):
    admin, lupe = people
    login(admin)
    response = client.submit(u("lms.admin.change_email", user_id=lupe.id), data)
    assert response.status_code == 400 and message in _text(response)
    db.session.refresh(lupe)
    assert lupe.email == "lupe@example.org" and _events() == [] and mailbox == []


def test_an_address_taken_at_the_same_moment_gets_the_same_message(client, u, login, people, make_user, monkeypatch):
    admin, lupe = people
    make_user("shared@example.org")
    monkeypatch.setattr(email_change, "get_user_by_email", lambda email: None)  # the other request committed just after
    login(admin)
    response = _change(client, u, lupe, "shared@example.org")
    assert response.status_code == 400 and "An account with this email address already exists." in _text(response)
    db.session.refresh(lupe)
    assert lupe.email == "lupe@example.org" and _events() == []


def test_an_administrator_changes_their_own_address_on_the_profile(client, u, login, people, mailbox):
    admin, _lupe = people
    login(admin)
    response = _change(client, u, admin, "ada.new@example.org")
    assert response.status_code == 302 and response.headers["Location"].endswith(u("lms.accounts.profile"))
    db.session.refresh(admin)
    assert admin.email == "ada@example.org" and mailbox == []


def test_an_unknown_person_is_a_404(client, u, login, people):
    admin, _lupe = people
    login(admin)
    assert client.get(u("lms.admin.change_email", user_id=999_999)).status_code == 404


def test_a_manager_cannot_change_their_staffs_address(client, u, login, make_user, make_org, add_member, people, mailbox):
    """The member page says who can; the administrators' page refuses a manager."""
    _admin, lupe = people
    mona = make_user("mona@example.org", name="Mona Manager")
    staff = add_member(make_org("acme", manager=mona), lupe)
    login(mona)
    member = client.get(u("lms.orgs.member", org_slug="acme", membership_id=staff.id))
    assert "a site administrator does" in _text(member)
    assert _change(client, u, lupe, "lupe.new@example.org").status_code == 403
    db.session.refresh(lupe)
    assert lupe.email == "lupe@example.org" and mailbox == []
