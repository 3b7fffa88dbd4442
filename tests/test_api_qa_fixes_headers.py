"""Headers of the API (docs/api.md): the document's ``servers`` from ``LMS_BASE_URL``, not the ``Host`` header, and
cached to fit; an error keeps what HTTP says in headers (``Allow`` on a 405); ``Retry-After`` only with a 429 (and a
503), a 429 never cached, the X-RateLimit-* headers on every limited certificate answer and in the document;
timestamps in UTC with ``Z``."""

from __future__ import annotations

import pytest

from lms import db
from lms.catalog.models import Course
from tests.api_support import bearer
from tests.certificates_support import issued_world
from tests.test_hours_ledger import external, make_staff

RATE = ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset")


# ---------------------------------------------------------------- the document's server

def test_without_a_base_url_the_server_is_the_request_s_and_kept_apart_per_host(client, u):
    response = client.get(u("lms.api.openapi"))
    assert response.json["servers"] == [{"url": "http://lms.test/api/v1"}]
    assert response.headers["Cache-Control"] == "no-cache" and "Host" in response.vary
    again = client.get(u("lms.api.openapi"), headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


@pytest.mark.parametrize("app_config", [{"SERVER_NAME": None, "LMS_BASE_URL": ""}])
def test_a_host_header_only_names_itself(client, app_config):
    response = client.get("/api/v1/openapi.json", headers={"Host": "api.example.net"})
    assert response.json["servers"] == [{"url": "http://api.example.net/api/v1"}]
    assert "Host" in response.vary and response.headers["Cache-Control"] == "no-cache"


@pytest.mark.parametrize("app_config", [{"SERVER_NAME": None, "LMS_BASE_URL": "https://learn.example.org/"}])
def test_the_base_url_wins_over_the_host_header(client, app_config):
    response = client.get("/api/v1/openapi.json", headers={"Host": "evil.example"})
    assert response.json["servers"] == [{"url": "https://learn.example.org/api/v1"}]
    assert response.headers["Cache-Control"] == "public, max-age=300" and "Host" not in response.vary


@pytest.mark.parametrize("app_mode", ["mounted"], indirect=True)
@pytest.mark.parametrize("app_config", [{"LMS_BASE_URL": "https://clinic.example.org"}])
def test_a_mounted_lms_names_its_prefix(client, u, app_config):
    assert client.get(u("lms.api.openapi")).json["servers"] == [{"url": "https://clinic.example.org/training/api/v1"}]


def test_the_document_says_how_timestamps_and_limits_are_written(client, u):
    document = client.get(u("lms.api.openapi")).json
    description = document["info"]["description"]
    assert "UTC, written as RFC 3339 with Z" in description and "Retry-After comes with a 429" in description
    for path, method in (("/certificates/{code}", "get"), ("/certificates/{code}/credential.jwt", "get"),
                         ("/certificates/verify", "post")):
        responses = document["paths"][path][method]["responses"]
        assert set(responses["429"]["headers"]) == {*RATE, "Retry-After", "Cache-Control"}, path
        assert set(responses["200"]["headers"]) == set(RATE), path


# ---------------------------------------------------------------- errors keep their headers

def test_an_api_405_says_what_is_allowed(client, u):
    response = client.post(u("lms.api.me"))
    assert response.status_code == 405 and response.json["error"]["code"] == "method_not_allowed"
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}
    assert response.headers["Content-Type"] == "application/json"
    approve = client.get(u("lms.api.approve_hours", org_slug="acme", entry_id=1))
    assert approve.status_code == 405 and set(approve.headers["Allow"].split(", ")) == {"POST", "OPTIONS"}


def test_a_web_405_says_what_is_allowed_too(client, u):
    response = client.put(u("lms.accounts.login"))
    assert response.status_code == 405 and "text/html" in response.headers["Content-Type"]
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS", "POST"}


def test_the_api_401_keeps_its_own_challenge(client, u):
    response = client.get(u("lms.api.me"), headers={"Authorization": "Bearer nonsense"})
    assert response.headers.getlist("WWW-Authenticate") == ['Bearer error="invalid_token"']


# ---------------------------------------------------------------- rate-limit headers

@pytest.fixture
def world(make_user, make_org, add_member):
    return issued_world(make_user, make_org, add_member)


@pytest.fixture
def app_config():
    return {"LMS_VERIFY_LIMIT": "3 per minute", "LMS_VERIFY_BULK_LIMIT": "1 per minute"}


def test_successes_carry_the_limit_headers_but_no_retry_after(client, u, world):
    single = client.get(u("lms.api.certificate", code=world["code"]))
    credential = client.get(u("lms.api.certificate_credential", code=world["code"]))
    bulk = client.post(u("lms.api.verify_certificates"), json={"codes": [world["code"]]})
    for response in (single, credential, bulk):
        assert response.status_code == 200 and "Retry-After" not in response.headers
        assert all(name in response.headers for name in RATE)
    assert (single.headers["X-RateLimit-Limit"], single.headers["X-RateLimit-Remaining"]) == ("3", "2")
    assert (credential.headers["X-RateLimit-Limit"], credential.headers["X-RateLimit-Remaining"]) == ("3", "1")
    assert credential.headers["Content-Type"] == "application/jwt"
    refused = client.get(u("lms.api.certificate", code="K7QM"))  # a refusal that is not a 429 has none either
    assert refused.status_code == 400 and "Retry-After" not in refused.headers


@pytest.mark.parametrize("endpoint", ["lms.api.certificate", "lms.api.certificate_credential",
                                      "lms.certificates.verify_page"])
def test_a_429_says_when_to_retry_and_is_never_cached(client, u, world, endpoint):
    path = u(endpoint, code=world["code"])
    for _ in range(3):
        assert client.get(path).status_code == 200
    response = client.get(path)
    assert response.status_code == 429 and 0 < int(response.headers["Retry-After"]) <= 60
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-RateLimit-Remaining"] == "0"


def test_a_bulk_429_too(client, u):
    path = u("lms.api.verify_certificates")
    assert client.post(path, json={"codes": []}).status_code == 200
    response = client.post(path, json={"codes": []})
    assert response.status_code == 429 and response.headers["Cache-Control"] == "no-store"
    assert int(response.headers["Retry-After"]) > 0 and response.headers["X-RateLimit-Limit"] == "1"


# ---------------------------------------------------------------- timestamps

def test_enrolment_timestamps_end_in_z(client, u, world):
    course = db.session.get(Course, world["cert"].course_id)
    response = client.post(u("lms.api.enroll_in_course", course_slug=course.slug), headers=bearer(world["manager"]))
    assert response.status_code in (200, 201), response.json
    assert response.json["enrolled_at"].endswith("Z") and "+00:00" not in response.json["enrolled_at"]


@pytest.fixture
def staff(make_user, make_org, add_member):
    return make_staff(make_user, make_org, add_member)


def test_hours_timestamps_end_in_z(client, u, staff):
    external(staff.trainee)
    [entry] = client.get(u("lms.api.my_hours"), headers=bearer(staff.trainee)).json["entries"]
    assert entry["created_at"].endswith("Z")
