"""An account form sent twice at once (a double tap on a slow phone): the second request finds the address free,
then loses the insert to the first. It gets the sign-up's usual "check your email" page (the owner is emailed), or on
an invitation a page saying the account was just made with a way to sign in: never a 500."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from lms import db
from lms.accounts import services as accounts
from lms.accounts.models import User
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


def test_the_sign_up_form_answers_as_for_a_new_address_and_emails_the_owner(client, u, taken_meanwhile, mailbox):
    """The sign-up form never says an address is taken (tests/test_signup_enumeration.py): the one that lost the race
    gets the same "check your email" page, and the account's owner the note that someone tried."""
    response = client.submit(u("lms.accounts.signup"), {"name": "Rosa Díaz", "email": "rosa@example.org",
                                                       "password": PASSWORD, "confirm": PASSWORD, "agree": "y"})
    assert response.status_code == 302 and response.headers["Location"] == u("lms.accounts.signup_sent")
    assert "already exists" not in client.get(response.headers["Location"]).get_data(as_text=True)
    assert _accounts() == 1
    assert [m["To"] for m in mailbox] == ["rosa@example.org"] and "Someone tried" in mailbox[0]["Subject"]


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
