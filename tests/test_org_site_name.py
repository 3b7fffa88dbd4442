"""The staff invitation email and its accept page name the site as configured (``LMS_SITE_NAME``), never "CHW Learn"
literally; so do the manager's invitation and its page, and the Spanish ones (the site name is a placeholder)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import body_of, html_text
from tests.invitation_support import invitation_link, invite_to_staff

SITE = "Salud Aprende"


@pytest.fixture
def app_config() -> dict[str, Any]:
    return {"LMS_SITE_NAME": SITE}



@pytest.fixture
def staff_invitation(client, u, make_org, make_user, login, mailbox):
    return invite_to_staff(client, u, make_user, make_org, login, mailbox)


def test_the_staff_invitation_email_names_the_configured_site(staff_invitation):
    subject, body = staff_invitation["Subject"], " ".join(body_of(staff_invitation).split())
    # in English and Spanish, as the invitee's language is not known yet
    # the organisation's name is quoted in the body, never in the subject (tests/test_secreview_org_names.py)
    assert subject.startswith(f"You are invited to join an organisation on {SITE}") and "Acme" not in subject
    assert f'Bea Boss invited you to join the organisation "Acme Clinic" on {SITE}, where you can take' in body
    assert "CHW Learn" not in subject and "CHW Learn" not in body


def test_the_accept_page_names_the_configured_site(app, staff_invitation):
    page = html_text(app.test_client().get(invitation_link(staff_invitation)).get_data(as_text=True))
    assert f"Acme Clinic invited lupe@example.org to train with {SITE} as part of their staff." in page
    assert "CHW Learn" not in page


def test_the_spanish_accept_page_keeps_the_site_name(app, staff_invitation):
    response = app.test_client().get(invitation_link(staff_invitation), headers={"Accept-Language": "es"})
    page = html_text(response.get_data(as_text=True))
    assert SITE in page and "CHW Learn" not in page
