"""The hours lists of the API: ``paid_period`` selects what a period's payroll export pays (``from``/``to`` are activity
dates); unknown and repeated query parameters are refused; approving takes no body but refuses one it cannot take;
timestamps end in Z (docs/hours.md, "API"; docs/api.md)."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from lms import db
from lms.hours import approvals, export
from lms.hours.models import EntryStatus
from tests.api_support import acme_paying_ana, bearer
from tests.hours_reports_helpers import add_entry

NOV1, NOV15, NOV16, NOV30 = date(2026, 11, 1), date(2026, 11, 15), date(2026, 11, 16), date(2026, 11, 30)
TODAY = date(2026, 11, 23)


@pytest.fixture
def acme(make_org, make_user, add_member):
    return acme_paying_ana(make_org, make_user, add_member)


def _listing(client, u, manager, **args):
    response = client.get(u("lms.api.org_hours", org_slug="acme", limit=500, **args), headers=bearer(manager))
    assert response.status_code == 200, response.json
    return response.json["entries"]


def _csv_lines(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def _totals(lines: list[dict]) -> tuple[set[int], int]:
    return {int(line["entry_id"] if "entry_id" in line else line["id"]) for line in lines}, sum(
        int(line["minutes"]) for line in lines)


# ---------------------------------------------------------------- paid_period

def test_paid_period_lists_exactly_what_the_payroll_export_pays(client, u, acme, make_user, make_org):
    org, manager, ana = acme
    add_entry(ana, org, date(2026, 11, 2), 60, paid=NOV1, title="On time")
    late = add_entry(ana, org, date(2026, 11, 10), 45, status=EntryStatus.PENDING, title="Approved late")
    add_entry(ana, org, date(2026, 11, 12), 20, status=EntryStatus.PENDING, title="Still waiting")
    add_entry(ana, org, date(2026, 11, 13), 25, status=EntryStatus.REJECTED, title="Rejected")
    add_entry(ana, org, date(2026, 11, 17), 30, paid=NOV16, title="In the second period")
    other = make_org("other", manager=make_user("rival@example.org"))
    add_entry(ana, other, date(2026, 11, 2), 90, paid=NOV1, title="Another organisation's")
    db.session.commit()
    first = export.export_period(org, NOV1, manager, today=TODAY)
    db.session.commit()
    approvals.approve(late, manager)  # the first period is locked: paid in a later one
    db.session.commit()
    assert late.paid_period_start not in (None, NOV1)

    for start, end, content in ((NOV1, NOV15, first.content),
                                (late.paid_period_start, None, None)):
        if content is None:
            end = export.period_of(org, start)[1]
            content = export.build_csv(org, start, end)[0]
        listed = _listing(client, u, manager, paid_period=start.isoformat())
        assert _totals(listed) == _totals(_csv_lines(content)), start
        assert all(e["status"] == "approved" and e["paid_period_start"] == start.isoformat() for e in listed)

    first_ids = {e["title"] for e in _listing(client, u, manager, paid_period=NOV1.isoformat())}
    assert first_ids == {"On time"}
    later = {e["title"] for e in _listing(client, u, manager, paid_period=late.paid_period_start.isoformat())}
    assert "Approved late" in later
    # from/to are activity dates: the late approval is listed with the first period's days, not paid in it.
    by_activity = {e["title"] for e in _listing(client, u, manager, **{"from": NOV1.isoformat(), "to": NOV15.isoformat()})}
    assert {"On time", "Approved late", "Still waiting", "Rejected"} == by_activity
    # The filters combine: from/to still narrow by activity date inside the paid period.
    assert _listing(client, u, manager, paid_period=NOV1.isoformat(), **{"from": "2026-11-03"}) == []


def test_paid_period_must_start_a_pay_period(client, u, acme):
    _org, manager, _ana = acme
    response = client.get(u("lms.api.org_hours", org_slug="acme", paid_period="2026-11-02"), headers=bearer(manager))
    assert response.status_code == 400
    assert "2026-11-01" in response.json["error"]["message"]
    bad = client.get(u("lms.api.org_hours", org_slug="acme", paid_period="November"), headers=bearer(manager))
    assert bad.status_code == 400 and "paid_period" in bad.json["error"]["message"]


# ---------------------------------------------------------------- unknown and repeated parameters

@pytest.mark.parametrize("endpoint", ["lms.api.org_hours", "lms.api.my_hours"])
def test_a_misspelt_parameter_is_refused_not_ignored(client, u, acme, endpoint):
    org, manager, _ana = acme
    add_entry(manager, org, date(2026, 11, 2), 60, status=EntryStatus.PENDING)
    db.session.commit()
    args = {"org_slug": "acme"} if endpoint == "lms.api.org_hours" else {}
    response = client.get(u(endpoint, stauts="approved", **args), headers=bearer(manager))
    assert response.status_code == 400
    assert response.json["error"]["code"] == "unknown_parameter"
    assert response.json["error"]["parameter"] == "stauts" and "stauts" in response.json["error"]["message"]
    assert client.get(u(endpoint, lang="es", limit=5, **args), headers=bearer(manager)).status_code == 200


def test_a_repeated_parameter_is_refused_not_read_as_its_first(client, u, acme):
    _org, manager, _ana = acme
    response = client.get(u("lms.api.org_hours", org_slug="acme") + "?status=approved&status=pending",
                          headers=bearer(manager))
    assert response.status_code == 400 and response.json["error"]["code"] == "repeated_parameter"
    mine = client.get(u("lms.api.my_hours") + "?limit=1&limit=2", headers=bearer(manager))
    assert mine.status_code == 400 and mine.json["error"]["parameter"] == "limit"


def test_the_document_lists_paid_period_and_says_what_from_and_to_are(client, u):
    document = client.get(u("lms.api.openapi")).json
    operation = document["paths"]["/orgs/{org_slug}/hours"]["get"]
    params = {p["name"]: p for p in operation["parameters"]}
    assert "activity_date" in params["from"]["description"] and "pay-periods" in params["paid_period"]["description"]
    assert "unknown_parameter" in operation["description"]
    approve = document["paths"]["/orgs/{org_slug}/hours/{entry_id}/approve"]["post"]
    assert approve["requestBody"]["required"] is False and "415" in approve["responses"]


# ---------------------------------------------------------------- approving takes no body

@pytest.mark.parametrize(("data", "content_type", "status", "code"), [
    ("{not json", "application/json", 400, "invalid_json"),
    ("reason=nope", "application/x-www-form-urlencoded", 415, "unsupported_media_type"),
    ("approve", "text/plain", 415, "unsupported_media_type"),
    ('{"reason": "Not supervised"}', "application/json", 422, "unknown_fields"),
    ("[]", "application/json", 400, None),
])
def test_a_body_approving_cannot_take_approves_nothing(client, u, acme, data, content_type, status, code):
    org, manager, ana = acme
    entry = add_entry(ana, org, date(2026, 11, 2), 60, status=EntryStatus.PENDING)
    db.session.commit()
    response = client.post(u("lms.api.approve_hours", org_slug="acme", entry_id=entry.id), data=data,
                           content_type=content_type, headers=bearer(manager))
    assert response.status_code == status, response.json
    if code:
        assert response.json["error"]["code"] == code
    db.session.expire_all()
    assert entry.status is EntryStatus.PENDING


@pytest.mark.parametrize("body", [None, "", "{}"])
def test_no_body_or_an_empty_object_approves_with_timestamps_in_z(client, u, acme, body):
    org, manager, ana = acme
    entry = add_entry(ana, org, date(2026, 11, 2), 60, status=EntryStatus.PENDING)
    db.session.commit()
    extra = {} if body is None else {"data": body, "content_type": "application/json"}
    response = client.post(u("lms.api.approve_hours", org_slug="acme", entry_id=entry.id), headers=bearer(manager),
                           **extra)
    assert response.status_code == 200, response.json
    assert response.json["status"] == "approved"
    assert response.json["decided_at"].endswith("Z") and response.json["created_at"].endswith("Z")
