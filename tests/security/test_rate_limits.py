"""Rate limits on sign-in, password reset, check-in codes and certificate verification hold ACROSS WORKERS: two app
instances (two "workers") with Redis storage share one budget, so hits on worker A count on worker B.

Each app has its own Flask-Limiter instance (``lms.limiter``), so these tests show the sharing really goes through
Redis: the counters are keys in Redis, flushing Redis resets the budget, and two apps without Redis do not share.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from limits.storage import MemoryStorage, RedisStorage

from lms import db
from lms.accounts import services as accounts
from lms.limiter import limiter_for
from tests.conftest import PASSWORD, LMSClient, _empty_tables, _standalone
from tests.security.conftest import sign_in

REDIS_URL = "redis://127.0.0.1:6379/15"
LIMITS = {
    "LMS_LOGIN_LIMIT_PER_ACCOUNT": "5 per 15 minutes",
    "LMS_LOGIN_LIMIT_PER_CLIENT": "50 per 15 minutes",
    "LMS_RESET_LIMIT_PER_CLIENT": "5 per 15 minutes",
    "LMS_RESET_LIMIT_PER_ACCOUNT": "7 per hour",
    "LMS_CHECKIN_LIMIT": "5 per 10 minutes",
    "LMS_CHECKIN_LIMIT_PER_CLIENT": "50 per 10 minutes",
    "LMS_VERIFY_LIMIT": "5 per minute",
    "LMS_VERIFY_BULK_LIMIT": "3 per minute",
}


def _redis() -> Any:
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5, socket_timeout=2)
    try:
        client.ping()
    except (redis.exceptions.RedisError, OSError):
        pytest.skip(f"Redis is not reachable at {REDIS_URL}")
    return client


def _worker(database_url: str, path: Path, **config: Any) -> Flask:
    """One "worker": an app of its own (its own Limiter) on the shared database."""
    path.mkdir(exist_ok=True)
    app = _standalone(database_url, path, **{**LIMITS, **config})
    app.test_client_class = LMSClient
    app.config["TEST_TOKEN_PAGE"] = "/login"
    return app


def _dispose(app: Flask) -> None:
    with app.app_context():
        app.extensions["lms"].db.engine.dispose()


@dataclass
class Workers:
    a: Flask
    b: Flask
    redis: Any
    user: Any
    prefix: str = ""


@contextmanager
def _two_workers(database_url: str, tmp_path: Path, **config: Any) -> Iterator[Workers]:
    a = _worker(database_url, tmp_path / "a", **config)
    b = _worker(database_url, tmp_path / "b", **config)
    with a.app_context():
        user = accounts.register_user("wanda.worker@example.org", "Wanda Worker", PASSWORD)
        db.session.commit()
        try:
            yield Workers(a, b, None, user)
        finally:
            db.session.remove()
            _empty_tables(a)
    for app in (a, b):
        _dispose(app)


@pytest.fixture
def workers(database_url, tmp_path) -> Iterator[Workers]:
    """Two workers on Redis db 15. Their counters carry a key prefix of their own, and the fixture empties exactly
    those keys before and after: another test run using the same Redis at the same time is not disturbed."""
    redis = _redis()
    prefix = f"lms-test-{uuid.uuid4().hex[:12]}"
    _flush(redis, prefix)
    try:
        # No wait between two reset emails to one account (LMS_EMAIL_RESEND_WAIT): each request the limits let
        # through sends, so the mailbox counts them.
        with _two_workers(database_url, tmp_path, REDIS_URL=REDIS_URL, RATELIMIT_KEY_PREFIX=prefix,
                          LMS_EMAIL_RESEND_WAIT=0) as pair:
            pair.redis, pair.prefix = redis, prefix
            yield pair
    finally:
        _flush(redis, prefix)
        redis.close()


def _keys(redis: Any, prefix: str) -> list[str]:
    return [key.decode() for key in redis.scan_iter(match=f"LIMITS:LIMITER/{prefix}/*")]


def _flush(redis: Any, prefix: str) -> None:
    """Empty this test's part of the Redis database."""
    for key in _keys(redis, prefix):
        redis.delete(key)


def _login(client: LMSClient, email: str, password: str = "wrong password") -> int:
    return client.submit("/login", {"email": email, "password": password}).status_code


# ---------------------------------------------------------------- each app has its own limiter

def test_each_worker_counts_in_redis_whatever_else_runs_in_the_process(workers, database_url, tmp_path):
    a, b = limiter_for(workers.a), limiter_for(workers.b)
    assert a is not b
    assert isinstance(a.storage, RedisStorage) and isinstance(b.storage, RedisStorage)
    # Another app in the same process, without Redis and with limits off, changes nothing for A and B (a single
    # module-global Limiter took the storage and the on/off switch of the last app initialised).
    in_memory = _worker(database_url, tmp_path / "c", REDIS_URL=None)
    switched_off = _worker(database_url, tmp_path / "d", LMS_RATELIMIT_ENABLED=False)
    assert isinstance(limiter_for(in_memory).storage, MemoryStorage) and not limiter_for(switched_off).enabled
    assert isinstance(limiter_for(workers.a).storage, RedisStorage) and limiter_for(workers.a).enabled
    for app in (in_memory, switched_off):
        _dispose(app)
    for _ in range(5):
        assert _login(workers.a.test_client(), workers.user.email) == 401
    assert _login(workers.a.test_client(), workers.user.email) == 429


# ---------------------------------------------------------------- sign-in

def test_failed_sign_ins_on_two_workers_share_one_budget(workers):
    email = workers.user.email
    assert [_login(workers.a.test_client(), email) for _ in range(3)] == [401] * 3
    assert [_login(workers.b.test_client(), email) for _ in range(2)] == [401] * 2
    response = workers.b.test_client().submit("/login", {"email": email, "password": PASSWORD})
    assert response.status_code == 429, "the 6th attempt (on B) is over the limit of 5, even with the right password"
    assert "Too many attempts" in response.get_data(as_text=True)
    assert _login(workers.a.test_client(), email, PASSWORD) == 429

    keys = _keys(workers.redis, workers.prefix)
    assert any("account:wanda.worker@example.org" in key for key in keys), keys
    _flush(workers.redis, workers.prefix)  # the budget lives in Redis, not in either process
    assert _login(workers.b.test_client(), email, PASSWORD) == 302


def test_without_redis_two_workers_do_not_share(database_url, tmp_path):
    """The control: with in-memory counters each worker has its own budget (so the test above proves Redis)."""
    with _two_workers(database_url, tmp_path, REDIS_URL=None) as pair:  # None even if the environment sets one
        assert isinstance(limiter_for(pair.a).storage, MemoryStorage)
        assert [_login(pair.a.test_client(), pair.user.email) for _ in range(6)] == [401] * 5 + [429]
        assert _login(pair.b.test_client(), pair.user.email) == 401


# ---------------------------------------------------------------- password reset

def test_password_reset_requests_on_two_workers_share_one_budget(workers, mailbox):
    def ask(app: Flask) -> int:
        return app.test_client().submit("/reset", {"email": workers.user.email}).status_code

    assert [ask(workers.a) for _ in range(3)] + [ask(workers.b) for _ in range(2)] == [200] * 5
    assert ask(workers.b) == 429
    assert ask(workers.a) == 429
    assert len(mailbox) == 5


def test_password_resets_for_one_account_are_limited_whatever_the_client(workers, mailbox):
    def ask(app: Flask, address: str) -> int:
        return app.test_client().submit("/reset", {"email": workers.user.email},
                                        environ_base={"REMOTE_ADDR": address}).status_code

    assert [ask(workers.a if n % 2 else workers.b, f"10.0.0.{n}") for n in range(7)] == [200] * 7
    assert ask(workers.a, "10.0.1.1") == 429 and ask(workers.b, "10.0.1.2") == 429
    assert len(mailbox) == 7
    other = workers.a.test_client().submit("/reset", {"email": "someone.else@example.org"},
                                           environ_base={"REMOTE_ADDR": "10.0.2.1"})
    assert other.status_code == 200  # another address still has its own budget


# ---------------------------------------------------------------- check-in codes

def test_wrong_check_in_codes_on_two_workers_share_one_budget(workers):
    on_a, on_b = sign_in(workers.a, workers.user), sign_in(workers.b, workers.user)

    def check_in(client: LMSClient) -> int:
        return client.submit("/sessions/check-in", {"code": "WRONG1"}).status_code

    assert [check_in(on_a) for _ in range(3)] + [check_in(on_b) for _ in range(2)] == [400] * 5
    assert check_in(on_b) == 429
    assert check_in(on_a) == 429


# ---------------------------------------------------------------- certificate verification

def test_certificate_look_ups_on_two_workers_share_one_budget(workers):
    """The page, the JSON and the credential share one budget per client, on every worker."""
    code = "K7QM-X3HT-AAAA-BBBB-CCCC-DDDD-EEEE"
    a, b = workers.a.test_client(), workers.b.test_client()
    statuses = [a.get(f"/verify/{code}").status_code for _ in range(3)]
    statuses += [b.get(f"/api/v1/certificates/{code}").status_code for _ in range(2)]
    assert 429 not in statuses
    assert b.get(f"/verify/{code}").status_code == 429
    assert a.get(f"/api/v1/certificates/{code}/credential.jwt").status_code == 429


def test_bulk_verification_on_two_workers_shares_one_budget(workers):
    a, b = workers.a.test_client(), workers.b.test_client()
    body = {"codes": ["K7QM-X3HT-AAAA-BBBB-CCCC-DDDD-EEEE"]}
    statuses = [a.post("/api/v1/certificates/verify", json=body).status_code for _ in range(2)]
    statuses.append(b.submit("/verify/bulk", {"codes": body["codes"][0]}).status_code)
    assert statuses == [200, 200, 200]
    assert b.post("/api/v1/certificates/verify", json=body).status_code == 429
    assert a.submit("/verify/bulk", {"codes": body["codes"][0]}).status_code == 429
