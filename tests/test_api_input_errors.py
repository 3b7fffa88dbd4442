"""What the API answers to requests an integrator gets wrong, the same way everywhere:

- ``Authorization``: the scheme in any case (``bearer``, RFC 7235); another scheme is named in the 401; a token that
  is not valid is ignored where the answer is the same for everyone (the description, certificate verification, the
  course list), refused (401) where it depends on the caller;
- bodies: another content type is 415 naming application/json, JSON that cannot be read is 400 ``invalid_json`` with
  the line and column, a field the endpoint does not take is 422 ``unknown_fields`` naming it, before anything is
  checked or saved (a typo such as ``provder`` used to be dropped silently);
- ``timesheets.csv`` with a real date outside the supported range says so;
- titles of hours entries are one line, whatever made them, so the payroll CSV keeps one row per entry;
- the OpenAPI document says all of this (401, 413, 415, 422, ``additionalProperties: false``, the organisation's 403
  and 404, the clamp of ``limit``).
"""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
from sqlalchemy import func, select

from lms import db
from lms.accounts.models import SiteRole
from lms.hours import approvals, export, field_experience, ledger, periods
from lms.hours.models import EntrySource, EntryStatus, HoursEntry, PayrollExport
from lms.live.models import Registration, RegistrationStatus
from tests.api_support import bearer as _bearer
from tests.live_support import live_course, schedule
from tests.test_hours_ledger import entries_of, external, form_token, make_staff

JSON_PLEASE = "Send the body as JSON with Content-Type: application/json."
DAY = "2026-03-10"
HOURS = {"title": "Diabetes self-management", "provider": "County clinic", "activity_date": DAY, "minutes": 120}


@pytest.fixture
def staff(make_user, make_org, add_member):
    return make_staff(make_user, make_org, add_member)


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# ---------------------------------------------------------------- the Authorization header

@pytest.mark.parametrize("scheme", ["bearer", "BEARER", "bEaReR", "Bearer "])
def test_the_bearer_scheme_is_case_insensitive(client, u, staff, scheme):
    response = client.get(u("lms.api.me"), headers=_bearer(staff.trainee, scheme))
    assert response.status_code == 200 and response.json["email"] == staff.trainee.email


def test_a_lowercase_scheme_with_a_bad_token_is_an_invalid_token(client, u):
    response = client.get(u("lms.api.me"), headers={"Authorization": "bearer nonsense"})
    assert response.status_code == 401 and response.headers["WWW-Authenticate"] == 'Bearer error="invalid_token"'


@pytest.mark.parametrize("scheme", ["Token", "Basic", "JWT"])
def test_another_scheme_is_named_in_the_401(client, u, scheme):
    response = client.get(u("lms.api.me"), headers={"Authorization": f"{scheme} dXNlcjpwYXNz"})
    assert response.status_code == 401 and response.headers["WWW-Authenticate"] == "Bearer"
    assert response.json["error"] == {"code": "unauthorized", "message": (
        f"The Authorization header uses the scheme {scheme}, which is not recognised here. Send Bearer followed by "
        "the token.")}


def test_another_scheme_does_not_sign_out_a_browser(client, u, login, staff):
    """A site behind a proxy's Basic authentication: browsers send that header with every request."""
    login(staff.trainee)
    assert client.get(u("lms.api.me"), headers={"Authorization": "Basic dXNlcjpwYXNz"}).status_code == 200


def test_a_bad_token_does_not_block_what_is_the_same_for_everyone(client, u):
    bad = {"Authorization": "Bearer lms_revoked-or-mistyped"}
    assert client.get(u("lms.api.openapi"), headers=bad).status_code == 200
    assert client.get(u("lms.api.list_courses"), headers=bad).status_code == 200
    assert client.get(u("lms.api.certificate", code="NOPE"), headers=bad).status_code == 400
    assert client.get(u("lms.api.certificate_credential", code="NOPE"), headers=bad).status_code == 400
    verify = client.post(u("lms.api.verify_certificates"), json={"codes": ["NOPE"]}, headers=bad)
    assert verify.status_code == 200 and verify.json["results"][0]["status"] == "invalid"


def test_a_bad_token_is_refused_where_the_answer_depends_on_the_caller(client, u):
    bad = {"Authorization": "Bearer lms_revoked-or-mistyped"}
    for path in (u("lms.api.list_sessions"), u("lms.api.course_outline", course_slug="nope"), u("lms.api.me")):
        response = client.get(path, headers=bad)
        assert response.status_code == 401 and response.json["error"]["code"] == "unauthorized", path


def _operations(document):
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            yield path, method, operation


def test_the_document_says_which_operations_ignore_a_bad_token(app, client, u):
    """``security: []`` exactly on the operations that ignore a token that is not valid; every other one lists 401."""
    document = client.get(u("lms.api.openapi")).json
    prefix = app.extensions["lms"].url_prefix + "/api/v1"
    views = {(re.sub(r"<[^>]+>", "{}", rule.rule.removeprefix(prefix)), method.lower()): app.view_functions[rule.endpoint]
             for rule in app.url_map.iter_rules() if rule.endpoint.startswith("lms.api.") for method in rule.methods}
    for path, method, operation in _operations(document):
        view = views[(re.sub(r"\{[^}]+\}", "{}", path), method)]
        ignores = getattr(view, "_lms_same_for_everyone", False)
        assert (operation.get("security") == []) == ignores, (path, method)
        assert ("401" in operation["responses"]) != ignores, (path, method)


# ---------------------------------------------------------------- bodies

@pytest.fixture
def calls(client, u, staff, make_user):
    """Every endpoint that takes a JSON body: ``(method, path, headers, a body that names only known fields)``."""
    entry = external(staff.trainee)
    trainer = make_user("teresa@example.org", name="Teresa Trainer", role=SiteRole.TRAINER)
    _course, module = live_course(trainer)
    [session] = schedule(module, trainer)
    db.session.add(Registration(session_id=session.id, user_id=staff.trainee.id, status=RegistrationStatus.REGISTERED))
    db.session.commit()
    return {
        "verify": ("POST", u("lms.api.verify_certificates"), {}, {"codes": ["NOPE"]}),
        "hours": ("POST", u("lms.api.submit_hours"), {**_bearer(staff.trainee), "Idempotency-Key": "k-1"}, HOURS),
        "reject": ("POST", u("lms.api.reject_hours", org_slug="acme", entry_id=entry.id), _bearer(staff.manager),
                   {"reason": "No certificate"}),
        "attendance": ("PUT", u("lms.api.update_attendance", session_id=session.id, user_id=staff.trainee.id),
                       _bearer(trainer), {"status": "present"}),
    }


ENDPOINTS = ["verify", "hours", "reject", "attendance"]


@pytest.mark.parametrize("name", ENDPOINTS)
@pytest.mark.parametrize("kwargs", [
    {"data": '{"reason": "x"}', "content_type": "text/plain"},
    {"data": {"reason": "x", "title": "x"}},  # a form post
    {"data": '{"reason": "x"}'},  # curl -d without -H: no content type
    {},  # no body at all
], ids=["text-plain", "form", "no-type", "no-body"])
def test_another_content_type_is_a_415_everywhere(client, calls, staff, name, kwargs):
    method, path, headers, _body = calls[name]
    before = (_count(HoursEntry), [e.status for e in entries_of(staff.trainee)])
    response = client.open(path, method=method, headers=headers, **kwargs)
    assert response.status_code == 415, response.json
    assert response.json["error"] == {"code": "unsupported_media_type", "message": JSON_PLEASE}
    assert (_count(HoursEntry), [e.status for e in entries_of(staff.trainee)]) == before


@pytest.mark.parametrize("name", ENDPOINTS)
@pytest.mark.parametrize(("text", "line", "column"), [
    ('{"reason": "x",}', 1, 16), ('{\n  "reason": "x"\n  "status": 1}', 3, 3), ("", 1, 1), ("{'reason': 'x'}", 1, 2),
], ids=["trailing-comma", "missing-comma", "empty", "single-quotes"])
def test_json_that_cannot_be_read_says_where(client, calls, name, text, line, column):
    method, path, headers, _body = calls[name]
    response = client.open(path, method=method, headers=headers, data=text, content_type="application/json")
    assert response.status_code == 400
    assert response.json["error"] == {"code": "invalid_json", "message": (
        f"The body could not be read as JSON: the problem is at line {line}, column {column}.")}


@pytest.mark.parametrize("name", ENDPOINTS)
def test_bytes_that_are_not_text_cannot_be_read_as_json(client, calls, name):
    method, path, headers, _body = calls[name]
    response = client.open(path, method=method, headers=headers, data=b'{"a": "\xff\xfe"}',
                           content_type="application/json")
    assert response.status_code == 400 and response.json["error"]["code"] == "invalid_json"


@pytest.mark.parametrize("name", ENDPOINTS)
def test_an_unknown_field_is_a_422_naming_it(client, calls, staff, name):
    method, path, headers, body = calls[name]
    before = (_count(HoursEntry), [e.status for e in entries_of(staff.trainee)])
    response = client.open(path, method=method, headers=headers, json={**body, "notes": "x", "user_id": 1})
    assert response.status_code == 422
    error = response.json["error"]
    assert error["code"] == "unknown_fields" and error["fields"] == ["notes", "user_id"]
    assert error["message"].startswith("Unknown fields: notes, user_id. Nothing was done.")
    assert (_count(HoursEntry), [e.status for e in entries_of(staff.trainee)]) == before


def test_typos_in_submitted_hours_are_refused_not_dropped(client, u, staff):
    headers = {**_bearer(staff.trainee), "Idempotency-Key": "typo-1"}
    sent = {**HOURS, "provder": "County clinic", "competency_area": ["outreach"], "status": "approved", "user_id": 7}
    del sent["provider"]
    response = client.post(u("lms.api.submit_hours"), data=json.dumps(sent), content_type="application/json",
                           headers=headers)  # in this order (the test client's json= sorts the keys)
    assert response.status_code == 422
    assert response.json["error"]["fields"] == ["provder", "competency_area", "status", "user_id"]
    assert response.json["error"]["message"] == (
        "Unknown fields: provder, competency_area, status, user_id. Nothing was done. Check the spelling; the fields "
        "taken here are: title, provider, activity_date, minutes, competency_areas, org_slug.")
    assert entries_of(staff.trainee) == []
    fixed = client.post(u("lms.api.submit_hours"), json={**HOURS, "competency_areas": ["outreach"]}, headers=headers)
    assert fixed.status_code == 201 and fixed.json["provider"] == "County clinic"  # the key was not used up


def test_one_unknown_field_reads_as_one(client, u, staff):
    response = client.post(u("lms.api.submit_hours"), json={**HOURS, "titel": "x"},
                           headers={**_bearer(staff.trainee), "Idempotency-Key": "k"})
    assert response.json["error"]["message"].startswith("Unknown field: titel. Nothing was done.")


def test_a_reason_sent_as_text_is_a_415_not_a_missing_reason(client, u, staff):
    entry = external(staff.trainee)
    path = u("lms.api.reject_hours", org_slug="acme", entry_id=entry.id)
    response = client.post(path, data="No certificate", content_type="text/plain", headers=_bearer(staff.manager))
    assert response.status_code == 415 and response.json["error"]["message"] == JSON_PLEASE
    assert db.session.get(HoursEntry, entry.id).status is EntryStatus.PENDING


def test_a_browser_session_gets_the_same_answers(client, u, login, staff):
    entry = external(staff.trainee)
    login(staff.manager)
    path = u("lms.api.reject_hours", org_slug="acme", entry_id=entry.id)
    csrf = {"X-CSRFToken": client.csrf_token()}
    assert client.post(path, data="No certificate", content_type="text/plain", headers=csrf).status_code == 415
    assert client.post(path, json={"reasn": "No certificate"}, headers=csrf).status_code == 422
    assert client.post(path, json={"reason": "No certificate"}, headers=csrf).status_code == 200


def test_an_unknown_field_inside_an_interval_is_named_with_its_place(client, calls):
    method, path, headers, _body = calls["attendance"]
    response = client.open(path, method=method, headers=headers,
                           json={"interval": {"joined_at": "2026-03-10T10:00:00", "left": "2026-03-10T11:00:00"}})
    assert response.status_code == 422 and response.json["error"]["fields"] == ["interval.left"]
    assert "interval.joined_at, interval.left_at" in response.json["error"]["message"]


def test_unknown_names_echoed_back_are_few_and_short(client, calls):
    method, path, headers, _body = calls["verify"]
    response = client.open(path, method=method, headers=headers, json={"codes": [], **{"x" * 100 + str(i): 1
                                                                                       for i in range(50)}})
    fields = response.json["error"]["fields"]
    assert response.status_code == 422 and len(fields) == 10 and all(len(f) == 40 for f in fields)


# ---------------------------------------------------------------- query arguments

def test_a_payroll_date_outside_the_supported_range_says_so(client, u, staff):
    path = u("lms.api.org_timesheets_csv", org_slug="acme")
    token = _bearer(staff.manager)
    response = client.get(path, query_string={"start": "0001-01-01", "end": "0001-01-14"}, headers=token)
    assert response.status_code == 400 and response.json["error"] == {"code": "invalid_date", "message": (
        "start is outside the dates this site supports: give a date from 1900-01-01 to 2999-12-31."),
        "parameter": "start"}
    late = client.get(path, query_string={"start": "2026-01-05", "end": "9999-12-31"}, headers=token)
    assert late.json["error"]["message"].startswith("end is outside the dates this site supports")
    for start in ("2026-13-01", "01/05/2026", "2026-W02-1"):
        response = client.get(path, query_string={"start": start, "end": "2026-01-18"}, headers=token)
        assert response.json["error"]["message"] == "Give start and end as dates in the form YYYY-MM-DD.", start
    assert _count(PayrollExport) == 0


def test_an_unknown_organisation_is_403_to_outsiders_and_404_to_administrators(client, u, staff, make_user):
    admin = _bearer(make_user("root@example.org", role=SiteRole.ADMIN))
    for endpoint in ("lms.api.org_members", "lms.api.org_hours"):
        for slug in ("nowhere", "other"):  # one that does not exist, one she does not manage: the same answer
            assert client.get(u(endpoint, org_slug=slug), headers=_bearer(staff.manager)).status_code == 403
        assert client.get(u(endpoint, org_slug="nowhere"), headers=admin).status_code == 404


# ---------------------------------------------------------------- the document

@pytest.fixture
def document(client, u):
    return client.get(u("lms.api.openapi")).json


def _resolve(document, schema):
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _objects(document, schema):
    schema = _resolve(document, schema)
    if schema.get("type") == "object":
        yield schema
        for child in schema.get("properties", {}).values():
            yield from _objects(document, child)


def test_every_request_object_refuses_unknown_fields(document):
    seen = 0
    for path, method, operation in _operations(document):
        content = operation.get("requestBody", {}).get("content", {})
        if "application/json" in content:
            for schema in _objects(document, content["application/json"]["schema"]):
                assert schema.get("additionalProperties") is False, (path, method, schema)
                seen += 1
    assert seen >= 5  # verify, hours, rejection, attendance and its interval


def test_shared_responses_are_listed(document):
    for path, method, operation in _operations(document):
        responses = operation["responses"]
        if method in ("post", "put", "patch", "delete"):
            assert "413" in responses, (path, method)
        if "application/json" in operation.get("requestBody", {}).get("content", {}):
            assert {"400", "415", "422"} <= set(responses), (path, method)
        if path.startswith("/orgs/{org_slug}/") and "403" in responses:
            assert "does not exist answers the same 403" in responses["403"]["description"], (path, method)
    hours = document["paths"]["/me/hours"]["post"]["responses"]["422"]["description"]
    assert "idempotency_key_reused" in hours and "unknown_fields" in hours
    assert "fields" in document["components"]["schemas"]["Error"]["properties"]["error"]["properties"]


def test_the_limit_clamp_and_the_payroll_etag_are_documented(document):
    [limit] = [p for p in document["paths"]["/me/hours"]["get"]["parameters"] if p["name"] == "limit"]
    assert "A larger number counts as 500" in limit["description"]
    assert "ETag" in document["paths"]["/orgs/{org_slug}/timesheets.csv"]["get"]["responses"]["200"]["headers"]


# ---------------------------------------------------------------- titles are one line

def test_a_title_with_line_breaks_is_kept_on_one_line(client, u, staff):
    headers = {**_bearer(staff.trainee), "Idempotency-Key": "lines-1"}
    sent = {**HOURS, "title": "Diabetes\nself-management\r\n\tbasics \u2028 (part 2) "}
    first = client.post(u("lms.api.submit_hours"), json=sent, headers=headers)
    assert first.status_code == 201 and first.json["title"] == "Diabetes self-management basics (part 2)"
    again = client.post(u("lms.api.submit_hours"), json=sent, headers=headers)  # the same, resent: no 422
    assert again.status_code == 200 and again.json["id"] == first.json["id"]


def test_the_web_form_keeps_titles_on_one_line_too(client, u, login, staff):
    login(staff.trainee)
    token, key = form_token(client, u("lms.hours.submit_external"))
    response = client.post(u("lms.hours.submit_external"), data={
        "csrf_token": token, "idempotency_key": key, "title": "CPR\r\nand first aid", "activity_date": DAY,
        "hours": "1", "minutes": "0"})
    assert response.status_code == 302
    assert [e.title for e in entries_of(staff.trainee)] == ["CPR and first aid"]


def test_every_entry_source_gets_a_one_line_title(staff):
    entry = HoursEntry(user_id=staff.trainee.id, org_id=staff.org.id, source=EntrySource.SELF_PACED,
                       status=EntryStatus.PENDING, activity_date=date(2026, 3, 10), minutes=30,
                       title="Module\ncompleted", source_ref="test:one-line")
    assert ledger.append_once(entry, None)[0].title == "Module completed"
    field = field_experience.log_field(staff.trainee, field_experience.FieldExperience(
        activity_date=date(2026, 3, 10), minutes=60, description="  Home  visits\twith\tSam\nthen notes",
        supervisor_name="Sam", supervisor_title="Supervisor"), "f-1")[0]
    assert field.title == "Home visits with Sam"


def test_the_payroll_file_has_one_row_per_entry(client, u, staff):
    headers = {**_bearer(staff.trainee), "Idempotency-Key": "csv-1"}
    created = client.post(u("lms.api.submit_hours"), json={**HOURS, "title": "Line one\nLine two"}, headers=headers)
    entry = db.session.get(HoursEntry, created.json["id"])
    approvals.approve(entry, staff.manager)
    db.session.commit()
    start, end = periods.period_containing(staff.org, entry.paid_period_start)
    content, count = export.build_csv(staff.org, start, end)
    assert count == 1 and len(content.decode().strip().split("\r\n")) == 2 and "Line one Line two" in content.decode()
