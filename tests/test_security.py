"""Security baseline: headers, CSRF on every state change, friendly errors, JSON errors for the API, size limits."""

from __future__ import annotations

import io

import pytest
from flask import abort

from lms.security import access


def test_security_headers_on_pages_and_api(client, u):
    for path in (u("lms.accounts.login"), u("lms.api.openapi"), "/does-not-exist"):
        headers = client.get(path).headers
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp and "frame-ancestors 'none'" in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_no_inline_script_or_style_in_pages(client, u):
    page = client.get(u("lms.accounts.login")).text
    assert "<script" not in page and "style=" not in page and "<style" not in page


def test_post_without_csrf_token_is_refused(client, u, make_user):
    user = make_user()
    response = client.post(u("lms.accounts.login"), data={"email": user.email, "password": "x"})
    assert response.status_code == 400
    assert "Form expired" in response.text


def test_api_post_without_csrf_gets_json_error(client, u):
    response = client.post(u("lms.api.me"))
    assert response.status_code in (400, 405)
    assert "error" in response.json


def test_friendly_404_in_the_users_language(client):
    response = client.get("/no/such/page", headers={"Accept-Language": "es"})
    assert response.status_code == 404
    assert 'lang="es"' in response.text and "No encontramos esa página" in response.text


def test_api_errors_are_json(client, u):
    response = client.get(u("lms.api.me"))
    assert response.status_code == 401
    assert response.json == {"error": {"code": "unauthorized", "message": "No API token was sent and nobody is signed in. "
                                       "Send the token in the Authorization header: Bearer followed by the token."}}
    response = client.get(u("lms.api.org_members", org_slug="nope"))
    assert response.status_code == 401


def test_bad_bearer_token_is_401_json(client, u):
    response = client.get(u("lms.api.me"), headers={"Authorization": "Bearer nonsense"})
    assert response.status_code == 401 and response.json["error"]["code"] == "unauthorized"


def test_unexpected_error_gives_friendly_500_without_details(app, client):
    @access.public
    def broken():
        raise RuntimeError("secret internals")

    app.add_url_rule("/boom", endpoint="lms.boom", view_func=broken)
    response = client.get("/boom")
    assert response.status_code == 500
    assert "secret internals" not in response.text and "Something went wrong" in response.text


def test_forbidden_page(app, client):
    @access.public
    def forbidden():
        abort(403)

    app.add_url_rule("/forbidden", endpoint="lms.forbidden", view_func=forbidden)
    response = client.get("/forbidden")
    assert response.status_code == 403 and "Not allowed" in response.text


@pytest.mark.parametrize("app_config", [{"MAX_CONTENT_LENGTH": 1024}])
def test_request_too_large_is_413(client, u, make_org, login, app_config):
    response = client.post(u("lms.accounts.login"), data={"file": (io.BytesIO(b"x" * 5000), "big.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 413 and "File too large" in response.text


@pytest.mark.parametrize("path", ["/login?next=%00", "/orgs/%ff/", "/reset/%00%00", "/orgs/invitations/" + "a" * 5000,
                                  "/admin/users?q=" + "%" * 50, "/login?lang[]=x"])
def test_odd_urls_never_500(client, path):
    assert client.get(path).status_code < 500


def test_odd_form_input_never_500(client, u, make_user, login):
    login(make_user())
    for data in ({"name": "\x00" * 10, "locale": "es", "timezone": "America/Chicago"},
                 {"name": "x" * 100_000}, {"locale": ["es", "en"]}, {}):
        assert client.submit(u("lms.accounts.profile"), data).status_code < 500


@pytest.mark.parametrize("app_config", [{"SERVER_NAME": None, "LMS_BASE_URL": "https://learn.example.org"}])
def test_emailed_links_ignore_the_host_header(client, make_user, mailbox, app_config):
    make_user("victim@example.org")
    import re

    page = client.get("/reset", headers={"Host": "evil.example"}).get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    sent = client.post("/reset", data={"email": "victim@example.org", "csrf_token": token},
                       headers={"Host": "evil.example"})
    assert sent.status_code == 200
    body = mailbox[0].get_body(preferencelist=("plain",)).get_content()
    assert "https://learn.example.org/reset/" in body and "evil.example" not in body


def test_upload_limit_has_a_default(app):
    assert app.config["MAX_CONTENT_LENGTH"] == 25 * 1024 * 1024


def test_mounting_with_a_weak_secret_is_refused():
    from flask import Flask

    from lms import LMS
    from lms.config import ConfigError

    host = Flask("weak_host")
    host.config.update(SECRET_KEY="dev", SQLALCHEMY_DATABASE_URI="sqlite://")
    with pytest.raises(ConfigError):
        LMS(host, url_prefix="/training")


def test_database_down_gives_a_clear_503_and_json_for_the_api(tmp_path):
    from lms import create_app

    app = create_app({"SECRET_KEY": "k" * 8 + "0123456789abcdefghijklmnopqrstuv", "TESTING": True,
                      "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://postgres@127.0.0.1:1/nothing",
                      "LMS_RATELIMIT_ENABLED": False})
    client = app.test_client()
    import re

    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get("/login").get_data(as_text=True)).group(1)
    page = client.post("/login", data={"csrf_token": token, "email": "a@example.org", "password": "whatever pw"})
    assert page.status_code == 503 and "Temporarily unavailable" in page.get_data(as_text=True)
    assert page.headers["Retry-After"] == "30"
    api = client.get("/api/v1/me", headers={"Authorization": "Bearer lms_x"})
    assert api.status_code == 503 and api.json["error"]["code"] == "service_unavailable"


def test_a_safe_method_carrying_a_form_is_refused(client, u):
    """GET and HEAD need no CSRF token, so they may carry no form: Flask answers HEAD with the GET view, and a view
    that reads its form whenever the method is not GET (a quiz, say) would otherwise act on it without a token."""
    home = u("lms.courses.catalog")
    assert client.open(home, method="HEAD").status_code == 200
    assert client.open(home, method="HEAD", data={"answer": "a"}).status_code == 400
    assert client.open(home, method="GET", data={"answer": "a"}).status_code == 400
