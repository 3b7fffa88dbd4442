"""QA of the admin pages (Dec 7): an unknown organisation in the audit log's address matches nothing, rows say the
time zone of their times and name an API token by its name, and an organisation is not registered for a first
manager whose account is disabled."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from lms import db
from lms.accounts import api_tokens
from lms.accounts.models import SiteRole, TokenScope
from lms.orgs.models import Invitation, Organisation
from tests.conftest import html_text
from tests.test_org_onboarding import SETTINGS


@pytest.fixture
def admin(make_user, login):
    user = make_user("root@example.org", name="Ada Admin", role=SiteRole.ADMIN, timezone="America/Los_Angeles")
    login(user)
    return user


def test_an_unknown_organisation_matches_nothing(client, u, admin, make_org):
    make_org("acme")
    whole = client.get(u("lms.admin.audit_log"))
    assert whole.status_code == 200 and 'id="audit-log"' in whole.text
    response = client.get(u("lms.admin.audit_log", org="nosuch"))
    assert response.status_code == 200 and 'id="audit-log"' not in response.text
    assert "Nothing in the audit log matches." in response.text
    assert client.get(u("lms.admin.audit_log", org="acme")).status_code == 200


def test_times_say_the_zone_and_a_token_is_named(client, u, admin):
    api_tokens.create_api_token(admin, "Payroll sync", scope=TokenScope.READ)
    db.session.commit()
    page = html_text(client.get(u("lms.admin.audit_log", action="api_token.created")).text)
    assert "Times are shown in your time zone (Pacific Time)." in page
    assert "Payroll sync" in page and "API token #" not in page


def test_a_disabled_first_manager_is_refused(client, u, admin, make_user, mailbox):
    rosa = make_user("rosa@example.org", name="Rosa")
    rosa.is_active = False
    db.session.commit()
    response = client.submit(u("lms.orgs.create"), {**SETTINGS, "slug": "luz", "first_manager_email": "Rosa@example.org",
                                                    "first_manager_name": "Rosa Díaz"})
    assert response.status_code == 200 and 'id="first_manager_email-error"' in response.text
    assert "The account of rosa@example.org is disabled" in html_text(response.text)
    assert not mailbox and db.session.execute(select(Organisation)).first() is None
    assert db.session.execute(select(Invitation)).first() is None
