"""The password-reset form emails only an address with an account, so it sends after the response
(lms/notify/after_response.py): the page comes at the same point whatever the address, and a mail server that is slow
or down cannot change it. Proved without timing: the app is served by a real server (Werkzeug's, as ``flask run``
and as one sync worker; gunicorn's sync worker) and the SMTP server holds each message until the test has read the
whole page. Were the email sent before the response, the page would never come and the read would fail."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from flask import Response
from sqlalchemy import func, select

from lms import audit, db
from lms.accounts import sent_links
from lms.audit import AuditEvent
from lms.db import utcnow
from tests.conftest import body_of, html_text
from tests.served import BOUND, SERVERS, HeldInbox, Page, Site, held_inbox, serve


@pytest.fixture
def held(app) -> Iterator[HeldInbox]:
    with held_inbox(app) as inbox:
        yield inbox


@pytest.fixture(params=SERVERS)
def site(request, app, held, tmp_path) -> Iterator[Site]:
    with serve(request.param, app, held, tmp_path) as browser:
        yield browser


def _same_shape(page: Page, email: str) -> str:
    words = html_text(page.text).replace(email, "ADDRESS")
    return re.sub(r'value="[^"]*"', "", words)


def _sent_rows() -> int:
    db.session.rollback()  # see what the server committed
    return db.session.scalar(select(func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action == sent_links.RESET_SENT))


def test_the_page_is_complete_before_the_email_is_sent(site, held, make_user):
    make_user("ana@example.org")
    page = site.ask_reset("ana@example.org")  # the mail server holds the message: only a page sent first can come

    assert page.status == 200 and "If there is an account for ana@example.org" in html_text(page.text)
    assert held.arrived.wait(BOUND), "the email is being sent once the page is out"
    assert held.messages == []
    held.release.set()
    assert held.delivered.wait(BOUND), "not delivered: sent before the page, the SMTP client timed out waiting"
    [message] = held.messages
    assert message["To"] == "ana@example.org" and "/reset/" in body_of(message)
    assert _sent_rows() == 1


@pytest.mark.parametrize("site", ["werkzeug-sync", "werkzeug-threaded"], indirect=True)
def test_an_unknown_address_and_a_known_one_get_the_same_answer(site, held, make_user):
    make_user("ana@example.org")
    unknown = site.ask_reset("nadie@example.org")
    assert not held.arrived.is_set()  # nothing to send for an address without an account
    known = site.ask_reset("ana@example.org")

    assert unknown.status == known.status == 200
    assert unknown.headers == known.headers
    assert _same_shape(unknown, "nadie@example.org") == _same_shape(known, "ana@example.org")
    held.release.set()
    assert held.delivered.wait(BOUND) and [m["To"] for m in held.messages] == ["ana@example.org"]


@pytest.mark.parametrize("site", ["werkzeug-sync", "gunicorn-sync"], indirect=True)
def test_a_refused_email_leaves_no_record_and_asking_again_sends_at_once(site, held, make_user):
    """One worker serves one request at a time, so the next request comes after the failed send is dealt with."""
    make_user("ana@example.org")
    unknown = site.ask_reset("nadie@example.org")
    held.refuse = True
    refused = site.ask_reset("ana@example.org")
    assert site.request("GET", "/reset").status == 200  # the server goes on serving

    assert held.arrived.is_set() and held.messages == []
    assert _same_shape(refused, "ana@example.org") == _same_shape(unknown, "nadie@example.org")
    assert _sent_rows() == 0  # taken back: each row stands for a link sent

    held.refuse = False
    held.release.set()
    site.cookies.clear()
    again = site.ask_reset("ana@example.org")  # within the resend wait: sent, since nothing was recorded
    assert again.status == 200
    assert held.delivered.wait(BOUND) and [m["To"] for m in held.messages] == ["ana@example.org"]
    assert _sent_rows() == 1


def test_a_failure_after_the_response_is_logged_with_its_traceback(app, u, make_user, held, caplog):
    make_user("ana@example.org")
    held.refuse = True
    with caplog.at_level(logging.WARNING):
        page = app.test_client().submit(u("lms.accounts.reset_request"), {"email": "ana@example.org"})
    assert page.status_code == 200
    [failure] = [r for r in caplog.records if "after the response" in r.getMessage()]
    assert failure.levelno == logging.ERROR and failure.exc_info is not None
    assert "ana@example.org" in failure.getMessage()
    assert _sent_rows() == 0


def test_withdraw_takes_back_only_its_own_claim_while_nothing_followed_it(app, make_user):
    user, wait = make_user("ana@example.org"), timedelta(minutes=5)
    claimed_at = utcnow()
    assert sent_links.claim(user, wait) is None
    db.session.commit()
    assert sent_links.withdraw(user.id, sent_links.RESET_SENT, claimed_at + timedelta(seconds=1)) is False  # older
    audit.record("user.password_changed", user, user)
    db.session.commit()
    assert sent_links.withdraw(user.id, sent_links.RESET_SENT, claimed_at) is False  # ended since by a new password
    assert _sent_rows() == 1

    asked_at = utcnow()
    assert sent_links.claim(user, wait) is None
    db.session.commit()
    assert sent_links.withdraw(user.id, sent_links.RESET_SENT, asked_at) is True
    db.session.commit()
    assert _sent_rows() == 1


def test_a_response_replaced_after_the_view_still_sends_the_email(app, u, make_user, mailbox):
    """A host's ``after_request`` may answer with a new response object: the email waits for the one that is sent."""

    @app.after_request
    def replace(response: Response) -> Response:
        return Response(response.get_data(), response.status, headers=list(response.headers.items()))

    make_user("ana@example.org")
    page = app.test_client().submit(u("lms.accounts.reset_request"), {"email": "ana@example.org"})
    assert page.status_code == 200
    assert [m["To"] for m in mailbox] == ["ana@example.org"]
