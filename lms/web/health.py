"""Health checks for a load balancer or an orchestrator (docs/deploy.md, "Load balancer checks").

``/healthz`` (liveness, ``{"status": "ok"}``) says only that this process answers: it touches nothing else, so a
database outage does not get every machine restarted. ``/readyz`` (readiness) runs ``SELECT 1`` on the database,
bounded by a short timeout, and answers 503 when it fails: a machine that cannot reach the database is taken out of
rotation, where its pages would answer 200 (the home and sign-in pages need no database) or 503.

Neither reads the session or sets a cookie (:data:`lms.web.auth.SESSIONLESS_ENDPOINTS`), is rate limited, or logs a
failed check as an error.
"""

from __future__ import annotations

import threading
from typing import Any

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

from lms.security import access

bp = Blueprint("health", __name__)

#: How long ``/readyz`` waits for the database before it answers 503.
READY_TIMEOUT_SECONDS = 2.0


@bp.get("/healthz")
@access.public
def healthz():
    return _no_store(jsonify({"status": "ok"}))


@bp.get("/readyz")
@access.public
def readyz():
    problem = _database_problem(current_app.extensions["lms"].db.engine, READY_TIMEOUT_SECONDS)
    if problem is None:
        return _no_store(jsonify({"status": "ok", "checks": {"database": "ok"}}))
    current_app.logger.info("readiness check: database %s", problem)
    response = jsonify({"status": "unavailable", "checks": {"database": problem}})
    response.status_code = 503
    return _no_store(response)


def _database_problem(engine: Any, timeout: float) -> str | None:
    """None when ``SELECT 1`` answers within ``timeout`` seconds, else ``"timeout"`` or ``"unreachable"``. The check
    runs in a thread of its own so that a database that does not answer at all (a dropped packet, not a refused
    connection) holds the probe ``timeout`` seconds, not the driver's connect timeout."""
    outcome: list[str | None] = []

    def check() -> None:
        try:
            with engine.connect() as connection:
                if connection.dialect.name == "postgresql":  # the transaction's own; ends with it
                    connection.execute(text(f"SET LOCAL statement_timeout = {int(timeout * 1000)}"))
                connection.execute(text("SELECT 1")).scalar_one()
                connection.rollback()
            outcome.append(None)
        except Exception:  # any failure means "not ready"; the probe reports it, the log does not need a traceback
            outcome.append("unreachable")

    worker = threading.Thread(target=check, name="lms-readyz", daemon=True)
    worker.start()
    worker.join(timeout)
    return outcome[0] if outcome else "timeout"


def _no_store(response: Any) -> Any:
    response.headers["Cache-Control"] = "no-store"
    return response
