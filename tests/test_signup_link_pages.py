"""What an emailed sign-up link that no longer works says (templates/lms/accounts/signup_confirm_failed.html): each
case's heading and text are true for it. A used link says the account exists and offers sign-in; a link replaced by
a later sign-up says that a newer link was sent; neither claims what did not happen."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from lms import db
from lms.accounts.models import PendingSignup
from tests.conftest import PASSWORD, body_of, html_text


def _sign_up(app, u, password: str = PASSWORD) -> None:
    form = {"name": "Lucía Ramos", "email": "lucia@example.org", "password": password, "confirm": password,
            "agree": "y"}
    assert app.test_client().submit(u("lms.accounts.signup"), form).status_code == 302


def _link(message) -> str:
    return re.search(r"https?://\S+/signup/confirm/\S+", body_of(message)).group(0).split("lms.test", 1)[1]


def _pages(app, path: str) -> list[tuple[int, str, str]]:
    """(status, heading, words) of the link opened (GET) and of its button pressed (POST)."""
    out = []
    for answer in (app.test_client().get(path), app.test_client().submit(path)):
        page = answer.get_data(as_text=True)
        heading = html_text(re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S).group(1)).strip()
        out.append((answer.status_code, heading, html_text(page)))
    return out


def _age(by: timedelta) -> None:
    db.session.expire_all()
    for pending in db.session.execute(select(PendingSignup)).scalars():
        pending.created_at -= by
    db.session.commit()


def test_a_link_opened_again_says_the_account_exists(app, u, mailbox):
    _sign_up(app, u)
    path = _link(mailbox[0])
    assert app.test_client().submit(path, {"password": PASSWORD}).status_code == 303
    for status, heading, words in _pages(app, path):
        assert status == 400 and heading == "Your account already exists"
        assert "This link has already created your account. Sign in with the password you chose" in words
        assert "not created" not in words and "sign up again" not in words.lower()
    main = re.search(r"<main.*</main>", app.test_client().get(path).get_data(as_text=True), re.S).group(0)
    assert f'href="{u("lms.accounts.login")}"' in main and f'href="{u("lms.accounts.signup")}"' not in main


def test_a_used_link_still_says_so_after_it_would_have_expired(app, u, mailbox):
    _sign_up(app, u)
    path = _link(mailbox[0])
    app.test_client().submit(path, {"password": PASSWORD})
    _age(timedelta(seconds=app.config["LMS_EMAIL_CHANGE_MAX_AGE"] + 1))
    assert {heading for _, heading, _ in _pages(app, path)} == {"Your account already exists"}


def test_a_replaced_link_says_a_newer_one_was_sent(app, u, mailbox):
    _sign_up(app, u)
    first = _link(mailbox[0])
    _age(timedelta(seconds=app.config["LMS_EMAIL_RESEND_WAIT"] + 1))
    _sign_up(app, u, password="another long password")
    assert len(mailbox) == 2
    for status, heading, words in _pages(app, first):
        assert status == 400 and heading == "This link does not work"
        assert "a newer link was sent to this address since" in words
        assert "Use the link in the latest email we sent you." in words
        assert "account is ready" not in words and "already created your account" not in words


def test_a_forged_link_says_it_does_not_work(app, u):
    for status, heading, words in _pages(app, u("lms.accounts.confirm_signup", token="nonsense")):
        assert status == 400 and heading == "This link does not work" and "account is ready" not in words


def test_an_expired_link_says_it_expired(app, u, mailbox):
    _sign_up(app, u)
    path = _link(mailbox[0])
    _age(timedelta(seconds=app.config["LMS_EMAIL_CHANGE_MAX_AGE"] + 1))
    for status, heading, words in _pages(app, path):
        assert status == 400 and heading == "This link has expired"
        assert "This link has expired, so no account was created. Please sign up again." in words


def test_a_link_whose_address_got_an_account_says_so(app, u, make_user, mailbox):
    _sign_up(app, u)
    path = _link(mailbox[0])
    make_user("lucia@example.org", name="Lucía (invited)")
    for status, heading, words in _pages(app, path):
        assert status == 409 and heading == "This address already has an account"
        assert "this email address already has an account. Sign in, or reset the password" in words
