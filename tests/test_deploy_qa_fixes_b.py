"""Production QA fixes (deploy, part B): the site keeps working with Redis down (limits in memory, then back in Redis),
who may register an organisation and the limits on sign-up, organisations and invitations, health checks for a load
balancer, Retry-After only on a 429 or our 503, and versioned static files."""

from __future__ import annotations

import logging
import re
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from lms import create_app, db
from lms.accounts import services as accounts
from lms.accounts.models import SiteRole
from lms.web import static_files
from tests.conftest import PASSWORD, SECRET, LMSClient, _empty_tables, _free_port, _standalone

# ---------------------------------------------------------------- helpers


def _app(database_url: str, path: Path, **config: Any) -> Flask:
    path.mkdir(exist_ok=True)
    app = _standalone(database_url, path, **config)
    app.test_client_class = LMSClient
    app.config["TEST_TOKEN_PAGE"] = "/login"
    return app


def _close(app: Flask) -> None:
    with app.app_context():
        db.session.remove()
        _empty_tables(app)
        app.extensions["lms"].db.engine.dispose()


def _dead_port() -> int:
    """A local port nothing listens on (connections to it are refused)."""
    return _free_port()


def _start_redis(port: int) -> subprocess.Popen:
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("redis-server is not installed")
    process = subprocess.Popen([server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process
        except OSError:
            time.sleep(0.05)
    process.kill()
    pytest.skip("redis-server did not start")


def _sign_in(client: LMSClient, email: str, password: str = PASSWORD) -> int:
    return client.submit("/login", {"email": email, "password": password}).status_code


# ---------------------------------------------------------------- 1. Redis down


@pytest.fixture
def redis_down(database_url, tmp_path) -> Iterator[tuple[Flask, int]]:
    port = _dead_port()
    app = _app(database_url, tmp_path / "redis-down", REDIS_URL=f"redis://127.0.0.1:{port}/0",
               LMS_LOGIN_LIMIT_PER_ACCOUNT="3 per 15 minutes", LMS_EMAIL_RESEND_WAIT=0)
    with app.app_context():
        accounts.register_user("rosa@example.org", "Rosa Redis", PASSWORD)
        db.session.commit()
        try:
            yield app, port
        finally:
            _close(app)


def test_with_redis_down_sign_in_verify_and_reset_work_and_limits_hold_in_memory(redis_down, caplog):
    app, _port = redis_down
    client = app.test_client()
    with caplog.at_level(logging.WARNING):
        assert _sign_in(client, "rosa@example.org") == 302
        anonymous = app.test_client()
        assert anonymous.get("/verify/ABCD-EFGH-JKLM").status_code < 500  # limited per client: was a 500
        assert anonymous.submit("/reset", {"email": "rosa@example.org"}).status_code in (200, 302)
        # The per-account limit still applies, counted in this process's memory: three failures, then refused.
        statuses = [_sign_in(app.test_client(), "rosa@example.org", "wrong password") for _ in range(4)]
    assert statuses == [401, 401, 401, 429]
    warnings = [r for r in caplog.records if "is unreachable" in r.getMessage() and r.levelno == logging.WARNING]
    assert len(warnings) == 1, [r.getMessage() for r in caplog.records]
    assert "limits are counted in this process's memory" in warnings[0].getMessage()


def test_the_limits_go_back_to_redis_once_it_answers(redis_down, caplog):
    import redis

    app, port = redis_down
    assert _sign_in(app.test_client(), "rosa@example.org", "wrong password") == 401  # Redis down: memory
    process = _start_redis(port)
    try:
        # Flask-Limiter looks at the storage again 1, 2, 4, 8… seconds after its last look (counted from start-up,
        # so how long start-up took decides which): ask until a request is counted in Redis, without a fixed sleep.
        anonymous, deadline = app.test_client(), time.monotonic() + 40
        with caplog.at_level(logging.WARNING):
            while not redis.Redis(port=port).keys("LIMITS:*") and time.monotonic() < deadline:
                anonymous.get("/verify/ABCD-EFGH-JKLM")
                time.sleep(0.2)
            assert _sign_in(app.test_client(), "rosa@example.org", "wrong password") == 401
        keys = redis.Redis(port=port).keys("LIMITS:*")
        assert any(b"account:rosa@example.org" in key for key in keys), keys
        assert any("reachable again" in r.getMessage() for r in caplog.records)
    finally:
        process.terminate()
        process.wait(10)


# ---------------------------------------------------------------- 2. who registers organisations, and limits


def _new_org(client: LMSClient, slug: str) -> Any:
    return client.submit("/orgs/new", {"slug": slug, "name": slug.title() + " Clinic", "kind": "employer",
                                       "timezone": "America/Los_Angeles", "pay_period": "biweekly",
                                       "pay_period_anchor": "2026-01-05", "pay_rate": "20.00",
                                       "ce_year_basis": "calendar", "ce_minimum_hours": "6"})


def test_by_default_anyone_confirmed_registers_an_organisation(client, make_user, login):
    login(make_user("owner@example.org"))
    assert "Register an organisation" in client.get("/").get_data(as_text=True)
    response = _new_org(client, "first")
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]


@pytest.mark.parametrize("app_config", [{"LMS_ORG_CREATION": "admins"}])
def test_admins_only_hides_the_link_and_refuses_others(client, make_user, login, as_, app_config):
    login(make_user("owner@example.org"))
    assert "Register an organisation" not in client.get("/").get_data(as_text=True)
    assert "Register an organisation" not in client.get("/orgs/").get_data(as_text=True)
    page = client.get("/orgs/new")
    assert page.status_code == 403 and "registered by a site administrator" in page.get_data(as_text=True)
    assert _new_org(client, "sneaky").status_code == 403
    as_(make_user("boss@example.org", role=SiteRole.ADMIN))
    assert "Register an organisation" in client.get("/orgs/").get_data(as_text=True)
    assert _new_org(client, "clinic").status_code == 302


@pytest.mark.parametrize("app_config", [{"LMS_ORG_CREATION_LIMIT": "2 per day"}])
def test_organisations_per_person_are_limited_in_their_language(client, make_user, login, app_config):
    login(make_user("owner@example.org", locale="es"))
    assert [_new_org(client, f"org{n}").status_code for n in range(2)] == [302, 302]
    refused = _new_org(client, "org2")
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert "<html lang=\"es\"" in refused.get_data(as_text=True)


@pytest.mark.parametrize("app_config", [{"LMS_SIGNUP_LIMIT": "2 per hour"}])
def test_sign_ups_per_client_are_limited(app, app_config):
    def sign_up(n: int) -> int:
        return app.test_client().submit("/signup", {"email": f"new{n}@example.org", "name": f"New {n}",
                                                    "password": PASSWORD, "confirm": PASSWORD, "agree": "y"}).status_code

    assert [sign_up(n) for n in range(3)] == [302, 302, 429]


def _invite(client: LMSClient, org: str, n: int) -> Any:
    return client.submit(f"/orgs/{org}/invite", {"email": f"person{n}@example.org", "name": f"Person {n}",
                                                 "employment_type": "employee", "role": "member"})


@pytest.mark.parametrize("app_config", [{"LMS_INVITATION_LIMIT_PER_ORG": "2 per day"}])
def test_invitations_per_organisation_are_limited_and_roster_imports_share_the_budget(
        client, make_user, make_org, login, mailbox, app_config):
    manager = make_user("manager@example.org")
    make_org("acme", manager=manager)
    login(manager)
    assert [_invite(client, "acme", n).status_code for n in range(2)] == [302, 302]
    refused = _invite(client, "acme", 3)
    assert refused.status_code == 429
    assert "This organisation has sent as many invitations as this site allows" in refused.get_data(as_text=True)
    roster = client.submit("/orgs/acme/roster", {"file": (BytesIO(b"email,name\nx@example.org,X\n"), "r.csv")},
                           content_type="multipart/form-data")
    assert roster.status_code == 429
    assert len(mailbox) == 2


@pytest.mark.parametrize("app_config", [{"LMS_INVITATION_LIMIT_PER_USER": "1 per hour"}])
def test_invitations_per_person_are_limited_across_organisations(client, make_user, make_org, login, add_member,
                                                                 mailbox, app_config):
    from lms.orgs.models import MemberRole

    manager = make_user("manager@example.org")
    make_org("acme", manager=manager)
    other = make_org("other")
    add_member(other, manager, MemberRole.MANAGER)
    login(manager)
    assert _invite(client, "acme", 1).status_code == 302
    refused = _invite(client, "other", 2)
    assert refused.status_code == 429 and "You have sent as many invitations" in refused.get_data(as_text=True)


@pytest.mark.parametrize("app_config", [{"LMS_ROSTER_IMPORT_LIMIT": "1 per day"}])
def test_roster_imports_are_limited(client, make_user, make_org, login, mailbox, app_config):
    manager = make_user("manager@example.org")
    make_org("acme", manager=manager)
    login(manager)

    def upload(n: int) -> int:
        data = {"file": (BytesIO(f"email,name\nr{n}@example.org,R {n}\n".encode()), "r.csv")}
        return client.submit("/orgs/acme/roster", data, content_type="multipart/form-data").status_code

    assert [upload(1), upload(2)] == [302, 429]
    assert len(mailbox) == 1


# ---------------------------------------------------------------- 3. health checks


def _no_session(response: Any) -> None:
    assert "Set-Cookie" not in response.headers and "Cookie" not in response.headers.get("Vary", "")
    assert "X-RateLimit-Limit" not in response.headers


def test_healthz_and_readyz_answer_without_a_session(client, make_user, login):
    login(make_user("someone@example.org"))  # a browser with a session cookie: still none read or set
    live = client.get("/healthz")
    assert live.status_code == 200 and live.json == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json == {"status": "ok", "checks": {"database": "ok"}}
    for response in (live, ready):
        _no_session(response)
        assert response.headers["Cache-Control"] == "no-store"


def _database_down_app(tmp_path: Path, **config: Any) -> Flask:
    return create_app({"SECRET_KEY": SECRET, "TESTING": True, "LMS_STORAGE_PATH": str(tmp_path),
                       "SQLALCHEMY_DATABASE_URI": f"postgresql+psycopg://postgres@127.0.0.1:{_dead_port()}/nothing",
                       "REDIS_URL": None, **config})


def test_with_the_database_down_readyz_says_503_and_healthz_stays_up(tmp_path, caplog):
    app = _database_down_app(tmp_path)
    client = app.test_client()
    with caplog.at_level(logging.INFO):
        assert client.get("/healthz").status_code == 200
        ready = client.get("/readyz")
    assert ready.status_code == 503 and ready.json["status"] == "unavailable"
    assert ready.json["checks"]["database"] in ("unreachable", "timeout")
    _no_session(ready)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


# ---------------------------------------------------------------- 4. Retry-After


def test_with_the_database_down_503s_say_retry_after_30_not_the_limit_window(tmp_path):
    app = _database_down_app(tmp_path)
    client = app.test_client()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get("/login").get_data(as_text=True)).group(1)
    page = client.post("/login", data={"csrf_token": token, "email": "a@example.org", "password": "whatever pw"})
    assert page.status_code == 503 and page.headers["Retry-After"] == "30"
    assert len(page.headers.getlist("Retry-After")) == 1
    verify = client.get("/verify/ABCD-EFGH-JKLM")
    assert verify.status_code == 503 and verify.headers["Retry-After"] == "30"


def test_a_failed_sign_in_carries_no_retry_after(client, make_user):
    make_user("ann@example.org")
    failed = client.submit("/login", {"email": "ann@example.org", "password": "wrong password"})
    assert failed.status_code == 401 and "X-RateLimit-Limit" in failed.headers
    assert "Retry-After" not in failed.headers


# ---------------------------------------------------------------- 5. static files


def test_pages_link_versioned_static_files_served_for_a_year(client, make_user, login):
    login(make_user("reader@example.org"))
    page = client.get("/verify").get_data(as_text=True)
    href = re.search(r'<link rel="stylesheet" href="([^"]+)">', page).group(1)
    assert re.fullmatch(r"/static/lms\.css\?v=[0-9a-f]{12}", href)
    versioned = client.get(href)
    assert versioned.status_code == 200
    assert versioned.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    _no_session(versioned)
    plain = client.get("/static/lms.css")
    assert "immutable" not in plain.headers["Cache-Control"] and "max-age=3600" in plain.headers["Cache-Control"]
    _no_session(plain)
    outdated = client.get("/static/lms.css?v=000000000000")
    assert "immutable" not in outdated.headers["Cache-Control"]


def test_the_version_changes_with_the_file_content(app, monkeypatch, tmp_path):
    folder = tmp_path / "static"
    folder.mkdir()
    (folder / "lms.css").write_text("body { color: black; }", encoding="utf-8")
    monkeypatch.setattr(static_files, "STATIC_DIR", folder)
    with app.test_request_context():
        before = static_files.static_url("lms.css")
        (folder / "lms.css").write_text("body { color: navy; }", encoding="utf-8")
        after = static_files.static_url("lms.css")
    assert before != after and before.split("?")[0] == after.split("?")[0]
    client = app.test_client()
    assert client.get(after).headers["Cache-Control"].endswith("immutable")
    assert "immutable" not in client.get(before).headers["Cache-Control"]
    assert client.get(after).get_data(as_text=True) == "body { color: navy; }"
