"""A person changes their own email address: new address and current password on the profile, a link sent to the new
address (through the real SMTP server), a page with a button to confirm, a notice to the old address with no link.
The link works once, expires, and dies when the address or the password changes; the address is normalised as at
sign-up and must be free (also when another account takes it between the check and the save); a taken one is
answered as a free one, and its owner told instead."""

from __future__ import annotations

import re
from html import unescape

import pytest
from itsdangerous import TimestampSigner
from sqlalchemy import select

from lms import db
from lms.accounts import admin_actions, email_change, login_sessions, password_reset
from lms.audit import AuditEvent
from tests.conftest import CSRF_RE, PASSWORD, body_of

NEW_PASSWORD = "a different long passphrase"


def _text(response) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))))


def _ask(client, u, new_email: str, password: str = PASSWORD):
    return client.submit(u("lms.accounts.request_email_change"), {"new_email": new_email, "password": password})


def _link_path(message) -> str:
    link = re.search(r"https?://\S+/profile/email/\S+", body_of(message)).group(0)
    return link.split("lms.test", 1)[1]


def _confirm(client, path: str):
    """Open the link (a page with a button, which changes nothing) and press the button."""
    page = client.get(path)
    assert page.status_code == 200, _text(page)
    token = CSRF_RE.search(page.get_data(as_text=True)).group(1)
    return client.post(path, data={"csrf_token": token})


@pytest.fixture
def rosa(make_user):
    return make_user("rosa@example.org", name="Rosa Díaz")


def test_the_whole_change_through_the_web_with_real_email(app, client, u, login, rosa, mailbox):
    login(rosa)
    profile = client.get(u("lms.accounts.profile"))
    assert "Change your email address" in _text(profile)

    response = _ask(client, u, "  Rosa.Diaz@Clinic.EXAMPLE.org ")  # normalised as at sign-up
    assert response.status_code == 302
    assert "We sent a link to rosa.diaz@clinic.example.org" in _text(client.get(response.headers["Location"]))
    assert [m["To"] for m in mailbox] == ["rosa.diaz@clinic.example.org"]
    assert "Confirm your new CHW Learn email address" in mailbox[0]["Subject"]
    assert "expires in 24 hours" in body_of(mailbox[0])
    db.session.refresh(rosa)
    assert rosa.email == "rosa@example.org"  # nothing changes before the link is opened

    path = _link_path(mailbox[0])
    page = client.get(path)  # a mail scanner opening the link changes nothing
    assert "rosa.diaz@clinic.example.org" in _text(page) and "Use this email address" in _text(page)
    db.session.refresh(rosa)
    assert rosa.email == "rosa@example.org"

    done = _confirm(client, path)
    assert done.status_code == 302 and done.headers["Location"].endswith(u("lms.accounts.profile"))
    assert "Your email address is now rosa.diaz@clinic.example.org." in _text(client.get(done.headers["Location"]))
    db.session.refresh(rosa)
    assert rosa.email == "rosa.diaz@clinic.example.org"

    notice = mailbox[1]
    assert notice["To"] == "rosa@example.org"
    assert "was changed" in notice["Subject"]
    body = body_of(notice)
    assert "It is no longer rosa@example.org" in body and "contact a site administrator" in body
    assert "http" not in body  # nothing to click that could undo (or redo) anything
    assert "rosa.diaz@clinic" not in body  # nor the new address, in case the old mailbox is someone else's now
    assert len(mailbox) == 2

    event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "user.email_changed")).scalar_one()
    assert (event.object_id, event.actor_id) == (rosa.id, rosa.id)
    assert event.data == {"email": "rosa.diaz@clinic.example.org", "was": {"email": "rosa@example.org"}}

    assert client.get(u("lms.accounts.profile")).status_code == 200  # this browser stays signed in
    client.submit(u("lms.accounts.logout"))
    assert login_sessions.authenticate("rosa@example.org", PASSWORD) is None
    assert login_sessions.authenticate("rosa.diaz@clinic.example.org", PASSWORD) is not None


def test_a_signed_out_browser_can_confirm_and_is_sent_to_sign_in(app, client, u, login, rosa, mailbox):
    login(rosa)
    _ask(client, u, "rosa.new@example.org")
    phone = app.test_client()  # the mail app on her phone, not signed in
    done = _confirm(phone, _link_path(mailbox[0]))
    assert done.status_code == 302 and u("lms.accounts.login") in done.headers["Location"]
    assert "Sign in with it from now on" in _text(phone.get(done.headers["Location"]))
    db.session.refresh(rosa)
    assert rosa.email == "rosa.new@example.org"


def test_other_browsers_stay_signed_in(app, client, u, login, client_as, rosa, mailbox):
    """The address is not a secret: sessions end on a password change or when the account is disabled, not here."""
    tablet = client_as(rosa)
    login(rosa)
    _ask(client, u, "rosa.new@example.org")
    _confirm(client, _link_path(mailbox[0]))
    assert tablet.get(u("lms.accounts.profile")).status_code == 200


def test_the_link_works_once(client, u, login, rosa, mailbox):
    login(rosa)
    _ask(client, u, "rosa.new@example.org")
    path = _link_path(mailbox[0])
    page = client.get(path)
    token = CSRF_RE.search(page.get_data(as_text=True)).group(1)
    assert client.post(path, data={"csrf_token": token}).status_code == 302
    again = client.get(path)
    assert again.status_code == 400 and "already been used" in _text(again)
    sent_again = client.post(path, data={"csrf_token": token})  # the button of a page opened before
    assert sent_again.status_code == 400 and "already been used" in _text(sent_again)
    assert len(db.session.execute(select(AuditEvent).where(AuditEvent.action == "user.email_changed")).all()) == 1
    assert len(mailbox) == 2  # the link, one notice


def test_a_newer_change_ends_older_links(client, u, login, rosa, mailbox):
    login(rosa)
    _ask(client, u, "first@example.org")
    _ask(client, u, "second@example.org")
    first, second = (_link_path(m) for m in mailbox)
    assert _confirm(client, second).status_code == 302
    old_link = client.get(first)
    assert old_link.status_code == 400 and "already been used" in _text(old_link)
    db.session.refresh(rosa)
    assert rosa.email == "second@example.org"


def test_a_password_change_ends_the_links(client, u, login, rosa, mailbox):
    """Someone who knew the password asked to move the account to their address; the owner changes the password."""
    login(rosa)
    _ask(client, u, "intruder@example.org")
    password_reset.set_password(rosa, NEW_PASSWORD)
    db.session.commit()
    assert client.get(_link_path(mailbox[0])).status_code == 400
    db.session.refresh(rosa)
    assert rosa.email == "rosa@example.org"


def test_an_expired_link_changes_nothing(client, u, login, rosa, mailbox, monkeypatch, app):
    login(rosa)
    _ask(client, u, "rosa.new@example.org")
    path = _link_path(mailbox[0])
    page = client.get(path)
    token = CSRF_RE.search(page.get_data(as_text=True)).group(1)
    later = TimestampSigner.get_timestamp
    monkeypatch.setattr(TimestampSigner, "get_timestamp",
                        lambda self: later(self) + app.config["LMS_EMAIL_CHANGE_MAX_AGE"] + 60)
    expired = client.get(path)
    assert expired.status_code == 400 and "This confirmation link has expired" in _text(expired)
    assert client.post(path, data={"csrf_token": token}).status_code == 400
    db.session.refresh(rosa)
    assert rosa.email == "rosa@example.org" and len(mailbox) == 1


@pytest.mark.parametrize("path", ["/profile/email/not-a-token", "/profile/email/" + "x" * 3000])
def test_a_made_up_link_is_refused(client, u, path):
    prefix = u("lms.main.home").rstrip("/")
    response = client.get(prefix + path)
    assert response.status_code == 400 and "not valid" in _text(response)


def test_a_wrong_password_sends_nothing(client, u, login, rosa, mailbox):
    login(rosa)
    response = _ask(client, u, "rosa.new@example.org", password="not my password at all")
    assert response.status_code == 400
    assert "Your current password is not right." in _text(response)
    assert mailbox == []


@pytest.mark.parametrize("address", ["Lupe@Example.org", " lupe@example.org"])
def test_an_address_in_use_is_answered_as_a_free_one_and_its_owner_told(client, u, login, make_user, rosa, mailbox,
                                                                        address):
    """The form does not tell who has an account (tests/test_email_change_enumeration.py): the same answer as for a
    free address, no link sent, Lupe told instead; Rosa keeps her address."""
    make_user("lupe@example.org", name="Lupe")
    login(rosa)
    response = _ask(client, u, address)
    assert response.status_code == 302
    assert "We sent a link to lupe@example.org" in _text(client.get(response.headers["Location"]))
    assert [m["To"] for m in mailbox] == ["lupe@example.org"] and "/profile/email/" not in body_of(mailbox[0])
    db.session.refresh(rosa)
    assert rosa.email == "rosa@example.org"


@pytest.mark.parametrize("address, message", [
    ("ROSA@example.org", "This is already the account's email address."),
    ("not an address", "Enter a valid email address"),
    ("", "This field is required."),
])
def test_other_refusals(client, u, login, rosa, mailbox, address, message):
    login(rosa)
    response = _ask(client, u, address)
    assert response.status_code == 400 and message in _text(response)
    assert mailbox == []


def test_an_address_taken_before_the_link_is_opened(client, u, login, make_user, rosa, mailbox):
    login(rosa)
    _ask(client, u, "shared@example.org")
    make_user("shared@example.org", name="Someone Else")
    response = _confirm(client, _link_path(mailbox[0]))
    assert response.status_code == 409 and "An account with this email address already exists." in _text(response)
    db.session.refresh(rosa)
    assert rosa.email == "rosa@example.org"


def test_an_address_taken_between_the_check_and_the_save(client, u, login, make_user, rosa, mailbox, monkeypatch):
    """The other account commits just after this request looked: the unique index refuses, and the person gets the
    same message, never a 500."""
    login(rosa)
    _ask(client, u, "shared@example.org")
    make_user("shared@example.org", name="Someone Else")
    monkeypatch.setattr(email_change, "get_user_by_email", lambda email: None)
    response = _confirm(client, _link_path(mailbox[0]))
    assert response.status_code == 409 and "An account with this email address already exists." in _text(response)
    db.session.refresh(rosa)
    assert rosa.email == "rosa@example.org"
    assert not db.session.scalar(select(AuditEvent.id).where(AuditEvent.action == "user.email_changed").limit(1))


def test_a_disabled_account_cannot_use_its_link(client, u, login, rosa, make_user, mailbox):
    from lms.accounts.models import SiteRole

    admin = make_user("admin@example.org", role=SiteRole.ADMIN)
    login(rosa)
    _ask(client, u, "rosa.new@example.org")
    admin_actions.set_active(rosa, False, admin)
    db.session.commit()
    assert client.get(_link_path(mailbox[0])).status_code == 403  # says so: tests/test_account_tokens.py


def test_a_reset_link_sent_to_the_old_address_stops_working(app, client, u, login, rosa, mailbox):
    """Someone who can read the old mailbox must not get the account back through a reset link sent before."""
    reset = password_reset.make_reset_token(rosa, app.config["SECRET_KEY"])
    login(rosa)
    _ask(client, u, "rosa.new@example.org")
    _confirm(client, _link_path(mailbox[0]))
    anonymous = app.test_client()
    assert anonymous.get(u("lms.accounts.reset", token=reset)).status_code == 400
    fresh = password_reset.make_reset_token(rosa, app.config["SECRET_KEY"])
    assert anonymous.get(u("lms.accounts.reset", token=fresh)).status_code == 200


@pytest.mark.parametrize("app_config", [{"LMS_EMAIL_CHANGE_LIMIT": "2 per hour"}])
def test_requests_are_rate_limited_per_account(app, client, u, login, client_as, rosa, mailbox, app_config):
    login(rosa)
    assert _ask(client, u, "one@example.org", password="wrong guess one").status_code == 400
    assert _ask(client, u, "two@example.org").status_code == 302
    limited = client_as(rosa)  # another browser: the account is what is limited
    response = _ask(limited, u, "three@example.org")
    assert response.status_code == 429 and "Too many attempts" in _text(response)
    assert [m["To"] for m in mailbox] == ["two@example.org"]


def test_the_request_needs_a_signed_in_person(client, u, mailbox):
    response = _ask(client, u, "someone@example.org")
    assert response.status_code in (302, 401) and mailbox == []
