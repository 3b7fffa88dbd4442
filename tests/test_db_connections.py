"""Pooled database connections: checked before use only after they were idle (``LMS_DB_PING_AFTER``), replaced when
the database closed them, and the public look-up log committed without waiting for the disk on PostgreSQL."""

from __future__ import annotations

import os

import psycopg
import pytest
from sqlalchemy import text

from lms import db as lms_db
from lms.certificates.verification import verify_codes

ON_POSTGRES = os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql")
UNKNOWN_CODE = "ABCD" * 7  # shaped like a code, issued to no one: looked up and logged, 404


@pytest.fixture
def engine(app):
    """The app's engine with an empty pool (no connection of an earlier step is reused)."""
    lms_db.session.remove()
    engine = app.extensions["lms"].db.engine
    engine.dispose()
    return engine


@pytest.fixture
def clock(monkeypatch):
    """The pool's idle clock, moved on by hand."""
    now = [1000.0]
    monkeypatch.setattr(lms_db, "clock", lambda: now[0])
    return now


@pytest.fixture
def pings(engine, monkeypatch):
    seen = []
    real = engine.dialect.do_ping

    def counted(dbapi_connection):
        seen.append(dbapi_connection)
        return real(dbapi_connection)

    monkeypatch.setattr(engine.dialect, "do_ping", counted)
    return seen


def _use(engine) -> int | None:
    """Check a connection out, run a statement, give it back; its server process id on PostgreSQL."""
    with engine.connect() as connection:
        if ON_POSTGRES:
            return connection.execute(text("SELECT pg_backend_pid()")).scalar_one()
        connection.execute(text("SELECT 1"))
        return None


def test_a_connection_used_a_moment_ago_is_not_checked_again(app, engine, clock, pings):
    assert app.config["LMS_DB_PING_AFTER"] == 1 and not engine.pool._pre_ping
    _use(engine)  # a new connection: alive, not checked
    clock[0] += 1
    _use(engine)
    assert pings == []
    clock[0] += 1.5  # idle longer than LMS_DB_PING_AFTER since it was given back
    _use(engine)
    assert len(pings) == 1
    _use(engine)
    assert len(pings) == 1


@pytest.mark.parametrize("app_config", [{"LMS_DB_PING_AFTER": 0}])
def test_zero_checks_every_connection_before_use(app, engine):
    assert engine.pool._pre_ping


def _close_from_the_server(pid: int) -> None:
    url = os.environ["TEST_DATABASE_URL"].replace("postgresql+psycopg://", "postgresql://", 1)
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        admin.execute("SELECT pg_sleep(0.05)")  # the server ends it asynchronously


@pytest.mark.skipif(not ON_POSTGRES, reason="PostgreSQL only")
def test_an_idle_connection_closed_by_the_database_is_replaced_unseen(app, engine, clock, pings, client, u):
    pid = _use(engine)
    _close_from_the_server(pid)
    clock[0] += 2
    page = client.get(u("lms.certificates.verify_page", code=UNKNOWN_CODE))
    assert page.status_code == 404  # looked up on a new connection: no certificate has this code
    assert len(pings) == 1 and _use(engine) != pid


@pytest.mark.skipif(not ON_POSTGRES, reason="PostgreSQL only")
def test_a_busy_connection_closed_by_the_database_fails_one_request_then_recovers(app, engine, clock, client, u):
    pid = _use(engine)
    _close_from_the_server(pid)
    path = u("lms.certificates.verify_page", code=UNKNOWN_CODE)
    failed = client.get(path)
    assert failed.status_code == 503 and "Temporarily unavailable" in failed.get_data(as_text=True)
    assert client.get(path).status_code == 404  # the pool was renewed: no restart, no wait
    assert _use(engine) != pid


@pytest.mark.skipif(not ON_POSTGRES, reason="PostgreSQL only")
def test_the_look_up_log_commits_without_waiting_for_the_disk_and_nothing_else_does(app):
    def setting() -> str:
        return lms_db.session.execute(text("SHOW synchronous_commit")).scalar_one()

    lms_db.session.commit()
    assert setting() == "on"
    [verdict] = verify_codes([UNKNOWN_CODE], "127.0.0.1", "secret")
    assert verdict.status == "not_found"
    assert setting() == "off"  # this transaction only
    lms_db.session.commit()
    assert setting() == "on"
    logged = lms_db.session.execute(text("SELECT count(*) FROM lms_verification_log WHERE result = 'not_found'"))
    assert logged.scalar_one() == 1


def test_the_look_up_log_is_written_on_any_database(client, u):
    assert client.get(u("lms.certificates.verify_page", code=UNKNOWN_CODE)).status_code == 404
    logged = lms_db.session.execute(text("SELECT count(*) FROM lms_verification_log")).scalar_one()
    assert logged == 1
