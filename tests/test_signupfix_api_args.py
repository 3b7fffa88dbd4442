"""Query arguments of the payroll file: an end before the start is 400 ``invalid_parameter`` naming ``end`` (it was
the bare ``invalid`` "choose exactly one pay period"), and an unknown parameter's message lists every parameter taken,
``lang`` included."""

from __future__ import annotations

from datetime import timedelta

import pytest

from lms import db
from lms.accounts import api_tokens
from lms.hours.pay_calendar import pay_calendar
from lms.hours.periods import org_today
from lms.orgs.models import PayPeriod


@pytest.fixture
def acme(make_org, make_user):
    boss = make_user("boss@example.org", name="Bea Boss")
    org = make_org("acme", manager=boss, pay_period=PayPeriod.BIWEEKLY)
    _token, raw = api_tokens.create_api_token(boss, "payroll")
    db.session.commit()
    return org, {"Authorization": f"Bearer {raw}"}


@pytest.mark.parametrize("endpoint", ["lms.api.org_timesheets_csv", "lms.api.org_timesheets_draft_csv"])
def test_a_reversed_period_names_end(client, u, acme, endpoint):
    org, headers = acme
    start, end = pay_calendar(org).period(org_today(org) - timedelta(days=30))
    response = client.get(u(endpoint, org_slug="acme", start=end.isoformat(), end=start.isoformat()),
                          headers=headers)
    assert response.status_code == 400
    error = response.json["error"]
    assert (error["code"], error["parameter"]) == ("invalid_parameter", "end")
    assert error["message"] == (f"end ({start.isoformat()}) is before start ({end.isoformat()}): give a range that "
                                "ends on or after the day it starts.")
    right = client.get(u(endpoint, org_slug="acme", start=start.isoformat(), end=end.isoformat()), headers=headers)
    assert right.status_code == 200


@pytest.mark.parametrize(("endpoint", "args", "known"), [
    ("lms.api.org_pay_periods", {"org_slug": "acme", "pst": "3"}, "past, lang."),
    ("lms.api.org_members", {"org_slug": "acme", "x": "1"}, "include_former, lang."),
    ("lms.api.org_hours", {"org_slug": "acme", "stauts": "approved"},
     "limit, offset, cursor, person, from, to, source, status, paid_period, lang."),
])
def test_an_unknown_parameter_lists_lang_among_those_taken(client, u, acme, endpoint, args, known):
    _org, headers = acme
    response = client.get(u(endpoint, **args), headers=headers)
    assert response.status_code == 400 and response.json["error"]["code"] == "unknown_parameter"
    assert response.json["error"]["message"].endswith("the parameters taken here are: " + known)
    assert client.get(u(endpoint, org_slug="acme", lang="es"), headers=headers).status_code == 200
