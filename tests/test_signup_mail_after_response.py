"""Sign-up emails the address either way (the link that creates the account, or a note to the owner of the account it
has), but a form sent again within the resend wait sends nothing to a new address and a note to an owner: so it too
sends after the response (lms/notify/after_response.py). Proved as for the password reset, with a real server and an
SMTP server that holds each message until the test has read the page (tests/test_mail_after_response.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from lms import db
from lms.accounts.models import PendingSignup
from tests.conftest import PASSWORD, body_of
from tests.served import BOUND, HeldInbox, Page, Site, held_inbox, serve


@pytest.fixture
def held(app) -> Iterator[HeldInbox]:
    with held_inbox(app) as inbox:
        yield inbox


@pytest.fixture(params=["werkzeug-sync", "gunicorn-sync"])
def site(request, app, held, tmp_path) -> Iterator[Site]:
    with serve(request.param, app, held, tmp_path) as browser:
        yield browser


def _form(email: str) -> dict[str, str]:
    return {"name": "Visitor", "email": email, "password": PASSWORD, "confirm": PASSWORD, "agree": "y"}


def _sign_up(site: Site, held: HeldInbox, email: str) -> Page:
    """Sign up as a new visitor; the page is read while the SMTP server holds the email, which it then lets through."""
    site.cookies.clear()
    page = site.submit("/signup", _form(email))  # only a page sent before the email can come
    assert held.arrived.wait(BOUND), "the email is being sent once the page is out"
    delivered = len(held.messages)
    held.release.set()
    assert held.delivered.wait(BOUND), "not delivered: sent before the page, the SMTP client timed out waiting"
    assert len(held.messages) == delivered + 1
    held.hold()
    return page


def _pending() -> int:
    db.session.rollback()  # see what the server committed
    return db.session.scalar(select(func.count()).select_from(PendingSignup))


def test_both_answers_come_before_their_email_and_look_the_same(site, held, make_user):
    make_user("ana@example.org")
    taken = _sign_up(site, held, "ana@example.org")
    new = _sign_up(site, held, "nuevo@example.org")

    assert taken.status == new.status == 302 and taken.headers == new.headers
    assert [m["To"] for m in held.messages] == ["ana@example.org", "nuevo@example.org"]
    assert "/signup/confirm/" not in body_of(held.messages[0]) and "/signup/confirm/" in body_of(held.messages[1])
    assert _pending() == 1


@pytest.mark.parametrize("site", ["werkzeug-sync"], indirect=True)
def test_a_link_that_cannot_be_sent_is_taken_back_and_signing_up_again_sends_at_once(site, held):
    """Within the resend wait a pending sign-up sends nothing more; one whose link never went out is not left to
    hold a new one back."""
    held.refuse = True
    page = site.submit("/signup", _form("nuevo@example.org"))
    assert page.status == 302
    assert site.request("GET", "/signup").status == 200  # the server goes on serving (one request at a time)
    assert held.arrived.is_set() and held.messages == [] and _pending() == 0

    held.refuse = False
    held.hold()
    _sign_up(site, held, "nuevo@example.org")
    assert [m["To"] for m in held.messages] == ["nuevo@example.org"] and _pending() == 1
