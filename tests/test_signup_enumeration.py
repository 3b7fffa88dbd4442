"""The sign-up form does not tell whether an address has an account: a taken address gets the same redirect, page,
cookie and rate-limit count as a new one, and changes nothing; its owner is emailed (in their language, at most
``LMS_SIGNUP_NOTICE_LIMIT`` per address) that someone tried, with the sign-in and reset links. A new address gets
only a pending sign-up and its link, no account yet (tests/test_signup_pending.py). Emails are those the real SMTP
test server received (docs/access-control.md, "Confirming the address of a new account")."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from lms import db
from lms.accounts.models import PendingSignup, User
from lms.audit import AuditEvent
from tests.conftest import PASSWORD, body_of


def _form(email: str, password: str = PASSWORD) -> dict[str, str]:
    return {"name": "Visitor", "email": email, "password": password, "confirm": password, "agree": "y"}


def _session_keys(app, response) -> set[str]:
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith(app.config["SESSION_COOKIE_NAME"]))
    value = cookie.split(";", 1)[0].split("=", 1)[1]
    return set(app.session_interface.get_signing_serializer(app).loads(value))


def _cookie_attributes(response) -> list[list[str]]:
    return [sorted(part.strip().split("=", 1)[0] for part in c.split(";")) for c in response.headers.getlist("Set-Cookie")]


def _visit(app, u, email: str, password: str = PASSWORD):
    """A new visitor: opens the form, sends it; the answer and the page it leads to (the address blanked out)."""
    client = app.test_client()
    response = client.submit(u("lms.accounts.signup"), _form(email, password))
    page = client.get(response.headers["Location"]).get_data(as_text=True) if response.status_code == 302 else ""
    page = re.sub(r'name="csrf_token" value="[^"]+"', "", page.replace(email, "ADDRESS"))
    return response, page, client


def _snapshot(user: User) -> tuple:
    db.session.refresh(user)
    return user.name, user.password_hash, user.email, user.email_confirmed_at, user.locale


def _audit_rows() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent))


def test_a_taken_address_gets_exactly_what_a_new_one_gets(app, u, make_user, mailbox):
    owner = make_user("ana@example.org", name="Ana Ortiz", locale="es")
    before, rows = _snapshot(owner), _audit_rows()
    taken, taken_page, taken_client = _visit(app, u, "ana@example.org")
    new, new_page, new_client = _visit(app, u, "nuevo@example.org")
    assert taken.status_code == new.status_code == 302
    assert taken.headers["Location"] == new.headers["Location"] == u("lms.accounts.signup_sent")
    assert _cookie_attributes(taken) == _cookie_attributes(new)
    assert _session_keys(app, taken) == _session_keys(app, new)
    assert taken_page == new_page and "Check your email" in new_page and "We have sent an email to ADDRESS." in new_page
    assert "already exists" not in taken_page
    for client in (taken_client, new_client):  # nobody is signed in by signing up
        assert client.get(u("lms.accounts.profile")).status_code == 302
    assert _snapshot(owner) == before  # the account is as it was
    assert db.session.scalar(select(func.count()).select_from(User)) == 1  # no account before the link is opened
    assert db.session.execute(select(PendingSignup.email)).scalars().all() == ["nuevo@example.org"]
    assert _audit_rows() == rows  # nothing on Ana's; the new account is audited when its link makes it
    assert sorted(m["To"] for m in mailbox) == ["ana@example.org", "nuevo@example.org"]


def test_the_owner_is_emailed_in_their_language_with_the_sign_in_and_reset_links(app, u, make_user, mailbox):
    make_user("ana@example.org", name="Ana Ortiz", locale="es")
    _visit(app, u, "Ana@Example.org")
    [message] = mailbox
    body = body_of(message)
    assert message["To"] == "ana@example.org"
    assert "Someone tried to create an account on" in message["Subject"] or "alguien" in message["Subject"].lower()
    assert "Hola, Ana Ortiz:" in body  # the owner's language (es), not the visitor's
    assert "http://lms.test" + u("lms.accounts.login") in body
    assert "http://lms.test" + u("lms.accounts.reset_request") in body
    assert "/confirm-email/" not in body


def test_a_new_address_gets_its_confirmation_link(app, u, mailbox):
    _visit(app, u, "nuevo@example.org")
    [message] = mailbox
    assert message["To"] == "nuevo@example.org" and "/signup/confirm/" in body_of(message)
    assert db.session.execute(select(User).where(User.email == "nuevo@example.org")).first() is None
    assert db.session.execute(select(PendingSignup.email)).scalar_one() == "nuevo@example.org"


@pytest.mark.parametrize("app_config", [{"LMS_SIGNUP_NOTICE_LIMIT": "2 per day"}])
def test_the_owner_gets_at_most_the_limit_of_these_emails_and_the_page_stays_the_same(app, u, make_user, mailbox,
                                                                                   app_config):
    make_user("ana@example.org")
    answers = [_visit(app, u, "ana@example.org")[:2] for _ in range(3)]
    assert [r.status_code for r, _page in answers] == [302, 302, 302]
    assert len({page for _r, page in answers}) == 1
    assert len(mailbox) == 2
    _visit(app, u, "other@example.org")  # another address is counted on its own
    assert len(mailbox) == 3


@pytest.mark.parametrize("app_config", [{"LMS_SIGNUP_LIMIT": "2 per hour"}])
def test_a_taken_address_counts_against_the_sign_up_limit(app, u, make_user, mailbox, app_config):
    make_user("ana@example.org")
    assert _visit(app, u, "ana@example.org")[0].status_code == 302
    assert _visit(app, u, "nuevo@example.org")[0].status_code == 302
    refused = _visit(app, u, "otro@example.org")[0]
    assert refused.status_code == 429
    refused_taken = _visit(app, u, "ana@example.org")[0]
    assert refused_taken.status_code == 429 and refused.get_data() == refused_taken.get_data()


@pytest.mark.parametrize("password, message", [("password12", "common"), ("short", "Use between 10 and 128")])
def test_a_bad_password_gets_the_same_message_for_a_taken_address(app, u, make_user, mailbox, password, message):
    owner = make_user("ana@example.org")
    before = _snapshot(owner)
    pages = []
    for email in ("ana@example.org", "nuevo@example.org"):
        response = app.test_client().submit(u("lms.accounts.signup"), _form(email, password))
        assert response.status_code == 200
        page = re.sub(r'value="[^"]*"', "", response.get_data(as_text=True).replace(email, "ADDRESS"))
        pages.append(re.sub(r"\s+", " ", page))
    assert pages[0] == pages[1] and message in pages[0]
    assert mailbox == [] and _snapshot(owner) == before


def test_when_the_mail_server_is_down_both_say_the_same(app, u, make_user, mailbox):
    make_user("ana@example.org")
    port = app.config["LMS_MAIL_PORT"]
    app.config["LMS_MAIL_PORT"] = 1  # nothing listens there
    try:
        pages = [_visit(app, u, email)[1] for email in ("ana@example.org", "nuevo@example.org")]
    finally:
        app.config["LMS_MAIL_PORT"] = port
    # Sent after the response (lms/notify/after_response.py): the failure is logged, the page cannot tell.
    assert pages[0] == pages[1] and "We have sent an email to ADDRESS" in pages[0] and "could not" not in pages[0]
    assert mailbox == []
