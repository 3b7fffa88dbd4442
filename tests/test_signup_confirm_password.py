"""The emailed sign-up link creates the account only with the password chosen at sign-up typed again on its page
(lms/accounts/signup.py, lms/web/accounts/signup.py): whoever knows an address may sign up with it too, and the link
creates the account with the details entered last, so without it the address's owner could create an account whose
password someone else chose. Wrong passwords count against limits like signing in."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from lms import db
from lms.accounts.models import PendingSignup, User
from tests.conftest import PASSWORD, body_of, html_text

ATTACKER = "the attacker's own password"
WRONG = "This is not the password chosen when signing up with this address."


def _sign_up(app, u, email: str = "lucia@example.org", password: str = PASSWORD, name: str = "Lucía Ramos") -> None:
    form = {"name": name, "email": email, "password": password, "confirm": password, "agree": "y"}
    assert app.test_client().submit(u("lms.accounts.signup"), form).status_code == 302


def _link(mailbox, email: str = "lucia@example.org") -> str:
    message = [m for m in mailbox if m["To"] == email][-1]
    return re.search(r"https?://\S+/signup/confirm/\S+", body_of(message)).group(0).split("lms.test", 1)[1]


def _users() -> int:
    return db.session.scalar(select(func.count(User.id)))


def _sign_in(app, u, email: str, password: str):
    return app.test_client().submit(u("lms.accounts.login"), {"email": email, "password": password})


def test_the_page_asks_for_the_password_and_shows_the_name(app, u, mailbox):
    _sign_up(app, u)
    page = app.test_client().get(_link(mailbox)).get_data(as_text=True)
    field = re.search(r'<input[^>]*name="password"[^>]*>', page).group(0)
    assert 'type="password"' in field and 'autocomplete="current-password"' in field
    assert re.search(r'<label for="password">The password you chose when signing up</label>', page)
    assert "The account is created in the name of <strong>Lucía Ramos</strong>." in page


def test_a_wrong_password_creates_nothing_and_says_so(app, u, mailbox):
    _sign_up(app, u)
    path = _link(mailbox)
    answer = app.test_client().submit(path, {"password": "not the one chosen"})
    page = answer.get_data(as_text=True)
    assert answer.status_code == 400 and WRONG in html_text(page)
    assert 'class="error-summary"' in page and 'href="#password"' in page  # the summary links to the box
    assert 'aria-invalid="true"' in re.search(r'<input[^>]*name="password"[^>]*>', page).group(0)
    assert _users() == 0
    assert db.session.scalar(select(PendingSignup.password_hash)) not in (None, "")  # the link still works
    assert app.test_client().submit(path, {"password": PASSWORD}).status_code == 303
    assert _users() == 1


def test_no_password_creates_nothing(app, u, mailbox):
    _sign_up(app, u)
    answer = app.test_client().submit(_link(mailbox), {})
    assert answer.status_code == 400 and 'href="#password"' in answer.get_data(as_text=True)
    assert _users() == 0


def test_the_right_password_creates_the_account(app, u, mailbox):
    _sign_up(app, u)
    answer = app.test_client().submit(_link(mailbox), {"password": PASSWORD})
    assert answer.status_code == 303 and answer.headers["Location"] == u("lms.main.home")
    user = db.session.execute(select(User)).scalar_one()
    assert user.email == "lucia@example.org" and user.is_email_confirmed
    assert _sign_in(app, u, "lucia@example.org", PASSWORD).status_code == 302


def test_someone_signing_up_with_the_address_meanwhile_cannot_take_the_account(app, u, mailbox):
    """Within the resend wait a second sign-up changes the pending row's password, not the link: the owner opening
    the link with their own password is refused, and nothing is created with the password someone else chose."""
    _sign_up(app, u)  # the owner
    _sign_up(app, u, password=ATTACKER, name="Lucía Ramos")  # someone who knows the address, moments later
    assert len(mailbox) == 1  # no new link: the owner's stands
    answer = app.test_client().submit(_link(mailbox), {"password": PASSWORD})
    assert answer.status_code == 400 and WRONG in html_text(answer.get_data(as_text=True))
    assert _users() == 0
    assert _sign_in(app, u, "lucia@example.org", ATTACKER).status_code == 401


def test_a_changed_name_shows_on_the_page(app, u, mailbox):
    _sign_up(app, u)
    _sign_up(app, u, password=ATTACKER, name="Mallory Smith")
    page = html_text(app.test_client().get(_link(mailbox)).get_data(as_text=True))
    assert "in the name of Mallory Smith ." in page and "Lucía Ramos" not in page


@pytest.mark.parametrize("app_config", [{"LMS_LOGIN_LIMIT_PER_ACCOUNT": "3 per 15 minutes"}])
def test_wrong_passwords_on_one_link_are_limited(app, u, mailbox, app_config):
    _sign_up(app, u)
    path = _link(mailbox)
    for _ in range(3):
        assert app.test_client().submit(path, {"password": "a guess at it"}).status_code == 400
    refused = app.test_client().submit(path, {"password": PASSWORD})  # even the right one, until the window moves
    assert refused.status_code == 429 and "Too many attempts" in refused.get_data(as_text=True)
    assert _users() == 0


@pytest.mark.parametrize("app_config", [{"LMS_LOGIN_LIMIT_PER_CLIENT": "2 per 15 minutes"}])
def test_wrong_passwords_from_one_client_address_are_limited(app, u, mailbox, app_config):
    _sign_up(app, u, "a@example.org")
    _sign_up(app, u, "b@example.org")
    assert app.test_client().submit(_link(mailbox, "a@example.org"), {"password": "a guess"}).status_code == 400
    assert app.test_client().submit(_link(mailbox, "b@example.org"), {"password": "a guess"}).status_code == 400
    refused = app.test_client().submit(_link(mailbox, "a@example.org"), {"password": PASSWORD})
    assert refused.status_code == 429 and "Too many attempts" in refused.get_data(as_text=True)
    assert _users() == 0


@pytest.mark.parametrize("app_config", [{"LMS_LOGIN_LIMIT_PER_ACCOUNT": "2 per 15 minutes"}])
def test_opening_the_link_is_not_counted(app, u, mailbox, app_config):
    _sign_up(app, u)
    path = _link(mailbox)
    for _ in range(4):
        assert app.test_client().get(path).status_code == 200
    assert app.test_client().submit(path, {"password": PASSWORD}).status_code == 303
