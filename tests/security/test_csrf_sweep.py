"""CSRF: every state-changing LMS route refuses a browser-session request without a valid CSRF token, as every role
that can reach it, with 400 ("Form expired", or JSON under /api/) and without changing a row. Personal API tokens
(``Authorization: Bearer``) need no CSRF token by design: a browser never sends that header across sites."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from lms import db
from lms.hours.models import HoursEntry
from tests.security.conftest import (
    STATE_CHANGING,
    can_reach,
    policy_of,
    rule_id,
    rules,
    sign_in,
    snapshot,
    unexplained_changes,
)

CSRF_ROLES = ("anonymous", "trainee", "trainer", "manager", "admin")

#: State-changing endpoints that accept a JSON body without a CSRF token, on purpose (``lms.security.json_csrf_exempt``).
JSON_WITHOUT_CSRF = {
    "lms.api.verify_certificates": "Public bulk verification for employers' scripts: it acts for nobody (no session is "
    "used) and changes nothing but the look-up log; a cross-site page cannot send application/json without a CORS "
    "preflight, which is never granted. Form posts to it still need the token.",
}


def _refused(response, url: str, endpoint: str = "") -> str | None:
    """Why ``response`` is not the expected CSRF refusal, or None. A JSON-only endpoint refuses any other body (415)."""
    if endpoint in JSON_WITHOUT_CSRF:
        error = (response.get_json(silent=True) or {}).get("error") or {}
        return None if response.status_code == 415 and error.get("code") == "unsupported_media_type" else \
            f"status {response.status_code}, JSON body {response.data[:200]!r}"
    if response.status_code != 400:
        return f"status {response.status_code}"
    if "/api/" in url:
        error = (response.get_json(silent=True) or {}).get("error") or {}
        return None if error.get("code") == "csrf" and error.get("message") else f"JSON body {response.data[:200]!r}"
    return None if "Form expired" in response.get_data(as_text=True) else "no 'Form expired' page"


@pytest.mark.parametrize("rule", rules(*STATE_CHANGING), ids=rule_id)
def test_state_change_without_a_valid_csrf_token_is_refused(module_world, rule):
    endpoint, method = rule
    scene = module_world
    url = scene.url(endpoint)
    roles = [role for role in CSRF_ROLES if can_reach(policy_of(scene.app, endpoint), role)]
    assert roles, f"no role can reach {endpoint}"
    attackers_own_token = sign_in(scene.app, None).csrf_token()  # valid, but for another browser's session
    attempts = {
        "no token": {"data": {"name": "x", "action": "disable"}},
        "forged token": {"data": {"csrf_token": "forged", "action": "disable"}},
        "another session's token": {"data": {"csrf_token": attackers_own_token}},
        "forged header": {"data": {}, "headers": {"X-CSRFToken": "forged"}},
    }
    if "/api/" in url and endpoint not in JSON_WITHOUT_CSRF:
        attempts["JSON without token"] = {"json": {"codes": ["x"], "title": "x", "minutes": 60}}
    before = snapshot(scene.app)
    problems = []
    for role in roles:
        for name, kwargs in attempts.items():
            response = scene.clients[role].open(url, method=method, **kwargs)
            why = _refused(response, url, endpoint)
            if why:
                problems.append(f"{role}, {name}: {why}")
    assert problems == [], f"{method} {url} without a valid CSRF token"
    assert unexplained_changes(before, snapshot(scene.app)) == [], f"{method} {url} changed state"


def test_json_csrf_exemptions_are_the_documented_ones(module_app):
    exempt = {e for e, view in module_app.view_functions.items() if getattr(view, "_lms_json_no_csrf", False)}
    assert exempt == set(JSON_WITHOUT_CSRF)
    for endpoint in exempt:  # acting for nobody: public, never a signed-in user's action
        assert not policy_of(module_app, endpoint).needs_user


def test_the_json_exempt_endpoint_refuses_a_form_post(module_world):
    scene = module_world
    url = scene.url("lms.api.verify_certificates")
    response = scene.clients["trainee"].post(url, data={"codes": scene.world.args["code"]})
    assert response.status_code == 415 and response.json["error"]["code"] == "unsupported_media_type"
    response = scene.clients["anonymous"].post(url, json={"codes": [scene.world.args["code"]]})
    assert response.status_code == 200 and response.json["counts"]["valid"] == 1


def _entries() -> int:
    return db.session.scalar(select(func.count(HoursEntry.id)))


def test_a_bearer_token_call_needs_no_csrf_token_but_a_cookie_session_does(module_world):
    scene = module_world
    url = scene.url("lms.api.submit_hours")
    body = {"title": "API training", "activity_date": "2026-01-05", "minutes": 30}
    bearer = {"Authorization": f"Bearer {scene.world.raw_token}"}
    count = _entries()

    browser = scene.clients["trainee"]  # Olivia's own signed-in browser, same user as the token
    response = browser.post(url, json=body, headers={"Idempotency-Key": "cookie-1"})
    assert response.status_code == 400 and response.json["error"]["code"] == "csrf"
    assert _entries() == count

    script = scene.app.test_client()  # no cookie at all
    response = script.post(url, json=body, headers={**bearer, "Idempotency-Key": "bearer-1"})
    assert response.status_code == 201, response.data
    assert _entries() == count + 1

    token = browser.csrf_token()  # the browser can still call the API, with its token in the header
    response = browser.post(url, json=body, headers={"Idempotency-Key": "cookie-2", "X-CSRFToken": token})
    assert response.status_code == 201, response.data
    assert _entries() == count + 2


def test_bearer_delete_works_without_csrf_but_the_cookie_one_does_not(module_world):
    scene = module_world
    url = scene.url("lms.api.session_registration")
    response = scene.clients["trainee"].delete(url)
    assert response.status_code == 400 and response.json["error"]["code"] == "csrf"
    assert scene.clients["trainee"].get(url.removesuffix("/registration")).json["my_registration"]["status"] == "registered"
    bearer = {"Authorization": f"Bearer {scene.world.raw_token}"}
    response = scene.app.test_client().delete(url, headers=bearer)
    assert response.status_code == 200 and response.json["my_registration"]["status"] == "cancelled"
    assert scene.app.test_client().post(url, headers=bearer).status_code == 201  # and back, for the other tests


def test_a_bearer_token_does_not_authenticate_web_forms(module_world):
    """The token is for the API only: on a web form it is ignored, so the exemption cannot reach the forms."""
    scene = module_world
    bearer = {"Authorization": f"Bearer {scene.world.raw_token}"}
    before = snapshot(scene.app)
    response = scene.app.test_client().post(scene.url("lms.hours.submit_external"), headers=bearer,
                                            data={"title": "x", "minutes": 30})
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert unexplained_changes(before, snapshot(scene.app)) == []
