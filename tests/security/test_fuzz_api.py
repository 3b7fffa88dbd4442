"""Fuzzing the JSON API from its own OpenAPI document with schemathesis: every operation, as an anonymous client and
with a manager's personal API token, with data that fits the document and data that does not. No answer is a 500,
every status code is documented, and every JSON body matches the documented schema.

Requests go to the WSGI app through the test client (each in its own app context, as in production), so no server
runs. Path parameters are sometimes random and sometimes the ids of things that exist, so the fuzzing reaches past
"not found".
"""

from __future__ import annotations

import os
import re
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.security._injection import seed

#: Examples per operation; raise it for a deeper local run, e.g. LMS_FUZZ_EXAMPLES=500.
EXAMPLES = int(os.environ.get("LMS_FUZZ_EXAMPLES", "20"))
JWS = re.compile(r"[\w-]+\.[\w-]+\.[\w-]+")
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance]


@pytest.fixture
def app_config():
    return {"LMS_RATELIMIT_ENABLED": False}


@pytest.fixture
def world(app, make_user, make_org, add_member):
    return seed(make_user, make_org, add_member)


@pytest.fixture
def schema(app, client, world):
    """The document as the app serves it; with ``app`` set, cases serialise for a WSGI client (werkzeug)."""
    document = client.get("/api/v1/openapi.json").get_json()
    loaded = schemathesis.openapi.from_dict(document)
    loaded.app = app
    return loaded


def known_parameters(world: dict[str, Any]) -> dict[str, Any]:
    return {"org_slug": "acme", "course_slug": "sample", "session_id": world["session_id"],
            "user_id": world["users"]["trainee"].id, "entry_id": world["entry_ids"][0], "code": world["code"]}


def operations(schema) -> list[Any]:
    found = []
    for result in schema.get_all_operations():
        found.append(result.ok())
    return found


def fuzz(client, operation, headers: dict[str, str], known: dict[str, Any]) -> None:
    """``EXAMPLES`` cases of the operation (valid and invalid data; random or real path parameters), each sent
    through the test client and checked against the document."""
    names = {p.name for p in operation.path_parameters}
    real = {name: value for name, value in known.items() if name in names}
    strategies = [operation.as_strategy(mode) for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)]
    if real:
        strategies.append(operation.as_strategy(GenerationMode.POSITIVE, path_parameters=real))
        strategies.append(operation.as_strategy(GenerationMode.NEGATIVE, path_parameters=real))

    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large])
    @given(st.one_of(strategies))
    def call(case):
        kwargs = case.as_transport_kwargs(headers=headers)
        kwargs.pop("base_url", None)
        response = client.open(**kwargs)
        checks = CHECKS
        if response.mimetype == "application/jwt":
            # schemathesis reads application/jwt as JSON; a compact JWS (RFC 7519) is three base64url parts.
            assert JWS.fullmatch(response.get_data(as_text=True)), response.get_data(as_text=True)[:200]
            checks = [check for check in CHECKS if check is not response_schema_conformance]
        case.validate_response(response, checks=checks, headers=headers)

    call()


def _run_all(client, schema, headers: dict[str, str], world: dict[str, Any]) -> None:
    failures = []
    for operation in operations(schema):
        try:
            fuzz(client, operation, headers, known_parameters(world))
        except (Exception, BaseExceptionGroup) as exc:  # collect every operation's problem, not just the first
            failures.append(f"{operation.label}:\n{exc}")
    assert not failures, "\n\n".join(failures)


def test_the_api_matches_its_document_for_anonymous_clients(client, schema, world):
    _run_all(client, schema, {}, world)


@pytest.mark.parametrize("role", ["manager", "trainer"])
def test_the_api_matches_its_document_with_a_personal_token(client, schema, world, role):
    """The manager of ``acme`` reaches its hours and timesheets; the trainer runs the live session (attendance)."""
    from lms import db
    from lms.accounts.api_tokens import create_api_token

    raw = world["api_token"]
    if role != "manager":
        _token, raw = create_api_token(world["users"][role], "fuzz")
        db.session.commit()
    _run_all(client, schema, {"Authorization": f"Bearer {raw}"}, world)


@pytest.mark.parametrize("body", [
    '{"codes": ["\\u0000"]}',
    '{"codes": ["A"], "\\u0000": 1}',
    "[" * 5000 + "]" * 5000,
    '{"codes": ' + "[" * 5000 + "]" * 5000 + "}",
], ids=["nul-value", "nul-key", "deep", "deep-inside"])
def test_json_bodies_with_nul_or_absurd_nesting_are_refused(client, world, body):
    """PostgreSQL refuses NUL in text, and Python's parser gives up on deep nesting: both are a 400, never a 500."""
    token = {"Authorization": f"Bearer {world['api_token']}", "Idempotency-Key": "k"}
    for method, path, headers in (("POST", "/api/v1/certificates/verify", {}), ("POST", "/api/v1/me/hours", token)):
        response = client.open(path, method=method, data=body, content_type="application/json", headers=headers)
        assert response.status_code == 400 and response.is_json, (path, response.status_code)
    hours = {"title": "Work\x00shop", "activity_date": "2026-01-05", "minutes": 30}
    assert client.post("/api/v1/me/hours", json=hours, headers=token).status_code == 400


@pytest.mark.parametrize("moment", ["9999-12-31T23:59:00-12:00", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59",
                                    "0001-01-01T00:00"])
def test_times_beyond_what_a_time_zone_conversion_holds_are_refused(client, world, moment):
    """An interval at the edge of the calendar cannot be converted to UTC: a 400 with the usual message."""
    from lms import db
    from lms.accounts.api_tokens import create_api_token

    _token, raw = create_api_token(world["users"]["trainer"], "edges")
    db.session.commit()
    path = f"/api/v1/sessions/{world['session_id']}/attendance/{world['users']['trainee'].id}"
    response = client.put(path, json={"interval": {"joined_at": moment}}, headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 400 and response.json["error"]["code"]
