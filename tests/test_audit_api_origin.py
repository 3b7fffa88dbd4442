"""Every audit row of a change made through the API with a personal token says so: ``origin`` "api" and the token's
id under ``api_token`` (never its secret); the audit log shows "Made with: the API" and the token's name. Changes made
in a browser say nothing of the kind."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from lms import db
from lms.accounts.models import ApiToken, SiteRole
from lms.audit import AuditEvent
from lms.hours.models import EntryStatus
from tests.api_support import acme_paying_ana, bearer
from tests.conftest import html_text
from tests.hours_reports_helpers import add_entry


@pytest.fixture
def acme(make_org, make_user, add_member):
    return acme_paying_ana(make_org, make_user, add_member)


def _rows_since(last_id: int) -> list[AuditEvent]:
    return list(db.session.execute(select(AuditEvent).where(AuditEvent.id > last_id).order_by(AuditEvent.id)).scalars())


def _last_id() -> int:
    return db.session.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1)) or 0


def test_approving_with_a_token_records_the_api_and_the_token(client, u, login, make_user, acme):
    org, manager, ana = acme
    entry = add_entry(ana, org, date(2026, 11, 2), 60, status=EntryStatus.PENDING)
    headers = bearer(manager, name="Payroll sync")
    token = db.session.execute(select(ApiToken).where(ApiToken.name == "Payroll sync")).scalar_one()
    before = _last_id()
    response = client.post(u("lms.api.approve_hours", org_slug="acme", entry_id=entry.id), headers=headers)
    assert response.status_code == 200, response.json
    rows = _rows_since(before)
    assert "hours.approved" in {row.action for row in rows}
    assert all(row.data.get("origin") == "api" and row.data.get("api_token") == token.id for row in rows), \
        [(row.action, row.data) for row in rows]
    assert all(row.actor_id == manager.id for row in rows)
    raw = headers["Authorization"].split()[1]
    assert all(raw not in str(row.data) for row in rows)  # the secret is never in the log

    login(make_user("ada@example.org", name="Ada Admin", role=SiteRole.ADMIN))
    page = client.get(u("lms.admin.audit_log", action="hours.approved", lang="en")).get_data(as_text=True)
    row = html_text(re.search(r'<tr id="event-\d+">.*?</tr>', page, re.S).group(0))
    assert "Boss Person" in row and "Made with: the API" in row and "API token: Payroll sync" in row, row


def test_a_change_in_the_browser_names_no_origin(client, u, login, acme):
    _org, manager, _ana = acme
    bearer(manager, name="Payroll sync")  # a token the person has, not used here
    login(manager)
    before = _last_id()
    sent = client.submit(u("lms.accounts.profile"), {"name": "Boss P", "locale": "en", "timezone": "America/Chicago"})
    assert sent.status_code == 302
    rows = _rows_since(before)
    assert "user.name_changed" in {row.action for row in rows}
    assert all("origin" not in row.data and "api_token" not in row.data for row in rows)


def test_a_token_gone_with_its_account_is_shown_by_its_id(client, u, login, make_user, acme):
    org, manager, ana = acme
    entry = add_entry(ana, org, date(2026, 11, 3), 30, status=EntryStatus.PENDING)
    headers = bearer(manager, name="Payroll sync")
    assert client.post(u("lms.api.approve_hours", org_slug="acme", entry_id=entry.id), headers=headers).status_code == 200
    token = db.session.execute(select(ApiToken)).scalar_one()
    token_id = token.id
    db.session.delete(token)
    db.session.commit()
    login(make_user("ada@example.org", name="Ada Admin", role=SiteRole.ADMIN))
    page = client.get(u("lms.admin.audit_log", action="hours.approved", lang="en")).get_data(as_text=True)
    assert f"API token: #{token_id}" in html_text(page)
