"""``GET /api/v1/orgs/<slug>/members?include_former=true``: former staff after current staff, with ``current: false``,
``employment_end`` and ``role: null`` (as ``/api/v1/me`` reports ended employment), so every employee ID of a payroll
file, a former employee's last period included, matches someone listed. Without the flag, current staff only (each
now also with ``current: true``, ``employment_end: null``). Every answer is checked against the OpenAPI schema."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest

from lms import db
from lms.accounts import api_tokens
from lms.hours import export
from lms.hours.pay_calendar import pay_calendar
from lms.hours.periods import org_today
from lms.orgs import employment
from lms.orgs.models import MemberRole, PayPeriod
from tests.api_support import schema_checker
from tests.hours_reports_helpers import add_entry


@pytest.fixture
def check(client, u):
    validate = schema_checker(client.get(u("lms.api.openapi")).json)
    return lambda body: validate(body, "Members")


@pytest.fixture
def acme(make_org, make_user, add_member):
    """Boss manages acme; Ana works there; Rosa was a manager there and left two days ago, Bo left yesterday."""
    boss = make_user("boss@example.org", name="Bea Boss")
    org = make_org("acme", manager=boss, pay_period=PayPeriod.SEMIMONTHLY, training_pay_rate_cents=2000)
    today = org_today(org)
    ana = make_user("ana@example.org", name="Ana Current")
    add_member(org, ana, employee_id="E-1", employment_start=date(2025, 1, 1))
    people = {}
    for email, name, role, left in (("rosa@example.org", "Rosa Former", MemberRole.MANAGER, 2),
                                    ("bo@example.org", "Bo Former", MemberRole.MEMBER, 1)):
        person = make_user(email, name=name)
        people[email] = add_member(org, person, role=role, employee_id=f"F-{left}",
                                   employment_start=date(2024, 1, 1))
    for email, left in (("bo@example.org", 1), ("rosa@example.org", 2)):
        employment.remove_member(people[email], boss, today - timedelta(days=left))
    db.session.commit()
    _token, raw = api_tokens.create_api_token(boss, "payroll")
    db.session.commit()
    return org, {"Authorization": f"Bearer {raw}"}, people, today


def test_current_staff_only_by_default(client, u, acme, check):
    _org, headers, _people, _today = acme
    body = client.get(u("lms.api.org_members", org_slug="acme"), headers=headers).json
    check(body)
    assert [(m["name"], m["role"], m["current"], m["employment_end"]) for m in body["members"]] == [
        ("Ana Current", "member", True, None), ("Bea Boss", "manager", True, None)]
    same = client.get(u("lms.api.org_members", org_slug="acme", include_former="false"), headers=headers).json
    assert same == body


def test_former_staff_with_their_last_day_and_no_role(client, u, acme, check):
    _org, headers, people, today = acme
    body = client.get(u("lms.api.org_members", org_slug="acme", include_former="true"), headers=headers).json
    check(body)
    rows = [(m["name"], m["role"], m["current"], m["employment_end"], m["employee_id"]) for m in body["members"]]
    assert rows == [
        ("Ana Current", "member", True, None, "E-1"),
        ("Bea Boss", "manager", True, None, None),
        ("Bo Former", None, False, (today - timedelta(days=1)).isoformat(), "F-1"),  # the latest end first
        ("Rosa Former", None, False, (today - timedelta(days=2)).isoformat(), "F-2"),
    ]
    rosa = next(m for m in body["members"] if m["name"] == "Rosa Former")
    assert (rosa["id"], rosa["user_id"]) == (people["rosa@example.org"].id, people["rosa@example.org"].user_id)


def test_every_employee_id_of_a_payroll_file_is_listed(client, u, acme):
    """Bo left yesterday but is paid for training of his last period: the file names him, the list finds him."""
    org, headers, people, _today = acme
    period = pay_calendar(org).previous(pay_calendar(org).period(org_today(org)))
    for membership in (people["bo@example.org"], people["rosa@example.org"]):
        add_entry(membership.user, org, period[0], 60, paid=period[0])
    db.session.commit()
    content = client.get(u("lms.api.org_timesheets_csv", org_slug="acme", start=period[0].isoformat(),
                           end=period[1].isoformat()), headers=headers).data
    in_file = {row["employee_id"] for row in csv.DictReader(io.StringIO(content.decode("utf-8")))}
    current = client.get(u("lms.api.org_members", org_slug="acme"), headers=headers).json["members"]
    everyone = client.get(u("lms.api.org_members", org_slug="acme", include_former="true"), headers=headers).json
    assert in_file == {"F-1", "F-2"} and not in_file & {m["employee_id"] for m in current}
    assert in_file <= {m["employee_id"] for m in everyone["members"]}
    assert export.get_export(org, period[0]) is not None


@pytest.mark.parametrize(("query", "code"), [
    ("?include_former=yes", "invalid_parameter"), ("?include_former=1", "invalid_parameter"),
    ("?include_former=true&include_former=false", "repeated_parameter"),
])
def test_a_flag_that_is_not_true_or_false_is_refused(client, u, acme, query, code):
    _org, headers, _people, _today = acme
    response = client.get(u("lms.api.org_members", org_slug="acme") + query, headers=headers)
    assert response.status_code == 400 and response.json["error"]["code"] == code
    assert "include_former" in response.json["error"]["message"]


def test_a_former_manager_cannot_list_anyone(client, u, acme):
    _org, _headers, people, _today = acme
    _token, raw = api_tokens.create_api_token(people["rosa@example.org"].user, "old script")
    db.session.commit()
    response = client.get(u("lms.api.org_members", org_slug="acme", include_former="true"),
                          headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 403


def test_the_openapi_document_names_the_flag(client, u):
    operation = client.get(u("lms.api.openapi")).json["paths"]["/orgs/{org_slug}/members"]["get"]
    flag = next(p for p in operation["parameters"] if p["name"] == "include_former")
    assert flag["in"] == "query" and flag["schema"]["type"] == "boolean"
