"""The payroll API for integrators: a draft of a period's file that locks nothing, exporting a period that has not
ended only with ``early=true`` (409 pointing to the draft otherwise), a query parameter given twice refused, and
``If-None-Match`` answered with 304 (API and pages). Dates are relative to the organisation's today."""

from __future__ import annotations

import csv
import hashlib
import io
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from lms import db
from lms.accounts import api_tokens
from lms.audit import AuditEvent
from lms.hours import export
from lms.hours.models import EntrySource, PayrollExport
from lms.hours.pay_calendar import pay_calendar
from lms.hours.periods import org_today
from lms.orgs.models import PayPeriod
from tests.hours_reports_helpers import add_entry


@pytest.fixture
def acme(make_org, make_user, add_member):
    manager = make_user("boss@example.org", name="Boss Person")
    org = make_org("acme", manager=manager, pay_period=PayPeriod.SEMIMONTHLY, training_pay_rate_cents=1950)
    ana = make_user("ana@example.org", name="Ana Núñez")
    add_member(org, ana, employee_id="-7", employment_start=date(2025, 1, 1))
    return org, manager, ana


@pytest.fixture
def bearer(acme):
    _org, manager, _ana = acme
    _token, raw = api_tokens.create_api_token(manager, "payroll")
    db.session.commit()
    return {"Authorization": f"Bearer {raw}"}


def _running(org) -> tuple[date, date]:
    return pay_calendar(org).period(org_today(org))


def _ended(org) -> tuple[date, date]:
    return pay_calendar(org).previous(_running(org))


def _args(period: tuple[date, date]) -> dict[str, str]:
    return {"start": period[0].isoformat(), "end": period[1].isoformat()}


def _exports() -> int:
    return db.session.scalar(select(func.count(PayrollExport.id)))


def _audit_rows() -> int:
    return db.session.scalar(select(func.count(AuditEvent.id)))


def _lines(org, ana, period):
    add_entry(ana, org, period[0], 50, paid=period[0], title='=HYPERLINK("http://evil.example","x")')
    add_entry(ana, org, period[0], -30, paid=period[0], title="@SUM(A1:A9)", source=EntrySource.ADJUSTMENT)
    db.session.commit()


def test_the_draft_is_the_file_an_export_would_write_and_locks_nothing(client, u, acme, bearer):
    org, manager, ana = acme
    period = _running(org)
    _lines(org, ana, period)
    audit_rows = _audit_rows()
    response = client.get(u("lms.api.org_timesheets_draft_csv", org_slug="acme", **_args(period)), headers=bearer)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["X-Draft"] == "true"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="DRAFT-timesheet-acme-{period[0].isoformat()}-{period[1].isoformat()}.csv"')
    assert response.headers["Cache-Control"] == "private, no-store"
    digest = hashlib.sha256(response.data).hexdigest()
    assert response.headers["X-Content-SHA256"] == digest and response.headers["ETag"] == f'"{digest}"'
    header, *rows = list(csv.reader(io.StringIO(response.data.decode("utf-8"))))  # no BOM, no DRAFT line: machine-read
    assert header == list(export.COLUMNS)
    assert [(r[0], r[6], r[9], r[12]) for r in rows] == [
        ("'-7", "50", "16.25", "'=HYPERLINK(\"http://evil.example\",\"x\")"), ("'-7", "-30", "-9.75", "'@SUM(A1:A9)")]
    assert _exports() == 0 and _audit_rows() == audit_rows  # not an export, not audited (like the page's draft)
    done = export.export_period(org, period[0], manager, before_end=True)
    db.session.commit()
    assert done.content == response.data  # exactly the bytes the export then wrote


def test_a_browser_session_gets_the_draft_too(client, u, login, acme):
    org, manager, ana = acme
    period = _ended(org)
    _lines(org, ana, period)
    login(manager)
    response = client.get(u("lms.api.org_timesheets_draft_csv", org_slug="acme", **_args(period)))
    assert response.status_code == 200 and response.headers["X-Draft"] == "true" and _exports() == 0


def test_an_exported_period_has_no_draft_but_its_file(client, u, acme, bearer):
    org, manager, ana = acme
    period = _ended(org)
    _lines(org, ana, period)
    export.export_period(org, period[0], manager)
    db.session.commit()
    response = client.get(u("lms.api.org_timesheets_draft_csv", org_slug="acme", **_args(period)), headers=bearer)
    assert response.status_code == 409 and response.json["error"]["code"] == "period_exported"
    assert u("lms.api.org_timesheets_csv", org_slug="acme", **_args(period)) in response.json["error"]["message"]


def test_the_draft_takes_exactly_one_period(client, u, acme, bearer):
    org, _manager, _ana = acme
    start, end = _running(org)
    wrong = client.get(u("lms.api.org_timesheets_draft_csv", org_slug="acme", start=start.isoformat(),
                         end=(end - timedelta(days=1)).isoformat()), headers=bearer)
    assert wrong.status_code == 400 and "Choose exactly one pay period" in wrong.json["error"]["message"]
    missing = client.get(u("lms.api.org_timesheets_draft_csv", org_slug="acme", start=start.isoformat()), headers=bearer)
    assert missing.status_code == 400 and missing.json["error"]["code"] == "invalid_date"


def test_a_running_period_is_exported_only_with_early_true(client, u, acme, bearer):
    org, _manager, ana = acme
    period = _running(org)
    _lines(org, ana, period)
    url = u("lms.api.org_timesheets_csv", org_slug="acme", **_args(period))
    refused = client.get(url, headers=bearer)
    assert refused.status_code == 409 and refused.json["error"]["code"] == "period_not_over"
    message = refused.json["error"]["message"]
    assert period[1].isoformat() in message and "early=true" in message
    assert u("lms.api.org_timesheets_draft_csv", org_slug="acme", **_args(period)) in message
    assert _exports() == 0
    assert client.get(url + "&early=false", headers=bearer).status_code == 409 and _exports() == 0
    bad = client.get(url + "&early=yes", headers=bearer)
    assert bad.status_code == 400 and bad.json["error"]["code"] == "invalid_parameter" and "early" in (
        bad.json["error"]["message"])
    done = client.get(url + "&early=true", headers=bearer)
    assert done.status_code == 200 and done.headers["X-Draft"] == "false" and _exports() == 1
    assert client.get(url, headers=bearer).data == done.data  # exported now: returned as it is, no question


def test_an_ended_period_needs_no_early(client, u, acme, bearer):
    org, _manager, ana = acme
    period = _ended(org)
    _lines(org, ana, period)
    response = client.get(u("lms.api.org_timesheets_csv", org_slug="acme", **_args(period)), headers=bearer)
    assert response.status_code == 200 and _exports() == 1


@pytest.mark.parametrize("endpoint", ["lms.api.org_timesheets_csv", "lms.api.org_timesheets_draft_csv"])
def test_a_parameter_given_twice_is_refused_by_name(client, u, acme, bearer, endpoint):
    org, _manager, _ana = acme
    ended, other = _ended(org), _running(org)
    url = u(endpoint, org_slug="acme", **_args(ended)) + f"&start={other[0].isoformat()}"
    response = client.get(url, headers=bearer)
    assert response.status_code == 400 and response.json["error"]["code"] == "repeated_parameter"
    assert "start" in response.json["error"]["message"]
    early_twice = u(endpoint, org_slug="acme", **_args(ended)) + "&early=true&early=true"
    assert client.get(early_twice, headers=bearer).json["error"]["code"] == "repeated_parameter"
    assert _exports() == 0


def _etag_requests(client, url, headers, etag):
    sha = etag.strip('"')
    return {
        "strong": client.get(url, headers={**headers, "If-None-Match": f'"{sha}"'}),
        "weak": client.get(url, headers={**headers, "If-None-Match": f'W/"{sha}"'}),
        "in a list": client.get(url, headers={**headers, "If-None-Match": f'"other", W/"{sha}"'}),
        "other": client.get(url, headers={**headers, "If-None-Match": '"0123"'}),
    }


def test_if_none_match_gets_304_from_the_api(client, u, acme, bearer):
    org, _manager, ana = acme
    period = _ended(org)
    _lines(org, ana, period)
    for endpoint in ("lms.api.org_timesheets_draft_csv", "lms.api.org_timesheets_csv"):
        url = u(endpoint, org_slug="acme", **_args(period))
        first = client.get(url, headers=bearer)
        answers = _etag_requests(client, url, bearer, first.headers["ETag"])
        assert {name: r.status_code for name, r in answers.items()} == {
            "strong": 304, "weak": 304, "in a list": 304, "other": 200}, endpoint
        assert answers["strong"].data == b"" and answers["strong"].headers["ETag"] == first.headers["ETag"]
        assert answers["other"].data == first.data
    head = client.head(u("lms.api.org_timesheets_csv", org_slug="acme", **_args(period)),
                       headers={**bearer, "If-None-Match": first.headers["ETag"]})
    assert head.status_code == 304


def test_if_none_match_gets_304_from_the_payroll_file_pages(client, u, login, acme):
    org, manager, ana = acme
    period = _ended(org)
    _lines(org, ana, period)
    export.export_period(org, period[0], manager)
    db.session.commit()
    login(manager)
    for extra in ({}, {"for": "excel"}):
        url = u("lms.hours.download_payroll", org_slug="acme", start=period[0].isoformat(), **extra)
        first = client.get(url)
        assert first.status_code == 200
        answers = _etag_requests(client, url, {}, first.headers["ETag"])
        assert {name: r.status_code for name, r in answers.items()} == {
            "strong": 304, "weak": 304, "in a list": 304, "other": 200}, extra


def test_openapi_describes_the_draft_early_and_304(client, u):
    paths = client.get(u("lms.api.openapi")).json["paths"]
    export_op = paths["/orgs/{org_slug}/timesheets.csv"]["get"]
    assert {p["name"] for p in export_op["parameters"]} == {"org_slug", "start", "end", "early", "If-None-Match"}
    assert "304" in export_op["responses"] and "period_not_over" in export_op["responses"]["409"]["description"]
    draft = paths["/orgs/{org_slug}/timesheets/draft.csv"]["get"]
    assert "X-Draft" in draft["responses"]["200"]["headers"] and "text/csv" in draft["responses"]["200"]["content"]
    assert "period_exported" in draft["responses"]["409"]["description"]
