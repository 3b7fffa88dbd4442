"""API errors speak to a program's author: a 401 carries the RFC 6750 challenge (``invalid_token`` when a bearer token
came and is not valid), a 429 says when to retry (``Retry-After``, on web pages too), the JSON messages never send
anyone "back" or to "the home page", and a JSON-only endpoint refuses another body with 415 and says how to send it,
while a cross-site form post is still refused."""

from __future__ import annotations

import pytest

from lms import db
from lms.accounts import api_tokens
from lms.errors import _describe

WEB_WORDS = ("go back", "home page", "this page", "reload")


def _no_web_words(message: str) -> None:
    assert not any(words in message.lower() for words in WEB_WORDS), message


def test_no_token_gets_a_bearer_challenge(client, u):
    response = client.get(u("lms.api.me"))
    assert response.status_code == 401 and response.headers["WWW-Authenticate"] == "Bearer"
    assert response.json["error"]["code"] == "unauthorized"
    assert "No API token was sent" in response.json["error"]["message"]
    _no_web_words(response.json["error"]["message"])


@pytest.mark.parametrize("header", ["Bearer nonsense", "Bearer lms_" + "x" * 43, "Bearer "])
def test_an_unknown_token_is_an_invalid_token(client, u, header):
    response = client.get(u("lms.api.me"), headers={"Authorization": header})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Bearer error="invalid_token"'
    assert "The API token is not valid" in response.json["error"]["message"]


def test_a_revoked_token_is_an_invalid_token_even_on_a_public_endpoint(client, u, make_user):
    user = make_user()
    token, raw = api_tokens.create_api_token(user, "script")
    db.session.commit()
    bearer = {"Authorization": f"Bearer {raw}"}
    assert client.get(u("lms.api.me"), headers=bearer).status_code == 200
    api_tokens.revoke_api_token(user, token.id)
    db.session.commit()
    for path in (u("lms.api.me"), u("lms.api.list_sessions")):  # public, but answered per caller (the openapi.json
        # document, the same for everyone, ignores it: tests/test_api_input_errors.py)
        response = client.get(path, headers=bearer)
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"] == 'Bearer error="invalid_token"'


def test_web_pages_still_send_people_to_sign_in(client, u):
    response = client.get(u("lms.accounts.profile"))
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert "WWW-Authenticate" not in response.headers


@pytest.fixture
def app_config():
    return {"LMS_VERIFY_BULK_LIMIT": "2 per minute", "LMS_VERIFY_LIMIT": "2 per minute"}


def test_an_api_429_says_when_to_retry(client, u):
    path = u("lms.api.verify_certificates")
    for _ in range(2):
        assert client.post(path, json={"codes": []}).status_code == 200
    response = client.post(path, json={"codes": []})
    assert response.status_code == 429
    assert 0 < int(response.headers["Retry-After"]) <= 60
    assert response.json["error"]["code"] == "too_many_requests"
    assert "Retry-After" in response.json["error"]["message"]
    _no_web_words(response.json["error"]["message"])


def test_a_web_429_says_when_to_retry_too(client, u):
    path = u("lms.certificates.verify_page", code="K7QM-X3HT-AAAA-BBBB-CCCC-DDDD-EEEE")
    for _ in range(2):
        assert client.get(path).status_code < 429
    response = client.get(path)
    assert response.status_code == 429 and "Too many attempts" in response.get_data(as_text=True)
    assert 0 < int(response.headers["Retry-After"]) <= 60


@pytest.mark.parametrize("status", [400, 403, 404, 405, 413, 415, 429, 500, 503])
def test_api_error_messages_have_no_web_wording(app, status):
    from werkzeug.exceptions import default_exceptions

    from lms.errors import handle_http_error

    with app.test_request_context("/api/v1/me"):
        response = handle_http_error(default_exceptions[status]())
        message = response.json["error"]["message"]
        _no_web_words(message)
        assert message != _describe(status)[1]


def test_api_csrf_message_says_what_to_send(client, u, make_user, login):
    login(make_user())
    response = client.delete(u("lms.api.session_registration", session_id=1))
    assert response.status_code == 400 and response.json["error"]["code"] == "csrf"
    assert "X-CSRFToken" in response.json["error"]["message"]
    _no_web_words(response.json["error"]["message"])


@pytest.mark.parametrize("kwargs", [
    {"data": '{"codes": []}'},  # curl -d without -H: application/x-www-form-urlencoded
    {"data": '{"codes": []}', "content_type": "application/x-www-form-urlencoded"},
    {"data": '{"codes": []}', "content_type": "text/plain"},
    {"data": {"codes": "x"}},
])
def test_a_json_only_endpoint_asks_for_json(client, u, kwargs):
    response = client.post(u("lms.api.verify_certificates"), **kwargs)
    assert response.status_code == 415
    assert response.json["error"] == {"code": "unsupported_media_type",
                                      "message": "Send the body as JSON with Content-Type: application/json."}


def test_a_cross_site_text_plain_form_is_still_refused(app, client, u, make_user, login):
    login(make_user())  # the victim is signed in; a page elsewhere posts a text/plain form at the endpoint
    token = client.csrf_token(u("lms.certificates.verify_bulk"))
    for kwargs in ({"data": 'codes=["x"]', "content_type": "text/plain"},
                   {"data": {"codes": "x", "csrf_token": token}}):  # and a same-site form post with its token too
        response = client.post(u("lms.api.verify_certificates"), headers={"Origin": "https://evil.example"}, **kwargs)
        assert response.status_code == 415
    assert client.post(u("lms.api.verify_certificates"), json={"codes": []}).status_code == 200


def test_the_openapi_document_lists_the_415(client, u):
    document = client.get(u("lms.api.openapi")).json
    assert "415" in document["paths"]["/certificates/verify"]["post"]["responses"]
