"""QA fixes of the JSON API (Dec 7): dates are YYYY-MM-DD within 1900-01-01..2999-12-31 everywhere (no 500 from
9999-12-31), text fields of the wrong type are refused naming the field, the body reader refuses non-standard JSON,
an empty cursor pages by cursor, and the Error schema lists the real extra fields (docs/api.md, docs/hours.md)."""

from __future__ import annotations

import base64
import json
from datetime import date

import pytest

from lms.hours import external_training
from lms.orgs.models import PayPeriod
from tests.api_support import bearer

OUTSIDE = "is outside the dates this site supports: give a date from 1900-01-01 to 2999-12-31."


@pytest.fixture
def demo(make_org, make_user, add_member):
    manager = make_user("boss@example.org", name="Boss Person")
    org = make_org("demo", manager=manager, pay_period=PayPeriod.BIWEEKLY)  # anchored on Monday 2026-01-05
    ana = make_user("ana@example.org", name="Ana")
    add_member(org, ana, employment_start=date(2025, 1, 1))
    return org, manager, ana


def _org_hours(client, u, manager, **args):
    return client.get(u("lms.api.org_hours", org_slug="demo"), query_string=args, headers=bearer(manager))


# ---------------------------------------------------------------- 1, 3: dates

@pytest.mark.parametrize("day", ["9999-12-31", "9999-12-27", "0001-01-01", "3000-01-01", "1899-12-31"])
def test_a_paid_period_outside_the_supported_days_is_a_400_not_a_500(client, u, demo, day):
    response = _org_hours(client, u, demo[1], paid_period=day)
    assert response.status_code == 400, response.data
    assert response.json["error"] == {"code": "invalid_date", "message": f"paid_period {OUTSIDE}",
                                      "parameter": "paid_period"}


@pytest.mark.parametrize(("args", "name"), [({"paid_period": "2999-12-31"}, "paid_period"),
                                            ({"paid_period": "1900-01-01"}, "paid_period")])
def test_a_period_running_past_the_supported_days_is_not_offered(client, u, demo, args, name):
    response = _org_hours(client, u, demo[1], **args)
    assert response.status_code == 400 and response.json["error"]["code"] == "invalid_date"
    message = response.json["error"]["message"]
    assert "runs outside the dates this site supports" in message and "Choose exactly one" not in message


@pytest.mark.parametrize(("start", "end"), [("1900-01-01", "1900-01-14"), ("2999-12-30", "3000-01-12"),
                                            ("2999-12-31", "2999-12-31")])
def test_the_draft_never_offers_a_period_outside_the_supported_days(client, u, demo, start, end):
    response = client.get(u("lms.api.org_timesheets_draft_csv", org_slug="demo", start=start, end=end),
                          headers=bearer(demo[1]))
    assert response.status_code == 400 and response.json["error"]["code"] == "invalid_date"
    message = response.json["error"]["message"]
    assert "1899-12-25" not in message or "runs outside" in message
    assert "Choose exactly one pay period" not in message


@pytest.mark.parametrize("param", ["from", "to", "paid_period"])
@pytest.mark.parametrize("text", ["20261120", "2026-W47-1", "2026-11-20T00:00", "２０２６-11-20", "2026-324"])
def test_list_dates_take_only_yyyy_mm_dd(client, u, demo, param, text):
    response = _org_hours(client, u, demo[1], **{param: text})
    assert response.status_code == 400 and response.json["error"] == {
        "code": "invalid_date", "message": f"{param} must be a date (YYYY-MM-DD).", "parameter": param}


@pytest.mark.parametrize("param", ["from", "to"])
def test_list_dates_outside_the_supported_days_say_so(client, u, demo, param):
    response = _org_hours(client, u, demo[1], **{param: "0001-01-01"})
    assert response.status_code == 400 and response.json["error"]["message"] == f"{param} {OUTSIDE}"


@pytest.mark.parametrize("text", ["20261120", "2026-W47-1"])
def test_the_draft_takes_only_yyyy_mm_dd(client, u, demo, text):
    response = client.get(u("lms.api.org_timesheets_draft_csv", org_slug="demo", start=text, end="2026-11-29"),
                          headers=bearer(demo[1]))
    assert response.status_code == 400 and response.json["error"]["code"] == "invalid_date"


@pytest.mark.parametrize("day", ["20261120", "2026-W47-1", "2026-324"])
def test_activity_date_takes_only_yyyy_mm_dd(client, u, demo, day):
    response = _submit(client, u, demo[2], activity_date=day)
    assert response.status_code == 400 and response.json["error"]["fields"] == ["activity_date"]


def test_a_cursor_with_another_date_form_is_refused(client, u, demo):
    raw = base64.urlsafe_b64encode(json.dumps(["20261120", 5]).encode()).decode().rstrip("=")
    response = client.get(u("lms.api.my_hours", cursor=raw), headers=bearer(demo[2]))
    assert response.status_code == 400 and response.json["error"]["code"] == "invalid_cursor"


# ---------------------------------------------------------------- 2, 5: POST /me/hours fields

def _submit(client, u, user, key="k1", **fields):
    body = {"title": "CPR refresher", "activity_date": "2026-11-20", "minutes": 60, **fields}
    return client.post(u("lms.api.submit_hours"), json=body, headers={**bearer(user), "Idempotency-Key": key})


@pytest.mark.parametrize("value", [3, {}, [], True, 1.5])
@pytest.mark.parametrize("name", ["provider", "title"])
def test_a_text_field_of_another_type_is_refused_naming_it(client, u, demo, name, value):
    response = _submit(client, u, demo[2], **{name: value})
    assert response.status_code == 400, response.json
    assert response.json["error"] == {"code": "invalid", "message": f"{name} must be a string.", "fields": [name]}


def test_a_null_provider_means_none(client, u, demo):
    response = _submit(client, u, demo[2], provider=None)
    assert response.status_code == 201 and response.json["provider"] is None


@pytest.mark.parametrize(("fields", "name"), [({"title": "x" * 301}, "title"), ({"provider": "x" * 201}, "provider"),
                                              ({"minutes": 0}, "minutes"), ({"activity_date": "2099-01-01"},
                                                                            "activity_date"),
                                              ({"competency_areas": ["nope"]}, "competency_areas"),
                                              ({"competency_areas": "nope"}, "competency_areas"),
                                              ({"org_slug": "nowhere"}, "org_slug")])
def test_a_refused_field_is_named(client, u, demo, fields, name):
    response = _submit(client, u, demo[2], **fields)
    assert response.status_code == 400 and response.json["error"]["code"] == "invalid"
    assert response.json["error"]["fields"] == [name]


# ---------------------------------------------------------------- 4: the JSON reader

@pytest.mark.parametrize("raw", ['{"title": NaN}', '{"minutes": Infinity}', '{"minutes": -Infinity}',
                                 '{"minutes": 1e400}', '{"minutes": -1e400}',
                                 '{"title": "a", "title": "b"}', '{"x": {"y": 1, "y": 2}}',
                                 "[" * 40 + "]" * 40, "[" * 5000 + "]" * 5000, '{"a":' * 40 + "1" + "}" * 40])
def test_non_standard_json_is_invalid_json(client, u, demo, raw):
    response = client.post(u("lms.api.submit_hours"), data=raw, content_type="application/json",
                           headers={**bearer(demo[2]), "Idempotency-Key": "k"})
    assert response.status_code == 400 and response.json["error"]["code"] == "invalid_json", response.json
    assert response.json["error"]["message"].startswith("The body could not be read as JSON")


def test_duplicate_key_message_names_it(client, u, demo):
    response = client.post(u("lms.api.submit_hours"), data='{"title": "a", "title": "b"}',
                           content_type="application/json", headers={**bearer(demo[2]), "Idempotency-Key": "k"})
    assert "the key title is given twice" in response.json["error"]["message"]


def test_ordinary_numbers_still_read(client, u, demo):
    response = client.post(u("lms.api.submit_hours"), content_type="application/json",
                           data='{"title": "CPR", "activity_date": "2026-11-20", "minutes": 6e1}',
                           headers={**bearer(demo[2]), "Idempotency-Key": "k"})
    assert response.status_code == 400 and response.json["error"]["fields"] == ["minutes"]  # 60.0 is no integer


# ---------------------------------------------------------------- 6: the Error schema

def test_the_error_schema_documents_every_extra_field(client, u):
    error = client.get(u("lms.api.openapi")).json["components"]["schemas"]["Error"]["properties"]["error"]
    assert {"fields", "parameter", "entry_id", "expired_at", "reason", "opens_at", "closes_at",
            "other_session_id", "other_waitlisted"} <= set(error["properties"])
    assert error["required"] == ["code", "message"]


def test_provider_may_be_null_in_the_request_schema(client, u):
    schema = client.get(u("lms.api.openapi")).json["components"]["schemas"]["ExternalTraining"]
    assert schema["properties"]["provider"]["type"] == ["string", "null"]


# ---------------------------------------------------------------- 8: an empty cursor

def test_an_empty_cursor_pages_by_cursor_from_the_start(client, u, demo):
    ana = demo[2]
    for number in range(3):
        external_training.submit_external(ana, external_training.ExternalTraining(
            title=f"t{number}", activity_date=date(2026, 11, 2 + number), minutes=30), f"key-{number}")
    from lms import db

    db.session.commit()
    headers = bearer(ana)
    first = client.get(u("lms.api.my_hours"), query_string={"cursor": "", "limit": 1}, headers=headers)
    assert first.status_code == 200 and first.json["next_cursor"] and first.json["next_offset"] is None
    plain = client.get(u("lms.api.my_hours"), query_string={"limit": 1}, headers=headers)
    assert plain.json["next_offset"] == 1  # offset paging (older clients) is unchanged
    both = client.get(u("lms.api.my_hours"), query_string={"cursor": "", "offset": 1}, headers=headers)
    assert both.status_code == 400 and both.json["error"]["code"] == "invalid_cursor"


# ---------------------------------------------------------------- 9: approving takes no field

def test_approving_with_a_field_says_it_takes_none(client, u, demo):
    org, manager, ana = demo
    entry = _submit(client, u, ana).json
    response = client.post(u("lms.api.approve_hours", org_slug="demo", entry_id=entry["id"]), json={"reason": "x"},
                           headers=bearer(manager))
    assert response.status_code == 422 and response.json["error"]["fields"] == ["reason"]
    assert response.json["error"]["message"] == ("Unknown field: reason. Nothing was done. This address takes no "
                                                 "fields: send no body, or {}.")


# ---------------------------------------------------------------- 10: rate-limit headers on every verify answer

RATE = ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset")


@pytest.mark.parametrize(("kwargs", "status", "code"), [
    ({"data": "codes=K7QM", "content_type": "application/x-www-form-urlencoded"}, 415, "unsupported_media_type"),
    ({"data": "K7QM", "content_type": "text/plain"}, 415, "unsupported_media_type"),
    ({"data": '{"codes": ["\\ud800"]}', "content_type": "application/json"}, 400, "invalid_json"),
    ({"data": '{"codes": ["a\\u0000"]}', "content_type": "application/json"}, 400, "invalid_json"),
    ({"data": "[" * 5000 + "]" * 5000, "content_type": "application/json"}, 400, "invalid_json"),
])
def test_every_verify_refusal_carries_the_rate_limit_headers(client, u, kwargs, status, code):
    response = client.post(u("lms.api.verify_certificates"), **kwargs)
    assert response.status_code == status and response.json["error"]["code"] == code
    assert all(name in response.headers for name in RATE), dict(response.headers)
    assert "Retry-After" not in response.headers
    # a refused body costs nothing: the budget is untouched
    assert response.headers["X-RateLimit-Remaining"] == response.headers["X-RateLimit-Limit"]


def test_a_cross_site_form_post_to_verify_still_does_nothing(client, u):
    response = client.post(u("lms.api.verify_certificates"), data={"codes": "K7QM-X3HT"},
                           headers={"Origin": "https://evil.example"})
    assert response.status_code == 415 and "results" not in response.json


# ---------------------------------------------------------------- 11: no CORS; what OPTIONS answers (docs/api.md)

def test_options_lists_the_methods_and_no_cors_header_is_ever_sent(client, u, demo):
    preflight = {"Origin": "https://elsewhere.example", "Access-Control-Request-Method": "POST"}
    public = client.open(u("lms.api.verify_certificates"), method="OPTIONS", headers=preflight)
    assert public.status_code == 200 and "POST" in public.headers["Allow"] and public.data == b""
    signed = client.open(u("lms.api.my_hours"), method="OPTIONS", headers={**preflight, **bearer(demo[2])})
    assert signed.status_code == 200 and "POST" in signed.headers["Allow"]
    anonymous = client.open(u("lms.api.my_hours"), method="OPTIONS", headers=preflight)
    assert anonymous.status_code == 401
    for response in (public, signed, anonymous):
        assert not [name for name, _value in response.headers.items() if name.lower().startswith("access-control-")]
