"""Signing up again with an address within the resend wait sends no new link (the link sent stands and takes the
details entered last: lms/accounts/signup.py). The "Check your email" page says so when this browser signed up with
the address within the wait, told from the browser's session alone, so the page is the same whether or not the
address has an account; and the wrong-password advice on the link's page is true either side of the wait."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from lms import db
from lms.accounts.models import PendingSignup, User
from tests.conftest import PASSWORD, html_text
from tests.signup_support import signup_link

SECOND = "a different long password"
SENT = "We have sent an email to ADDRESS."
AGAIN = ("You signed up with ADDRESS less than 5 minutes ago, so no new link is sent: the link in the email we sent "
         "you then now uses the details you just entered (your name and password). Open that link to create your "
         "account.")


def _sign_up(client, u, email: str, password: str = PASSWORD, name: str = "Lucía Ramos") -> str:
    """Send the form from ``client``; the words of the page it leads to, the address blanked out."""
    response = client.submit(u("lms.accounts.signup"), {"name": name, "email": email, "password": password,
                                                        "confirm": password, "agree": "y"})
    assert response.status_code == 302 and response.headers["Location"] == u("lms.accounts.signup_sent")
    return html_text(client.get(response.headers["Location"]).get_data(as_text=True)).replace(email, "ADDRESS")


def _wait_passes(app, client) -> None:
    """The resend wait passes, for the browser (its session's time) and for the link (its row's time)."""
    wait = app.config["LMS_EMAIL_RESEND_WAIT"] + 1
    with client.session_transaction() as session:
        session["lms_signup_sent_at"] -= wait
    for pending in db.session.execute(select(PendingSignup)).scalars():
        pending.created_at -= timedelta(seconds=wait)
    db.session.commit()


def test_signing_up_again_within_the_wait_says_no_new_link_was_sent(app, u, mailbox):
    client = app.test_client()
    first = _sign_up(client, u, "lucia@example.org")
    assert SENT in first and "You signed up with" not in first
    again = _sign_up(client, u, "Lucia@Example.org", SECOND, "Lucía Second")  # any case: the same address
    assert len(mailbox) == 1  # nothing more is sent
    assert AGAIN in again.replace("Lucia@Example.org", "ADDRESS") and "We have sent" not in again
    assert "Until you open the link there is no account" in again
    # what the page says is so: the link sent first creates the account with the details entered last
    answer = app.test_client().submit(signup_link(mailbox, "lucia@example.org"), {"password": SECOND})
    assert answer.status_code == 303
    assert db.session.execute(select(User.name)).scalar_one() == "Lucía Second"


def test_after_the_wait_a_new_link_is_sent_and_the_page_says_so(app, u, mailbox):
    client = app.test_client()
    _sign_up(client, u, "lucia@example.org")
    _sign_up(client, u, "lucia@example.org")  # within the wait: its time does not restart the wait
    _wait_passes(app, client)
    later = _sign_up(client, u, "lucia@example.org", SECOND)
    assert len(mailbox) == 2 and SENT in later and "You signed up with" not in later


def test_another_address_from_the_same_browser_is_sent_its_own_link(app, u, mailbox):
    client = app.test_client()
    _sign_up(client, u, "lucia@example.org")
    other = _sign_up(client, u, "rosa@example.org")
    assert len(mailbox) == 2 and SENT in other and "You signed up with" not in other


def test_another_browser_gets_the_page_that_is_true_for_every_address(app, u, mailbox):
    _sign_up(app.test_client(), u, "lucia@example.org")
    page = _sign_up(app.test_client(), u, "lucia@example.org", SECOND)
    assert len(mailbox) == 1
    assert ("If a sign-up link was sent to this address less than 5 minutes ago, no new one is sent: that link now "
            "uses the details you just entered.") in page


def test_the_page_is_the_same_whether_or_not_the_address_has_an_account(app, u, make_user, mailbox):
    make_user("ana@example.org", name="Ana Ortiz")
    pages = {}
    for email in ("ana@example.org", "nuevo@example.org"):
        client = app.test_client()
        pages[email] = [_sign_up(client, u, email), _sign_up(client, u, email, SECOND)]
    assert pages["ana@example.org"] == pages["nuevo@example.org"]
    assert SENT in pages["ana@example.org"][0] and AGAIN in pages["ana@example.org"][1]
    assert db.session.execute(select(User.name).where(User.email == "ana@example.org")).scalar_one() == "Ana Ortiz"


@pytest.mark.parametrize(("wait", "minutes"), [(300, "5 minutes"), (60, "1 minute"), (90, "2 minutes")])
def test_the_wrong_password_advice_names_the_wait(app, u, mailbox, wait, minutes):
    app.config["LMS_EMAIL_RESEND_WAIT"] = wait
    _sign_up(app.test_client(), u, "lucia@example.org")
    answer = app.test_client().submit(signup_link(mailbox, "lucia@example.org"), {"password": SECOND})
    assert answer.status_code == 400
    assert (f"If you do not remember it, sign up again: if this link was sent less than {minutes} ago, it then takes "
            "the new password; if not, we email you a new link that replaces this one.") in html_text(answer.text)
    assert "a new link replaces this one" not in answer.text
    assert db.session.execute(select(User)).first() is None


def test_the_advice_is_true_within_the_wait(app, u, mailbox):
    """Signing up again, as the advice says, gives this link the new password."""
    _sign_up(app.test_client(), u, "lucia@example.org")
    path = signup_link(mailbox, "lucia@example.org")
    assert app.test_client().submit(path, {"password": SECOND}).status_code == 400
    _sign_up(app.test_client(), u, "lucia@example.org", SECOND)
    assert len(mailbox) == 1 and app.test_client().submit(path, {"password": SECOND}).status_code == 303


def test_the_advice_is_true_after_the_wait(app, u, mailbox):
    """Signing up again after the wait emails a new link, which replaces this one."""
    client = app.test_client()
    _sign_up(client, u, "lucia@example.org")
    path = signup_link(mailbox, "lucia@example.org")
    _wait_passes(app, client)
    _sign_up(client, u, "lucia@example.org", SECOND)
    assert len(mailbox) == 2 and app.test_client().get(path).status_code == 400
    assert app.test_client().submit(signup_link(mailbox, "lucia@example.org"), {"password": SECOND}).status_code == 303
