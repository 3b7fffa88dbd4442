"""A standalone site served over HTTPS (``LMS_BASE_URL`` starts with ``https://``) sends its session cookie, which
also carries a remembered sign-in, with the Secure flag, unless ``SESSION_COOKIE_SECURE`` was set explicitly."""

from __future__ import annotations

import pytest

from lms import create_app
from tests.conftest import SECRET, _config


def _app(monkeypatch, tmp_path, **config):
    monkeypatch.setenv("LMS_INSTANCE_PATH", str(tmp_path))
    return create_app({"TESTING": True, "SECRET_KEY": SECRET, "SQLALCHEMY_DATABASE_URI": "sqlite://",
                       "REDIS_URL": None, **config})


@pytest.mark.parametrize("base_url", ["https://learn.example.org", "HTTPS://learn.example.org/"])
def test_https_base_url_makes_the_cookies_secure(monkeypatch, tmp_path, base_url):
    monkeypatch.delenv("SESSION_COOKIE_SECURE", raising=False)
    app = _app(monkeypatch, tmp_path, LMS_BASE_URL=base_url)
    assert app.config["SESSION_COOKIE_SECURE"] is True and app.config["REMEMBER_COOKIE_SECURE"] is True


def test_http_base_url_leaves_them_as_they_are(monkeypatch, tmp_path):
    monkeypatch.delenv("SESSION_COOKIE_SECURE", raising=False)
    app = _app(monkeypatch, tmp_path, LMS_BASE_URL="http://127.0.0.1:5000")
    assert app.config["SESSION_COOKIE_SECURE"] is False


def test_an_explicit_setting_wins(monkeypatch, tmp_path):
    monkeypatch.delenv("SESSION_COOKIE_SECURE", raising=False)
    app = _app(monkeypatch, tmp_path, LMS_BASE_URL="https://learn.example.org", SESSION_COOKIE_SECURE=False)
    assert app.config["SESSION_COOKIE_SECURE"] is False
    monkeypatch.setenv("SESSION_COOKIE_SECURE", "false")
    assert _app(monkeypatch, tmp_path, LMS_BASE_URL="https://learn.example.org").config["SESSION_COOKIE_SECURE"] is False


def test_the_base_url_from_the_environment_counts_and_the_cookie_is_sent_secure(monkeypatch, tmp_path, database_url):
    monkeypatch.delenv("SESSION_COOKIE_SECURE", raising=False)
    monkeypatch.setenv("LMS_BASE_URL", "https://learn.example.org")
    monkeypatch.setenv("LMS_INSTANCE_PATH", str(tmp_path))
    config = _config(database_url, tmp_path)
    config.pop("SERVER_NAME")
    app = create_app(config)
    assert app.config["SESSION_COOKIE_SECURE"] is True
    client = app.test_client()
    response = client.get("/login", base_url="https://learn.example.org")
    cookies = response.headers.getlist("Set-Cookie")
    assert cookies and all("Secure" in cookie for cookie in cookies), cookies
