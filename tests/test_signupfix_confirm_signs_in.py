"""The sign-up link's page: the address for password managers (a hidden, unsent ``autocomplete="username"`` field)
beside the password (``current-password``); and the right password makes the account and signs the person in, as
signing in does (a new sign-in session, any earlier one in that browser ended)."""

from __future__ import annotations

import re

from sqlalchemy import select

from lms import db
from lms.accounts.models import LoginSession, User
from tests.conftest import PASSWORD, html_text
from tests.signup_support import signup_link


def _sign_up(app, u, email: str = "lucia@example.org") -> None:
    response = app.test_client().submit(u("lms.accounts.signup"), {
        "name": "Lucía Ramos", "email": email, "password": PASSWORD, "confirm": PASSWORD, "agree": "y"})
    assert response.status_code == 302


def test_the_page_gives_password_managers_the_address(app, u, mailbox):
    _sign_up(app, u)
    page = app.test_client().get(signup_link(mailbox, "lucia@example.org")).get_data(as_text=True)
    [username] = re.findall(r"<input[^>]*autocomplete=\"username\"[^>]*>", page)
    assert 'value="lucia@example.org"' in username and " hidden" in username and " readonly" in username
    assert "name=" not in username  # not sent with the form
    [password] = re.findall(r"<input[^>]*name=\"password\"[^>]*>", page)
    assert 'autocomplete="current-password"' in password
    assert "this confirms that the address is yours and signs you in" in html_text(page)


def test_the_right_password_signs_the_person_in(app, u, mailbox):
    _sign_up(app, u)
    client = app.test_client()
    assert client.get(u("lms.accounts.profile")).status_code == 302  # signing up signs nobody in
    done = client.submit(signup_link(mailbox, "lucia@example.org"), {"password": PASSWORD})
    assert done.status_code == 303 and done.headers["Location"] == u("lms.main.home")
    home = html_text(client.get(done.headers["Location"]).get_data(as_text=True))
    assert "Your account is created and lucia@example.org is confirmed. You are signed in." in home
    assert client.get(u("lms.accounts.profile")).status_code == 200
    user = db.session.execute(select(User)).scalar_one()
    assert db.session.execute(select(LoginSession.user_id).where(LoginSession.revoked_at.is_(None))).scalars().all() \
        == [user.id]


def test_an_earlier_sign_in_in_that_browser_is_ended(app, u, make_user, mailbox):
    other = make_user("other@example.org", name="Olga Other")
    _sign_up(app, u)
    client = app.test_client()
    assert client.submit(u("lms.accounts.login"), {"email": other.email, "password": PASSWORD}).status_code == 302
    assert client.submit(signup_link(mailbox, "lucia@example.org"), {"password": PASSWORD}).status_code == 303
    profile = client.get(u("lms.accounts.profile")).get_data(as_text=True)
    assert "Lucía Ramos" in profile and "Olga Other" not in profile
    ended = db.session.execute(select(LoginSession.revoked_at).where(LoginSession.user_id == other.id)).scalar_one()
    assert ended is not None  # the other person's sign-in session is over, not handed on


def test_a_wrong_password_signs_nobody_in(app, u, mailbox):
    _sign_up(app, u)
    client = app.test_client()
    assert client.submit(signup_link(mailbox, "lucia@example.org"), {"password": "not the password"}).status_code \
        == 400
    assert client.get(u("lms.accounts.profile")).status_code == 302
    assert db.session.execute(select(LoginSession)).first() is None
