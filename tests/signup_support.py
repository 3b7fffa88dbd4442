"""Finishing a self sign-up in a test: sign-up makes the account only once the emailed link is opened and the password
chosen at sign-up typed on its page (lms/accounts/signup.py; tests/test_signup_pending.py)."""

from __future__ import annotations

import re

from tests.conftest import PASSWORD, body_of


def signup_link(mailbox, email: str) -> str:
    """The path of the last sign-up link emailed to ``email``."""
    message = [m for m in mailbox if m["To"] == email.strip().lower() and "/signup/confirm/" in body_of(m)][-1]
    return re.search(r"https?://\S+/signup/confirm/\S+", body_of(message)).group(0).split("lms.test", 1)[1]


def open_signup_link(client, mailbox, email: str, password: str = PASSWORD):
    """Open the sign-up link emailed to ``email`` and press its button with ``password`` (the one chosen at sign-up):
    the account is created (a 303 to sign-in)."""
    response = client.submit(signup_link(mailbox, email), {"password": password})
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    return response
