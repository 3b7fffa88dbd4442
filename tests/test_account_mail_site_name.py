"""Account emails (password reset, email change and its confirmation, the notice to the old address) and the
email-change confirmation page name the site as configured (``LMS_SITE_NAME``), never "CHW Learn" literally."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.conftest import body_of

SITE = "Salud Aprende"


@pytest.fixture
def app_config() -> dict[str, Any]:
    return {"LMS_SITE_NAME": SITE}


def _all_text(message) -> str:
    return f"{message['Subject']}\n{body_of(message)}"


def test_password_reset_email_names_the_configured_site(client, u, make_user, mailbox):
    make_user("reset@example.org")
    client.submit(u("lms.accounts.reset_request"), {"email": "reset@example.org"})
    [message] = mailbox
    assert message["Subject"] == f"Reset your {SITE} password"
    assert f"password of your {SITE} account" in body_of(message)
    assert "CHW Learn" not in _all_text(message)


def test_email_change_messages_and_page_name_the_configured_site(client, u, login, make_user, mailbox):
    from tests.conftest import PASSWORD

    rosa = make_user("rosa@example.org", name="Rosa Díaz")
    login(rosa)
    client.submit(u("lms.accounts.request_email_change"), {"new_email": "rosa.diaz@example.org", "password": PASSWORD})
    [confirm] = mailbox
    assert confirm["Subject"] == f"Confirm your new {SITE} email address"
    assert "CHW Learn" not in _all_text(confirm)

    path = re.search(r"https?://\S+/profile/email/\S+", body_of(confirm)).group(0).split("lms.test", 1)[1]
    page = client.get(path).get_data(as_text=True)
    assert f"The {SITE} account of Rosa Díaz will use rosa.diaz@example.org" in page
    assert "CHW Learn" not in page

    form = re.search(r'name="csrf_token" value="([^"]+)"', page)
    client.post(path, data={"csrf_token": form.group(1)} if form else {})
    notices = mailbox[1:]
    assert notices, "the old address is told about the change"
    for message in notices:
        assert SITE in _all_text(message) and "CHW Learn" not in _all_text(message)
