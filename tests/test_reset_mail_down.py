"""The password-reset form answers the same whether or not the address has an account, even when the mail server is
down: only an account's address is emailed, so a "could not send" page (it used to be a 503) would tell who has an
account. The failure is logged and nothing is recorded, so asking again once the server is back sends at once."""

from __future__ import annotations

import logging
import re

from sqlalchemy import func, select

from lms import db
from lms.accounts import sent_links
from lms.audit import AuditEvent
from tests.conftest import html_text


def _page(response, email: str) -> str:
    return re.sub(r'value="[^"]*"', "", html_text(response.get_data(as_text=True)).replace(email, "ADDRESS"))


def _sent_rows() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action == sent_links.RESET_SENT))


def test_with_the_mail_server_down_an_account_gets_the_page_anyone_gets(app, u, make_user, mailbox, caplog):
    make_user("ana@example.org")
    port, app.config["LMS_MAIL_PORT"] = app.config["LMS_MAIL_PORT"], 1  # nothing listens there
    try:
        with caplog.at_level(logging.WARNING):
            taken = app.test_client().submit(u("lms.accounts.reset_request"), {"email": "ana@example.org"})
        unknown = app.test_client().submit(u("lms.accounts.reset_request"), {"email": "nadie@example.org"})
    finally:
        app.config["LMS_MAIL_PORT"] = port
    assert taken.status_code == unknown.status_code == 200
    assert _page(taken, "ana@example.org") == _page(unknown, "nadie@example.org")
    assert "If there is an account for ADDRESS" in _page(taken, "ana@example.org")
    assert "could not" not in _page(taken, "ana@example.org")
    assert any("could not send" in r.getMessage() and "ana@example.org" in r.getMessage() for r in caplog.records)
    assert _sent_rows() == 0 and mailbox == []

    app.test_client().submit(u("lms.accounts.reset_request"), {"email": "ana@example.org"})  # the server is back
    assert [m["To"] for m in mailbox] == ["ana@example.org"] and _sent_rows() == 1
