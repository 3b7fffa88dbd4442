"""``GET /api/v1/orgs/<slug>/pay-periods``: the periods around today with the exact dates the CSV addresses take
(bridging ones after a schedule change included), exported ones with their file's SHA-256 and ETag; read-only, and
every answer valid against the OpenAPI document's own schema. Dates are relative to the organisation's today."""

from __future__ import annotations

import calendar
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from lms import db
from lms.audit import AuditEvent
from lms.hours import export
from lms.hours.models import PayrollExport
from lms.hours.pay_calendar import pay_calendar
from lms.hours.periods import org_today
from lms.orgs import services as orgs
from lms.orgs import settings as org_settings
from lms.orgs.models import PayPeriod
from tests.api_support import bearer as _bearer
from tests.api_support import schema_checker
from tests.hours_reports_helpers import add_entry


@pytest.fixture
def check(client, u):
    validate = schema_checker(client.get(u("lms.api.openapi")).json)
    return lambda body: validate(body, "PayPeriods")


@pytest.fixture
def acme(make_org, make_user, add_member):
    manager = make_user("boss@example.org", name="Boss Person")
    org = make_org("acme", manager=manager, pay_period=PayPeriod.SEMIMONTHLY, training_pay_rate_cents=1950,
                   timezone="Pacific/Kiritimati")
    ana = make_user("ana@example.org", name="Ana")
    add_member(org, ana, employee_id="E-1")
    return org, manager, ana


def test_exported_ended_running_and_upcoming(client, u, acme, check):
    org, manager, ana = acme
    pays = pay_calendar(org)
    today = org_today(org)
    current = pays.period(today)
    last = pays.previous(current)
    before_last = pays.previous(last)
    add_entry(ana, org, before_last[0], 60, paid=before_last[0])
    db.session.commit()
    done = export.export_period(org, before_last[0], manager)
    db.session.commit()
    headers = _bearer(manager)
    audit_rows = db.session.scalar(select(func.count(AuditEvent.id)))
    response = client.get(u("lms.api.org_pay_periods", org_slug="acme", past=2), headers=headers)
    assert response.status_code == 200
    body = response.json
    check(body)
    assert body["organisation"] == {"slug": "acme", "name": "Acme", "timezone": "Pacific/Kiritimati"}
    assert body["today"] == today.isoformat() and body["pay_period"] == "semimonthly"
    listed = [(p["start"], p["end"], p["state"], p["current"]) for p in body["periods"]]
    following = pays.next(current)
    assert listed == [
        (before_last[0].isoformat(), before_last[1].isoformat(), "exported", False),
        (last[0].isoformat(), last[1].isoformat(), "ended", False),
        (current[0].isoformat(), current[1].isoformat(), "running", True),
        (following[0].isoformat(), following[1].isoformat(), "upcoming", False),
    ]
    exported, ended = body["periods"][0], body["periods"][1]
    assert exported["sha256"] == done.sha256 and exported["etag"] == f'"{done.sha256}"'
    assert exported["row_count"] == 1 and exported["exported_by"] == "Boss Person"
    assert exported["exported_at"].endswith("Z") and exported["draft_url"] is None
    assert ended["sha256"] is ended["etag"] is ended["exported_at"] is None
    assert not any(p["bridging"] or p["payroll_ran_later"] for p in body["periods"])
    dates = {"org_slug": "acme", "start": ended["start"], "end": ended["end"]}
    assert ended["csv_url"] == u("lms.api.org_timesheets_csv", **dates)
    assert ended["draft_url"] == u("lms.api.org_timesheets_draft_csv", **dates)
    # the ETag listed is the one the file is served with: a client can ask for it conditionally
    file = client.get(exported["csv_url"], headers={**headers, "If-None-Match": exported["etag"]})
    assert file.status_code == 304
    assert db.session.scalar(select(func.count(PayrollExport.id))) == 1  # nothing exported by listing or asking
    assert db.session.scalar(select(func.count(AuditEvent.id))) == audit_rows


def test_a_bridging_period_after_a_schedule_change(client, u, make_org, make_user, add_member, check):
    """Biweekly periods exported, then twice a month: the first period after the last export is cut to start the day
    after it, listed with its own dates, and those are the dates the export takes."""
    manager = make_user("boss@example.org", name="Boss Person")
    org = make_org("demo", manager=manager, pay_period=PayPeriod.BIWEEKLY)
    today = org_today(org)
    anchor = today - timedelta(days=40)
    while {anchor.day, (anchor + timedelta(days=28)).day} & {1, 16}:  # so that both cuts fall inside a half-month
        anchor -= timedelta(days=1)
    org.pay_period_anchor = anchor
    ana = make_user("ana@example.org", name="Ana")
    add_member(org, ana, employee_id="E-1")
    for start in (anchor, anchor + timedelta(days=14)):
        add_entry(ana, org, start, 60, paid=start)
        export.export_period(org, start, manager)
    db.session.commit()
    settings = orgs.OrgSettings(name=org.name, timezone=org.timezone, pay_period=PayPeriod.SEMIMONTHLY,
                                pay_period_anchor=None, training_pay_rate_cents=org.training_pay_rate_cents)
    org_settings.update_settings(org, settings, manager)
    db.session.commit()
    headers = _bearer(manager)
    body = client.get(u("lms.api.org_pay_periods", org_slug="demo", past=100), headers=headers).json
    check(body)
    bridge_start = anchor + timedelta(days=28)
    bridge = next(p for p in body["periods"] if p["start"] == bridge_start.isoformat())
    last_of_month = bridge_start.replace(day=calendar.monthrange(bridge_start.year, bridge_start.month)[1])
    half_month_end = bridge_start.replace(day=15) if bridge_start.day <= 15 else last_of_month
    assert bridge["end"] == half_month_end.isoformat() and bridge["bridging"] is True
    assert bridge["state"] in ("ended", "running")
    exported = [p for p in body["periods"] if p["state"] == "exported"]
    assert [(p["start"], p["bridging"]) for p in exported] == [(anchor.isoformat(), False),
                                                                ((anchor + timedelta(days=14)).isoformat(), False)]
    before = [p for p in body["periods"] if p["end"] < anchor.isoformat()]
    assert before and before[-1]["bridging"] is True and before[-1]["payroll_ran_later"] is True  # cut at the export
    assert len(body["periods"]) == 102
    starts = [p["start"] for p in body["periods"]]
    assert starts == sorted(starts)
    draft = client.get(bridge["draft_url"], headers=headers)
    assert draft.status_code == 200 and draft.headers["X-Draft"] == "true"  # the listed dates are accepted


@pytest.mark.parametrize(("query", "code"), [
    ("?past=-1", "invalid_parameter"), ("?past=abc", "invalid_parameter"), ("?past=1&past=2", "repeated_parameter"),
])
def test_bad_arguments_are_400_json(client, u, acme, query, code):
    _org, manager, _ana = acme
    response = client.get(u("lms.api.org_pay_periods", org_slug="acme") + query, headers=_bearer(manager))
    assert response.status_code == 400 and response.json["error"]["code"] == code


def test_past_is_capped_and_defaults_to_six(client, u, acme):
    _org, manager, _ana = acme
    headers = _bearer(manager)
    assert len(client.get(u("lms.api.org_pay_periods", org_slug="acme"), headers=headers).json["periods"]) == 8
    assert len(client.get(u("lms.api.org_pay_periods", org_slug="acme", past=0), headers=headers).json["periods"]) == 2
    capped = client.get(u("lms.api.org_pay_periods", org_slug="acme", past=10**30), headers=headers).json["periods"]
    assert len(capped) == 102


def test_only_its_managers(client, u, acme, make_org, make_user):
    _org, _manager, ana = acme
    other = make_user("other@example.org")
    make_org("other", manager=other)
    url = u("lms.api.org_pay_periods", org_slug="acme")
    assert client.get(url, headers=_bearer(ana)).status_code == 403
    assert client.get(url, headers=_bearer(other)).status_code == 403
    assert client.get(url).status_code == 401
