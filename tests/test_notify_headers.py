"""Every email carries the headers RFC 5322 asks for: a Date (UTC) and a Message-ID on the sender's domain, as the
real SMTP server in tests/conftest.py receives them."""

from __future__ import annotations

from datetime import UTC, timedelta
from email.utils import parsedate_to_datetime

from lms.db import utcnow


def _reset_emails(app, client, u, make_user, mailbox, sender: str) -> list:
    app.config["LMS_MAIL_SENDER"] = sender
    for email in ("ana@example.org", "bo@example.org"):  # two people: one person's second request sends nothing
        make_user(email)
        assert client.submit(u("lms.accounts.reset_request"), {"email": email}).status_code == 200
    assert len(mailbox) == 2
    return mailbox


def test_emails_have_a_date_in_utc_and_a_message_id(app, client, u, make_user, mailbox):
    before = utcnow().replace(microsecond=0)
    messages = _reset_emails(app, client, u, make_user, mailbox, "CHW Learn <training@clinic.example.org>")
    after = utcnow()
    for message in messages:
        assert len(message.get_all("Date") or []) == 1, message.keys()
        sent = parsedate_to_datetime(message["Date"])
        assert sent.utcoffset() == timedelta(0) and message["Date"].endswith("+0000")
        assert before <= sent.astimezone(UTC) <= after
        assert len(message.get_all("Message-ID") or []) == 1
        assert message["Message-ID"].startswith("<") and message["Message-ID"].endswith("@clinic.example.org>")
    assert messages[0]["Message-ID"] != messages[1]["Message-ID"]


def test_message_id_without_a_sender_domain(app, client, u, make_user, mailbox):
    messages = _reset_emails(app, client, u, make_user, mailbox, "training")
    assert all(m["Message-ID"].endswith("@chw-learn>") and m["Date"] for m in messages)
