"""Emailed links (password reset, confirmation of a new email address) opened after the account was disabled: the
person is told the account is disabled and whom to ask, on opening the link and on sending its form, and nothing
changes; a link that would not have worked anyway (expired, not ours, used, sent to an address the account no longer
has) keeps its own message, so a disabled account is revealed only to whoever could have used the link. The links
are sent through the real SMTP test server."""

from __future__ import annotations

import re
from html import unescape

import pytest
from itsdangerous import TimestampSigner
from sqlalchemy import select

from lms import db
from lms.accounts import admin_actions, email_change, login_sessions, password_reset, services, tokens
from lms.accounts.models import SiteRole, User
from lms.accounts.passwords import verify_password
from lms.audit import AuditEvent
from tests.conftest import CSRF_RE, PASSWORD, body_of

NEW_PASSWORD = "a brand new passphrase"
DISABLED = "This account is disabled, so it cannot sign in. Only a site administrator can enable it again."
MANAGERS = "Your organisation's managers can ask one for you: Mona Manager (Acme Clinic)."
NO_MANAGER = ("This account is disabled, so it cannot sign in. Only a site administrator can enable it again: ask the "
              "organisation or trainer who gave you access to CHW Learn to contact one.")
RESET_USED = "This reset link has already been used. Please ask for a new one."
RESET_EXPIRED = "This reset link has expired. Please ask for a new one."
RESET_INVALID = "This reset link is not valid. Please ask for a new one."
CONFIRM_USED = "This confirmation link has already been used"
CONFIRM_EXPIRED = "This confirmation link has expired. Ask for a new one on your profile."
CONFIRM_INVALID = "This confirmation link is not valid. Ask for a new one on your profile."


def _text(response) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))))


def _path(message, route: str) -> str:
    return re.search(rf"https?://\S+/{route}/\S+", body_of(message)).group(0).split("lms.test", 1)[1]


@pytest.fixture
def admin(make_user):
    return make_user("admin@example.org", name="Ada Admin", role=SiteRole.ADMIN)


@pytest.fixture
def lupe(make_user, make_org, add_member):
    """Lupe, staff of Acme Clinic, managed by Mona."""
    lupe = make_user("lupe@example.org", name="Lupe Ortiz")
    add_member(make_org("acme", manager=make_user("mona@example.org", name="Mona Manager"), name="Acme Clinic"), lupe)
    db.session.commit()
    return lupe


def _disable(user: User, admin: User, active: bool = False) -> None:
    admin_actions.set_active(user, active, admin)
    db.session.commit()


def _actions(name: str) -> list[int]:
    return list(db.session.scalars(select(AuditEvent.id).where(AuditEvent.action == name)))


# ---------------------------------------------------------------- password reset


def _reset_link(client, u, email: str, mailbox) -> str:
    client.submit(u("lms.accounts.reset_request"), {"email": email})
    (message,) = mailbox
    mailbox.clear()
    return _path(message, "reset")


def _set_password(client, path: str, token: str):
    return client.post(path, data={"csrf_token": token, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})


def test_a_reset_link_sent_before_the_account_was_disabled_says_so_and_whom_to_ask(client, u, lupe, admin, mailbox):
    path = _reset_link(client, u, "lupe@example.org", mailbox)
    form = client.get(path)
    assert form.status_code == 200
    csrf = CSRF_RE.search(form.get_data(as_text=True)).group(1)  # the form was open when the account was disabled
    _disable(lupe, admin)

    opened = client.get(path)
    assert opened.status_code == 403
    assert "Account disabled" in _text(opened) and f"{DISABLED} {MANAGERS}" in _text(opened)
    assert "already been used" not in _text(opened) and "Ask for a new link" not in _text(opened)

    sent = _set_password(client, path, csrf)
    assert sent.status_code == 403 and f"{DISABLED} {MANAGERS}" in _text(sent)
    db.session.refresh(lupe)
    assert verify_password(lupe.password_hash, PASSWORD) and not verify_password(lupe.password_hash, NEW_PASSWORD)
    assert _actions("user.password_changed") == [] and mailbox == []
    assert client.get(u("lms.accounts.profile")).status_code == 302  # not signed in


def test_without_a_manager_the_link_says_to_ask_who_gave_access(client, u, make_user, admin, mailbox):
    solo = make_user("solo@example.org", name="Sol Solo")
    path = _reset_link(client, u, "solo@example.org", mailbox)
    _disable(solo, admin)
    opened = client.get(path)
    assert opened.status_code == 403 and NO_MANAGER in _text(opened)


def test_once_enabled_again_the_unused_link_works(client, u, lupe, admin, mailbox):
    path = _reset_link(client, u, "lupe@example.org", mailbox)
    _disable(lupe, admin)
    _disable(lupe, admin, active=True)
    form = client.get(path)
    assert form.status_code == 200
    assert _set_password(client, path, CSRF_RE.search(form.get_data(as_text=True)).group(1)).status_code == 302
    assert login_sessions.authenticate("lupe@example.org", NEW_PASSWORD) is not None


def test_a_used_reset_link_still_says_used_also_once_disabled(client, u, lupe, admin, mailbox):
    path = _reset_link(client, u, "lupe@example.org", mailbox)
    csrf = CSRF_RE.search(client.get(path).get_data(as_text=True)).group(1)
    assert _set_password(client, path, csrf).status_code == 302
    again = client.get(path)
    assert again.status_code == 400 and RESET_USED in _text(again)
    _disable(lupe, admin)
    later = client.get(path)
    assert later.status_code == 400 and RESET_USED in _text(later) and "disabled" not in _text(later)


def test_a_link_sent_to_an_address_the_account_no_longer_has_reveals_nothing(app, client, u, lupe, admin):
    """Whoever reads the old mailbox learns neither that the account is disabled nor whom it works for."""
    token = password_reset.make_reset_token(lupe, app.config["SECRET_KEY"])
    email_change.change_email(lupe, "lupe.new@example.org", admin, reason="lost mailbox")
    db.session.commit()
    _disable(lupe, admin)
    opened = client.get(u("lms.accounts.reset", token=token))
    assert opened.status_code == 400 and RESET_USED in _text(opened)
    assert "disabled" not in _text(opened) and "Mona" not in _text(opened)


def test_an_expired_reset_link_says_expired_also_once_disabled(app, client, u, lupe, admin, mailbox, monkeypatch):
    path = _reset_link(client, u, "lupe@example.org", mailbox)
    _disable(lupe, admin)
    now = TimestampSigner.get_timestamp
    monkeypatch.setattr(TimestampSigner, "get_timestamp",
                        lambda self: now(self) + app.config["LMS_PASSWORD_RESET_MAX_AGE"] + 60)
    opened = client.get(path)
    assert opened.status_code == 400 and RESET_EXPIRED in _text(opened) and "disabled" not in _text(opened)


@pytest.mark.parametrize("forge", ["tampered", "other key", "random"])
def test_a_forged_reset_link_is_not_valid_also_for_a_disabled_account(app, client, u, lupe, admin, forge):
    key = app.config["SECRET_KEY"]
    token = {"tampered": lambda: password_reset.make_reset_token(lupe, key)[:-2] + "xx",
             "other key": lambda: password_reset.make_reset_token(lupe, "not the site's key " * 3),
             "random": lambda: "eyJ1IjoxfQ.aaaa.bbbb"}[forge]()
    _disable(lupe, admin)
    opened = client.get(u("lms.accounts.reset", token=token))
    assert opened.status_code == 400 and RESET_INVALID in _text(opened) and "disabled" not in _text(opened)
    with pytest.raises(services.DomainError, match="not valid"):
        password_reset.user_for_reset_token(token, key, 3600)


def test_the_service_raises_account_disabled_only_for_a_link_that_would_work(app, lupe, admin):
    token = password_reset.make_reset_token(lupe, app.config["SECRET_KEY"])
    _disable(lupe, admin)
    with pytest.raises(tokens.AccountDisabled) as refused:
        password_reset.user_for_reset_token(token, app.config["SECRET_KEY"], 3600)
    assert refused.value.user.id == lupe.id and refused.value.status == 403


# ---------------------------------------------------------------- email change confirmation


def _confirmation_link(client, u, login, user: User, mailbox) -> str:
    login(user)
    client.submit(u("lms.accounts.request_email_change"), {"new_email": "lupe.new@example.org", "password": PASSWORD})
    (message,) = mailbox
    mailbox.clear()
    client.submit(u("lms.accounts.logout"))
    return _path(message, "profile/email")


def test_a_confirmation_link_sent_before_the_account_was_disabled_says_so(client, u, login, lupe, admin, mailbox):
    path = _confirmation_link(client, u, login, lupe, mailbox)
    page = client.get(path)
    assert page.status_code == 200 and "Use this email address" in _text(page)
    csrf = CSRF_RE.search(page.get_data(as_text=True)).group(1)
    _disable(lupe, admin)

    opened = client.get(path)
    assert opened.status_code == 403 and f"{DISABLED} {MANAGERS}" in _text(opened)
    assert CONFIRM_USED not in _text(opened)
    pressed = client.post(path, data={"csrf_token": csrf})
    assert pressed.status_code == 403 and f"{DISABLED} {MANAGERS}" in _text(pressed)
    db.session.refresh(lupe)
    assert lupe.email == "lupe@example.org" and _actions("user.email_changed") == [] and mailbox == []


def test_a_used_confirmation_link_still_says_used_also_once_disabled(client, u, login, lupe, admin, mailbox):
    path = _confirmation_link(client, u, login, lupe, mailbox)
    csrf = CSRF_RE.search(client.get(path).get_data(as_text=True)).group(1)
    assert client.post(path, data={"csrf_token": csrf}).status_code == 302
    _disable(lupe, admin)
    again = client.get(path)
    assert again.status_code == 400 and CONFIRM_USED in _text(again) and "disabled" not in _text(again)


def test_expired_and_forged_confirmation_links_keep_their_messages(app, client, u, login, lupe, admin, mailbox,
                                                                  monkeypatch):
    path = _confirmation_link(client, u, login, lupe, mailbox)
    _disable(lupe, admin)
    forged = client.get(path[:-2] + "xx")
    assert forged.status_code == 400 and CONFIRM_INVALID in _text(forged) and "disabled" not in _text(forged)
    now = TimestampSigner.get_timestamp
    monkeypatch.setattr(TimestampSigner, "get_timestamp",
                        lambda self: now(self) + app.config["LMS_EMAIL_CHANGE_MAX_AGE"] + 60)
    expired = client.get(path)
    assert expired.status_code == 400 and CONFIRM_EXPIRED in _text(expired) and "disabled" not in _text(expired)


def test_links_made_before_the_shared_reader_still_read_the_same(app, lupe):
    """The tokens keep their shape, so links already in mailboxes keep working after an upgrade."""
    from itsdangerous import URLSafeTimedSerializer

    key = app.config["SECRET_KEY"]
    reset = URLSafeTimedSerializer(key, salt="lms-password-reset").loads(password_reset.make_reset_token(lupe, key))
    assert list(reset) == ["u", "h", "e"] and reset["u"] == lupe.id
    _email, token = email_change.request_email_change(lupe, PASSWORD, "lupe.new@example.org", key)
    confirm = URLSafeTimedSerializer(key, salt="lms-email-change").loads(token)
    assert confirm == {"u": lupe.id, "e": "lupe.new@example.org", "f": email_change.fingerprint(lupe)}
