"""The change-of-address form does not tell whether an address has an account: a taken one gets the same answer,
the same "we sent a link" on the profile and the same "Send the link again" as a free one; no link is sent, and the
address's owner gets a note in their language instead (at most ``LMS_SIGNUP_NOTICE_LIMIT`` per address). Emails
are those the real SMTP test server received."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from lms import db
from lms.db import utcnow
from tests.conftest import PASSWORD, body_of


def _ask(client, u, new_email: str):
    return client.submit(u("lms.accounts.request_email_change"), {"new_email": new_email, "password": PASSWORD})


def _profile(client, u, email: str) -> str:
    page = client.get(u("lms.accounts.profile")).get_data(as_text=True).replace(email, "ADDRESS")
    return re.sub(r'name="csrf_token" [^>]*value="[^"]+"|\s+', " ", page)


def test_a_taken_address_looks_like_a_free_one(app, u, make_user, client_as, mailbox):
    make_user("lupe@example.org", name="Lupe Luna", locale="es")
    answers = []
    for person, address in (("rosa@example.org", "lupe@example.org"), ("ana@example.org", "free@example.org")):
        client = client_as(make_user(person, name="Same Name"))
        response = _ask(client, u, address)
        answers.append((response.status_code, response.headers["Location"],
                        _profile(client, u, address).replace(person, "PERSON")))
    assert answers[0] == answers[1] and answers[0][0] == 302
    assert "We sent a link to ADDRESS" in answers[0][2]
    assert sorted(m["To"] for m in mailbox) == ["free@example.org", "lupe@example.org"]
    note = next(m for m in mailbox if m["To"] == "lupe@example.org")
    body = body_of(note)
    assert "/profile/email/" not in body and "Hola, Lupe Luna:" in body
    assert "http://lms.test" + u("lms.accounts.reset_request") in body


@pytest.mark.parametrize("app_config", [{"LMS_SIGNUP_NOTICE_LIMIT": "1 per day", "LMS_EMAIL_RESEND_WAIT": 60}])
def test_sending_again_to_a_taken_address_is_limited_per_address(app, u, make_user, client_as, mailbox, app_config):
    make_user("lupe@example.org")
    rosa = make_user("rosa@example.org")
    client = client_as(rosa)
    assert _ask(client, u, "lupe@example.org").status_code == 302
    from lms.audit import AuditEvent  # the wait is over: move the record of the link back in time

    row = db.session.query(AuditEvent).filter_by(action="user.email_change_requested").one()
    row.at = utcnow() - timedelta(minutes=5)
    db.session.commit()
    again = client.submit(u("lms.accounts.resend_email_change"))
    assert again.status_code == 303
    assert "We sent a link to lupe@example.org" in client.get(again.headers["Location"]).get_data(as_text=True)
    assert [m["To"] for m in mailbox] == ["lupe@example.org"]  # the second note is over the per-address limit
