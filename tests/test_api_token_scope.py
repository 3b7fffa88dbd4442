"""Scopes of personal API tokens: a read-only token reads, and is refused (403 ``insufficient_scope`` with the RFC 6750
challenge) on every API call that may change data, the payroll export that locks a period included; a read-and-write
token does all its owner may (docs/access-control.md, "API tokens")."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from lms import db
from lms.accounts import api_tokens
from lms.accounts.models import SiteRole, TokenScope
from lms.audit import AuditEvent
from lms.hours import export
from lms.hours.models import EntryStatus, HoursEntry, PayrollExport
from lms.hours.pay_calendar import pay_calendar
from lms.hours.periods import org_today
from tests.api_support import acme_paying_ana, bearer
from tests.hours_reports_helpers import add_entry

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


def _refused(response) -> None:
    assert response.status_code == 403, (response.status_code, response.get_data(as_text=True)[:300])
    assert response.json["error"]["code"] == "insufficient_scope"
    assert "read only" in response.json["error"]["message"]
    assert response.headers["WWW-Authenticate"] == 'Bearer error="insufficient_scope", scope="write"'


@pytest.fixture
def acme(make_org, make_user, add_member):
    return acme_paying_ana(make_org, make_user, add_member)


def _unsafe_api_rules(app) -> list[tuple[str, str, list[str]]]:
    found = []
    for rule in app.url_map.iter_rules():
        methods = sorted((rule.methods or set()) & UNSAFE)
        if rule.endpoint.startswith("lms.api.") and methods:
            found.append((rule.endpoint, methods[0], sorted(rule.arguments)))
    return found


def test_a_read_only_token_is_refused_on_every_api_call_that_may_change_data(app, client, u, make_user):
    """Every POST/PUT/PATCH/DELETE of the API, called by a site administrator's read-only token (an administrator
    passes every policy, so nothing else refuses it), except the calls answered the same for everyone."""
    admin = make_user("root@example.org", role=SiteRole.ADMIN)
    headers = bearer(admin, scope=TokenScope.READ)
    rules = _unsafe_api_rules(app)
    assert {"lms.api.approve_hours", "lms.api.reject_hours"} <= {endpoint for endpoint, _m, _a in rules}
    checked, audit_rows = 0, db.session.scalar(select(func.count(AuditEvent.id)))
    for endpoint, method, arguments in rules:
        view = app.view_functions[endpoint]
        url = u(endpoint, **{name: ("1" if name.endswith("_id") else "x") for name in arguments})
        url = re.sub(r"/x(?=/|$)", "/acme", url)
        response = client.open(url, method=method, headers=headers, json={})
        if getattr(view, "_lms_same_for_everyone", False):
            assert response.status_code != 403, endpoint  # bulk verification acts for nobody: allowed
            continue
        _refused(response)
        checked += 1
    assert checked >= 5
    assert db.session.scalar(select(func.count(AuditEvent.id))) == audit_rows  # nothing was done


def test_a_read_only_token_reads_and_a_read_and_write_token_approves(client, u, acme):
    org, manager, ana = acme
    entry = add_entry(ana, org, date(2026, 11, 2), 60, status=EntryStatus.PENDING)
    db.session.commit()
    read, write = bearer(manager, scope=TokenScope.READ), bearer(manager, scope=TokenScope.WRITE)
    me = client.get(u("lms.api.me"), headers=read)
    assert me.status_code == 200 and me.json["email"] == "boss@example.org"
    listed = client.get(u("lms.api.org_hours", org_slug="acme"), headers=read)
    assert listed.status_code == 200 and [e["id"] for e in listed.json["entries"]] == [entry.id]
    for action in ("lms.api.approve_hours", "lms.api.reject_hours"):
        _refused(client.post(u(action, org_slug="acme", entry_id=entry.id), headers=read,
                             json={} if action.endswith("approve_hours") else {"reason": "No proof"}))
    assert db.session.get(HoursEntry, entry.id).status is EntryStatus.PENDING
    approved = client.post(u("lms.api.approve_hours", org_slug="acme", entry_id=entry.id), headers=write)
    assert approved.status_code == 200 and approved.json["status"] == "approved"


def test_bulk_verification_takes_a_read_only_token(client, u, make_user):
    response = client.post(u("lms.api.verify_certificates"), json={"codes": ["ABCD-EFGH-JKMN"]},
                           headers=bearer(make_user(), scope=TokenScope.READ))
    assert response.status_code == 200 and response.json["results"][0]["status"] != "valid"


def _ended_period(org) -> tuple[date, date]:
    calendar = pay_calendar(org)
    return calendar.previous(calendar.period(org_today(org)))


def _exports() -> int:
    return db.session.scalar(select(func.count(PayrollExport.id)))


def test_a_read_only_token_never_exports_payroll_but_fetches_drafts_and_exported_files(client, u, acme):
    org, manager, ana = acme
    start, end = _ended_period(org)
    add_entry(ana, org, start, 50, paid=start)
    db.session.commit()
    read, write = bearer(manager, scope=TokenScope.READ), bearer(manager, scope=TokenScope.WRITE)
    args = {"org_slug": "acme", "start": start.isoformat(), "end": end.isoformat()}
    file_url = u("lms.api.org_timesheets_csv", **args)

    refused = client.get(file_url, headers=read)
    _refused(refused)
    assert u("lms.api.org_timesheets_draft_csv", **args) in refused.json["error"]["message"]
    assert _exports() == 0 and export.get_export(org, start) is None
    assert client.head(file_url, headers=read).status_code == 409 and _exports() == 0
    draft = client.get(u("lms.api.org_timesheets_draft_csv", **args), headers=read)
    assert draft.status_code == 200 and draft.headers["X-Draft"] == "true" and _exports() == 0

    exported = client.get(file_url, headers=write)
    assert exported.status_code == 200 and _exports() == 1
    again = client.get(file_url, headers=read)  # exported: the read-only token downloads the file, locks nothing new
    assert again.status_code == 200 and again.data == exported.data and _exports() == 1


def test_the_tokens_page_creates_read_only_by_default_and_records_scope_and_expiry(client, u, make_user, login):
    user = make_user()
    login(user)
    page = client.get(u("lms.accounts.tokens")).get_data(as_text=True)
    assert re.search(r'<option selected value="read"|<option value="read" selected', page)
    assert re.search(r'<option selected value="90"|<option value="90" selected', page)
    assert 'value="never"' in page and 'value="365"' in page
    client.submit(u("lms.accounts.tokens"), {"name": "reports", "idempotency_key": "k1"})
    client.submit(u("lms.accounts.tokens"), {"name": "payroll", "scope": "write", "expires_in": "never",
                                             "idempotency_key": "k2"})
    tokens = {t.name: t for t in api_tokens.list_api_tokens(user)}
    assert tokens["reports"].scope is TokenScope.READ and tokens["reports"].expires_at is not None
    assert tokens["payroll"].scope is TokenScope.WRITE and tokens["payroll"].expires_at is None
    rows = {row.object_id: row.data for row in db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "api_token.created")).scalars()}
    assert rows[tokens["payroll"].id] == {"scope": "write", "expires_at": None}
    assert rows[tokens["reports"].id]["scope"] == "read"
    assert rows[tokens["reports"].id]["expires_at"].startswith(tokens["reports"].expires_at.date().isoformat())
    listing = client.get(u("lms.accounts.tokens")).get_data(as_text=True)
    assert "Read only" in listing and "Read and write" in listing


def test_a_choice_the_form_does_not_offer_is_refused_on_the_form(client, u, make_user, login):
    user = make_user()
    login(user)
    for bad in ({"scope": "admin"}, {"expires_in": "7"}, {"expires_in": "forever"}):
        response = client.submit(u("lms.accounts.tokens"), {"name": "x", **bad})
        assert response.status_code == 200 and "Not a valid choice" in response.get_data(as_text=True), bad
    assert api_tokens.list_api_tokens(user) == []


def test_existing_callers_get_a_read_and_write_token_that_never_expires(make_user):
    token, _raw = api_tokens.create_api_token(make_user(), "script")
    assert token.scope is TokenScope.WRITE and token.expires_at is None and not token.is_read_only


def test_the_api_document_tells_of_scopes_and_expiry(client, u):
    document = client.get(u("lms.api.openapi")).json
    assert "insufficient_scope" in document["components"]["securitySchemes"]["bearer"]["description"]
    approve = document["paths"]["/orgs/{org_slug}/hours/{entry_id}/approve"]["post"]["responses"]
    assert "insufficient_scope" in approve["403"]["description"]
    shared_401 = [op["responses"]["401"]["description"] for path in document["paths"].values() for op in path.values()
                  if "401" in op["responses"] and op["responses"]["401"]["description"] != "Error"]
    assert any("past its expiry date" in text for text in shared_401)
    assert "403" not in document["paths"]["/certificates/verify"]["post"]["responses"]  # acts for nobody
    assert "insufficient_scope" in document["paths"]["/orgs/{org_slug}/timesheets.csv"]["get"]["description"]
