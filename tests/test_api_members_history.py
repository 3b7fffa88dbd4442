"""``GET /api/v1/orgs/<slug>/members``: each person also says whether their account is active and lists their earlier
employment here (a rehire's earlier period, with the employee ID then in force, which the payroll file writes on
entries of those days). The members, pay-periods, timesheets, course and session lists refuse a query parameter they
do not take (a misspelt ``include_formr`` used to answer as if it were not there). Answers are checked against the schema."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from lms import db
from lms.accounts import admin_actions, api_tokens
from lms.accounts.models import SiteRole
from lms.hours.pay_calendar import pay_calendar
from lms.hours.periods import org_today
from lms.orgs import employment, invitations, joining
from lms.orgs import services as orgs
from lms.orgs.models import EmploymentType, PayPeriod
from tests.api_support import schema_checker


@pytest.fixture
def acme(make_org, make_user, add_member):
    """Bea manages acme. Tom worked there as E-1001 (contractor, "Promotor") until 30 days ago and was hired again
    as E-2002 ten days ago; Ana works there and her account was disabled by a site administrator."""
    boss = make_user("boss@example.org", name="Bea Boss")
    org = make_org("acme", manager=boss, pay_period=PayPeriod.SEMIMONTHLY)
    today = org_today(org)
    tom = make_user("tom@example.org", name="Tom Reyes")
    first = add_member(org, tom, employee_id="E-1001", job_title="Promotor", employment_start=date(2025, 3, 2),
                       employment_type=EmploymentType.CONTRACTOR)
    employment.remove_member(first, boss, today - timedelta(days=30))
    db.session.commit()
    invitation, _raw = invitations.invite(org, tom.email, None, orgs.Employment(
        employee_id="E-2002", job_title="CHW II", employment_start=today - timedelta(days=10)), boss, 14)
    joining.accept_invitation(invitation, tom, agreed=True)
    ana = make_user("ana@example.org", name="Ana Disabled")
    add_member(org, ana, employee_id="E-3003")
    admin = make_user("admin@example.org", name="Ada Admin", role=SiteRole.ADMIN)
    admin_actions.set_active(ana, False, admin, reason="Left the program")
    db.session.commit()
    _token, raw = api_tokens.create_api_token(boss, "payroll")
    db.session.commit()
    return org, {"Authorization": f"Bearer {raw}"}, today


def _members(client, u, headers, **args):
    response = client.get(u("lms.api.org_members", org_slug="acme", **args), headers=headers)
    assert response.status_code == 200, response.json
    return {m["name"]: m for m in response.json["members"]}, response.json


def test_a_rehire_lists_the_earlier_period_with_its_employee_id(client, u, acme):
    _org, headers, today = acme
    validate = schema_checker(client.get(u("lms.api.openapi")).json)
    members, body = _members(client, u, headers)
    validate(body, "Members")
    tom = members["Tom Reyes"]
    assert (tom["employee_id"], tom["employment_start"], tom["current"]) == (
        "E-2002", (today - timedelta(days=10)).isoformat(), True)
    assert tom["earlier_periods"] == [{
        "employment_start": "2025-03-02", "employment_end": (today - timedelta(days=30)).isoformat(),
        "employee_id": "E-1001", "job_title": "Promotor", "employment_type": "contractor",
    }]
    assert members["Bea Boss"]["earlier_periods"] == [] and members["Ana Disabled"]["earlier_periods"] == []


def test_a_disabled_account_is_flagged_and_still_listed(client, u, acme):
    _org, headers, _today = acme
    members, _body = _members(client, u, headers)
    assert members["Ana Disabled"]["account_active"] is False and members["Ana Disabled"]["current"] is True
    assert members["Tom Reyes"]["account_active"] is True and members["Bea Boss"]["account_active"] is True


def test_earlier_periods_are_read_in_one_query_whatever_the_number_of_people(client, u, acme, count_queries,
                                                                             make_user, add_member):
    org, headers, _today = acme
    _members(client, u, headers)  # the token's first use of the day is recorded once
    with count_queries() as few:
        _members(client, u, headers, include_former="true")
    for number in range(5):
        add_member(org, make_user(f"new{number}@example.org", name=f"New {number}"), employee_id=f"N-{number}")
    db.session.commit()
    with count_queries() as many:
        members, _body = _members(client, u, headers, include_former="true")
    assert len(members) == 8 and many.count == few.count


@pytest.mark.parametrize(("endpoint", "args", "known"), [
    ("lms.api.org_members", {"org_slug": "acme", "include_formr": "true"}, "include_former"),
    ("lms.api.org_pay_periods", {"org_slug": "acme", "pst": "3"}, "past"),
    ("lms.api.org_timesheets_csv", {"org_slug": "acme", "start": "{start}", "end": "{end}", "erly": "true"}, "early"),
    ("lms.api.org_timesheets_draft_csv", {"org_slug": "acme", "start": "{start}", "end": "{end}", "x": "1"}, "start"),
    ("lms.api.list_courses", {"knd": "core"}, "language, kind, area"),
    ("lms.api.list_sessions", {"mod": "online"}, "mode, from, until, course"),
])
def test_a_parameter_the_address_does_not_take_is_refused(client, u, acme, endpoint, args, known):
    org, headers, today = acme
    start, end = pay_calendar(org).period(today)
    args = {key: value.format(start=start.isoformat(), end=end.isoformat()) for key, value in args.items()}
    response = client.get(u(endpoint, **args), headers=headers)
    assert response.status_code == 400, response.data
    error = response.json["error"]
    assert error["code"] == "unknown_parameter" and known in error["message"]
    assert error["parameter"] in {"include_formr", "pst", "erly", "x", "knd", "mod"}


def test_lang_and_the_known_parameters_still_work(client, u, acme):
    org, headers, today = acme
    assert client.get(u("lms.api.org_members", org_slug="acme", include_former="true", lang="es"),
                      headers=headers).status_code == 200
    assert client.get(u("lms.api.org_pay_periods", org_slug="acme", past="2", lang="es"),
                      headers=headers).status_code == 200
    assert client.get(u("lms.api.list_courses", kind="core", language="es", lang="es")).status_code == 200
    start, end = pay_calendar(org).period(today)
    draft = client.get(u("lms.api.org_timesheets_draft_csv", org_slug="acme", start=start.isoformat(),
                         end=end.isoformat(), lang="en"), headers=headers)
    assert draft.status_code == 200 and draft.headers["X-Draft"] == "true"
