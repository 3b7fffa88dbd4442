"""Signing up again within the resend wait sends nothing and keeps the link just sent, but the link then creates the
account with the details entered last (lms/accounts/signup.py): the name, password and language of the first form
are not what the person ends up with. The page stays the same whatever the address."""

from __future__ import annotations

import re

from sqlalchemy import select

from lms import db
from lms.accounts.models import PendingSignup, User
from tests.conftest import PASSWORD, body_of, html_text

SECOND = "a different long password"


def _form(email: str, password: str, name: str) -> dict[str, str]:
    return {"name": name, "email": email, "password": password, "confirm": password, "agree": "y"}


def _sign_up(app, u, email: str, password: str, name: str, lang: str = "") -> str:
    client = app.test_client()
    response = client.submit(u("lms.accounts.signup") + lang, _form(email, password, name))
    assert response.status_code == 302 and response.headers["Location"] == u("lms.accounts.signup_sent")
    page = html_text(client.get(response.headers["Location"]).get_data(as_text=True))
    return page.replace(email, "ADDRESS")


def _link(message) -> str:
    return re.search(r"https?://\S+/signup/confirm/\S+", body_of(message)).group(0).split("lms.test", 1)[1]


def _sign_in(app, u, email: str, password: str):
    return app.test_client().submit(u("lms.accounts.login"), {"email": email, "password": password})


def test_the_link_creates_the_account_with_the_details_entered_last(app, u, mailbox):
    _sign_up(app, u, "dev@example.net", PASSWORD, "First Name", lang="?lang=es")
    [pending] = db.session.execute(select(PendingSignup)).scalars()
    token_hash, created_at = pending.token_hash, pending.created_at
    _sign_up(app, u, "Dev@Example.net", SECOND, "Second Name", lang="?lang=en")  # within the wait, any case
    assert len(mailbox) == 1  # nothing more is sent, and the link stands
    db.session.expire_all()
    [pending] = db.session.execute(select(PendingSignup)).scalars()
    assert (pending.token_hash, pending.created_at) == (token_hash, created_at)
    assert app.test_client().submit(_link(mailbox[0]), {"password": SECOND}).status_code == 303
    user = db.session.execute(select(User)).scalar_one()
    assert user.name == "Second Name" and user.locale == "en" and user.email == "dev@example.net"
    assert _sign_in(app, u, "dev@example.net", SECOND).status_code == 302
    assert _sign_in(app, u, "dev@example.net", PASSWORD).status_code == 401


def test_the_page_is_the_same_for_a_new_address_and_a_taken_one(app, u, make_user, mailbox):
    make_user("ana@example.org", name="Ana Ortiz")
    pages = []
    for email in ("dev@example.net", "ana@example.org"):
        _sign_up(app, u, email, PASSWORD, "First Name")
        pages.append(_sign_up(app, u, email, SECOND, "Second Name"))
    assert pages[0] == pages[1]
    owner = db.session.execute(select(User).where(User.email == "ana@example.org")).scalar_one()
    assert owner.name == "Ana Ortiz"  # an account's owner is only told; nothing about the account changes
    assert _sign_in(app, u, "ana@example.org", SECOND).status_code == 401
