"""Self sign-up makes no account until the emailed link is opened (lms/accounts/signup.py): a pending sign-up holds
the name, the Argon2id hash of the password and the digest of the link's token. Signing in before fails like a wrong
password, so the sign-in form no longer tells a visitor whether their sign-up made an account (docs/access-control.md,
"Confirming the address of a new account"). Emails are those the real SMTP test server received."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from lms import db
from lms.accounts.models import PendingSignup, User
from lms.audit import AuditEvent
from lms.security import hash_token
from tests.conftest import PASSWORD, body_of, html_text

OTHER = "another long password"


def _form(email: str, password: str = PASSWORD, name: str = "Lucía Ramos") -> dict[str, str]:
    return {"name": name, "email": email, "password": password, "confirm": password, "agree": "y"}


def _sign_up(app, u, email: str = "lucia@example.org", password: str = PASSWORD, lang: str = ""):
    response = app.test_client().submit(u("lms.accounts.signup") + lang, _form(email, password))
    assert response.status_code == 302 and response.headers["Location"] == u("lms.accounts.signup_sent")
    return response


def _link(message) -> str:
    """The path of the sign-up link in ``message``."""
    return re.search(r"https?://\S+/signup/confirm/\S+", body_of(message)).group(0).split("lms.test", 1)[1]


def _users() -> int:
    return db.session.scalar(select(func.count()).select_from(User))


def _pending() -> list[PendingSignup]:
    db.session.expire_all()
    return list(db.session.execute(select(PendingSignup)).scalars())


def _sign_in(app, u, email: str, password: str):
    return app.test_client().submit(u("lms.accounts.login"), {"email": email, "password": password})


def _age(pending: PendingSignup, by: timedelta) -> None:
    pending.created_at -= by
    db.session.commit()


def test_a_new_address_gets_a_link_and_no_account(app, u, mailbox):
    _sign_up(app, u, "Lucia@Example.org", lang="?lang=es")
    assert _users() == 0
    [pending] = _pending()
    [message] = mailbox
    path = _link(message)
    token = path.rsplit("/", 1)[1].split("?", 1)[0]
    assert message["To"] == "lucia@example.org" and pending.email == "lucia@example.org"
    assert pending.name == "Lucía Ramos" and pending.locale == "es"
    assert pending.token_hash == hash_token(token) and token not in pending.token_hash  # only the digest is kept
    assert pending.password_hash.startswith("$argon2id$") and PASSWORD not in pending.password_hash
    assert "Hola, Lucía Ramos:" in body_of(message)  # in the language the visitor signed up in


def test_signing_in_before_opening_the_link_fails_like_a_wrong_password(app, u, make_user, mailbox):
    make_user("ana@example.org")
    _sign_up(app, u)
    pending, wrong = _sign_in(app, u, "lucia@example.org", PASSWORD), _sign_in(app, u, "ana@example.org", OTHER)
    assert pending.status_code == wrong.status_code == 401
    pages = [html_text(r.get_data(as_text=True)).replace(email, "ADDRESS")
             for r, email in ((pending, "lucia@example.org"), (wrong, "ana@example.org"))]
    pages = [re.sub(r'value="[^"]*"', "", page) for page in pages]
    assert pages[0] == pages[1]
    assert "The email or password is not right." in pages[0]
    assert "If you have just signed up, open the link we emailed you first." in pages[0]
    assert "If you have just signed up" not in app.test_client().get(u("lms.accounts.login")).get_data(as_text=True)


def test_the_link_asks_then_creates_a_confirmed_account_once(app, u, mailbox):
    _sign_up(app, u)
    path = _link(mailbox[0])
    asked = app.test_client().get(path)  # a mail scanner opening the link creates nothing
    assert asked.status_code == 200 and "Yes, create my account" in asked.get_data(as_text=True)
    assert _users() == 0 and len(_pending()) == 1
    client = app.test_client()
    done = client.submit(path, {"password": PASSWORD})
    assert done.status_code == 303 and done.headers["Location"] == u("lms.main.home")
    assert "Your account is created" in client.get(done.headers["Location"]).get_data(as_text=True)
    user = db.session.execute(select(User)).scalar_one()
    assert user.email == "lucia@example.org" and user.name == "Lucía Ramos" and user.is_email_confirmed
    assert [(p.name, p.password_hash) for p in _pending()] == [("", "")]  # kept, emptied, to say the link was used
    actions = db.session.execute(select(AuditEvent.action, AuditEvent.actor_id)
                                 .where(AuditEvent.object_id == user.id).order_by(AuditEvent.id)).all()
    assert [tuple(row) for row in actions] == [("user.registered", user.id), ("user.email_confirmed", user.id)]
    assert _sign_in(app, u, "lucia@example.org", PASSWORD).status_code == 302  # the password chosen at sign-up

    for again in (app.test_client().get(path), app.test_client().submit(path, {"password": PASSWORD})):  # once
        assert again.status_code == 400 and "already created your account" in again.get_data(as_text=True)
    assert _users() == 1


def test_a_taken_address_emails_its_owner_and_stores_nothing(app, u, make_user, mailbox):
    owner = make_user("ana@example.org", name="Ana Ortiz")
    before = owner.password_hash
    _sign_up(app, u, "ana@example.org", OTHER)
    assert _pending() == [] and _users() == 1
    [message] = mailbox
    assert "Someone tried" in message["Subject"] and "/signup/confirm/" not in body_of(message)
    db.session.refresh(owner)
    assert owner.password_hash == before and owner.name == "Ana Ortiz"
    assert _sign_in(app, u, "ana@example.org", OTHER).status_code == 401


def test_an_expired_link_creates_nothing_and_expired_rows_are_purged(app, u, mailbox):
    _sign_up(app, u)
    path = _link(mailbox[0])
    [pending] = _pending()
    _age(pending, timedelta(seconds=app.config["LMS_EMAIL_CHANGE_MAX_AGE"] + 1))
    for answer in (app.test_client().get(path), app.test_client().submit(path)):
        assert answer.status_code == 400 and "This link has expired" in answer.get_data(as_text=True)
    assert _users() == 0
    _sign_up(app, u, "otra@example.org")  # storing a sign-up deletes those whose link has expired
    assert [p.email for p in _pending()] == ["otra@example.org"]


def test_a_forged_link_is_refused(app, u):
    answer = app.test_client().get(u("lms.accounts.confirm_signup", token="nonsense"))
    assert answer.status_code == 400 and "This link does not work" in answer.get_data(as_text=True)


def test_an_address_taken_in_between_creates_nothing(app, u, make_user, mailbox):
    _sign_up(app, u)
    path = _link(mailbox[0])
    make_user("lucia@example.org", name="Lucía (invited)")  # e.g. an invitation accepted meanwhile
    for answer in (app.test_client().get(path), app.test_client().submit(path)):
        page = answer.get_data(as_text=True)
        assert answer.status_code == 409 and "already has an account" in page
        assert u("lms.accounts.login") in page and u("lms.accounts.reset_request") in page
    user = db.session.execute(select(User)).scalar_one()
    assert user.name == "Lucía (invited)" and _sign_in(app, u, "lucia@example.org", PASSWORD).status_code == 302
    assert _users() == 1


def test_signing_up_again_within_the_wait_sends_nothing_and_keeps_the_link(app, u, mailbox):
    _sign_up(app, u)
    _sign_up(app, u, password=OTHER)  # the form sent again: the link stands, with the details entered last
    assert len(mailbox) == 1 and len(_pending()) == 1
    app.test_client().submit(_link(mailbox[0]), {"password": OTHER})
    assert _sign_in(app, u, "lucia@example.org", OTHER).status_code == 302


def test_signing_up_again_later_replaces_the_pending_sign_up(app, u, mailbox):
    _sign_up(app, u)
    first = _link(mailbox[0])
    [pending] = _pending()
    _age(pending, timedelta(seconds=app.config["LMS_EMAIL_RESEND_WAIT"] + 1))
    _sign_up(app, u, password=OTHER)
    assert len(mailbox) == 2 and len(_pending()) == 1
    assert app.test_client().get(first).status_code == 400  # the first link stopped working
    app.test_client().submit(_link(mailbox[1]), {"password": OTHER})
    assert _sign_in(app, u, "lucia@example.org", OTHER).status_code == 302
    assert _sign_in(app, u, "lucia@example.org", PASSWORD).status_code == 401


@pytest.mark.parametrize("app_config", [{"LMS_SIGNUP_NOTICE_LIMIT": "1 per day", "LMS_EMAIL_RESEND_WAIT": 0}])
def test_sign_up_emails_to_one_address_are_limited(app, u, mailbox, app_config):
    """Beyond the per-address limit nothing is sent and the pending sign-up stays as it was: its link still works."""
    _sign_up(app, u)
    _sign_up(app, u, password=OTHER)
    assert len(mailbox) == 1
    app.test_client().submit(_link(mailbox[0]), {"password": PASSWORD})
    assert _sign_in(app, u, "lucia@example.org", PASSWORD).status_code == 302


def test_when_the_mail_server_is_down_nothing_is_stored(app, u, mailbox):
    port = app.config["LMS_MAIL_PORT"]
    app.config["LMS_MAIL_PORT"] = 1  # nothing listens there
    try:
        client = app.test_client()
        response = client.submit(u("lms.accounts.signup"), _form("lucia@example.org"))
        page = client.get(response.headers["Location"]).get_data(as_text=True)
    finally:
        app.config["LMS_MAIL_PORT"] = port
    assert "could not" not in page  # sent after the response (lms/notify/after_response.py): logged, taken back
    assert _pending() == [] and mailbox == []
    _sign_up(app, u)  # signing up again sends at once
    assert len(mailbox) == 1


def test_the_link_is_refused_while_sign_up_is_closed(app, u, mailbox):
    _sign_up(app, u)
    app.config["LMS_SIGNUP_ENABLED"] = False
    assert app.test_client().submit(_link(mailbox[0])).status_code == 403
    assert _users() == 0


def test_an_unconfirmed_account_made_before_still_signs_in_and_confirms(app, u, client, mailbox):
    """Accounts that sign-ups made before pending sign-ups existed (unconfirmed) keep working."""
    from lms.accounts import services

    user = services.register_user("old@example.org", "Old Timer", PASSWORD, email_confirmed=False)
    db.session.commit()
    assert client.submit(u("lms.accounts.login"), {"email": "old@example.org", "password": PASSWORD}).status_code == 302
    client.submit(u("lms.accounts.resend_confirmation"))
    path = re.search(r"https?://\S+/confirm-email/\S+", body_of(mailbox[-1])).group(0).split("lms.test", 1)[1]
    assert client.submit(path).status_code == 303
    db.session.refresh(user)
    assert user.is_email_confirmed
