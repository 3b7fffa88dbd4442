"""An account form sent twice at once (a double tap on a slow phone): the second request finds the address free,
then loses the insert to the first. It gets the sign-up's usual "check your email" page (a sign-up link opened as the
address gets an account says so, and makes none), or on an invitation a page saying the account was just made with
a way to sign in: never a 500."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from lms import db
from lms.accounts import services as accounts
from lms.accounts import signup as signing_up
from lms.accounts.models import PendingSignup, User
from lms.errors import ConflictError
from lms.orgs import invitations
from lms.orgs.services import Employment
from lms.web import org_invitations as org_views
from tests.conftest import PASSWORD


@pytest.fixture
def taken_meanwhile(monkeypatch, make_user):
    """rosa@example.org exists, but every look-up says the address is free: as when the other request commits just
    after this one looked."""
    make_user("rosa@example.org", name="Rosa Díaz")
    monkeypatch.setattr(accounts, "get_user_by_email", lambda email: None)
    monkeypatch.setattr(org_views, "get_user_by_email", lambda email: None)


def _accounts() -> int:
    return db.session.scalar(select(func.count()).select_from(User).where(User.email == "rosa@example.org"))


def test_the_service_says_the_address_is_taken(app, taken_meanwhile):
    with pytest.raises(ConflictError):
        accounts.register_user("rosa@example.org", "Rosa Díaz", "a long password 1")
    db.session.rollback()
    assert _accounts() == 1


def test_a_sign_up_losing_to_another_of_the_same_address_gets_the_usual_page(app, client, u, mailbox, monkeypatch):
    """Two sign-ups of one new address at once: the second finds no pending sign-up, then loses the insert to the
    first. It gets the same "check your email" page (tests/test_signup_enumeration.py); the first one's link stands
    and nothing more is sent."""
    form = {"name": "Rosa Díaz", "email": "rosa@example.org", "password": PASSWORD, "confirm": PASSWORD, "agree": "y"}
    assert client.submit(u("lms.accounts.signup"), form).status_code == 302
    monkeypatch.setattr(signing_up, "_pending_of", lambda email: None)
    other = app.test_client()
    response = other.submit(u("lms.accounts.signup"), {**form, "password": "another long password",
                                                       "confirm": "another long password"})
    assert response.status_code == 302 and response.headers["Location"] == u("lms.accounts.signup_sent")
    assert "could not" not in other.get(response.headers["Location"]).get_data(as_text=True)
    assert [m["To"] for m in mailbox] == ["rosa@example.org"]
    assert db.session.scalar(select(func.count()).select_from(PendingSignup)) == 1


def test_opening_a_sign_up_link_as_the_address_is_taken_creates_nothing(app, u, taken_meanwhile, mailbox):
    """A sign-up link opened as another request makes an account with the address (the look-up said it was free):
    the link's page says the address has an account now, and no second account is made."""
    pending = signing_up.sign_up("rosa@example.org", "Rosa Squatter", PASSWORD, locale=None,
                                 wait=timedelta(minutes=5), max_age=timedelta(days=1))
    db.session.commit()
    answer = app.test_client().submit(u("lms.accounts.confirm_signup", token=pending.token), {"password": PASSWORD})
    assert answer.status_code == 409 and "already has an account" in answer.get_data(as_text=True)
    assert _accounts() == 1
    assert db.session.scalar(select(User.name).where(User.email == "rosa@example.org")) == "Rosa Díaz"


def test_the_invitation_form_says_the_account_was_just_made_and_offers_to_sign_in(client, u, make_org, make_user,
                                                                                   taken_meanwhile):
    boss = make_user("boss@example.org", name="Bea Boss")
    org = make_org("acme", manager=boss)
    _invitation, token = invitations.invite(org, "rosa@example.org", "Rosa Díaz", Employment(), boss, 14)
    db.session.commit()
    path = u("lms.orgs.accept", token=token)
    response = client.submit(path, {"name": "Rosa Díaz", "password": PASSWORD, "confirm": PASSWORD, "agree": "y"})
    page = response.get_data(as_text=True)
    assert response.status_code == 409 and "Your account was created a moment ago" in page
    assert u("lms.accounts.login") in page and _accounts() == 1
