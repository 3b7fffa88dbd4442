"""CHW Learn: a learning-management system for Community Health Worker and Promotor training.

Use it standalone with :func:`create_app`, or mount it in a host Flask application::

    from lms import LMS
    LMS(app, url_prefix="/training")
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask
from flask_sqlalchemy import SQLAlchemy

from lms import config as lms_config
from lms.cookie_session import CachedSerializerSessionInterface
from lms.storage import create_private_file

__all__ = ["LMS", "create_app"]
__version__ = "0.1.0"


def _outline_store() -> Any:
    from lms.catalog.outline_cache import OutlineStore

    return OutlineStore()


@dataclass
class LMSState:
    """Per-application state, kept in ``app.extensions["lms"]``."""

    db: SQLAlchemy
    url_prefix: str
    password_hasher: Any
    #: Links built once per process (:func:`lms.web.urls.link`).
    links: dict[tuple[Any, ...], str] = field(default_factory=dict)
    #: Course outlines of the current content revision (:mod:`lms.catalog.outline_cache`).
    outlines: Any = field(default_factory=_outline_store)

    def managed_org_slugs(self, user: Any) -> set[str]:
        from lms.orgs.services import managed_org_slugs

        return managed_org_slugs(user)


class LMS:
    """The Flask extension. ``db`` may be the host's Flask-SQLAlchemy instance; LMS tables use their own metadata."""

    def __init__(self, app: Flask | None = None, url_prefix: str = "", db: SQLAlchemy | None = None) -> None:
        self.url_prefix = url_prefix
        self.db = db
        if app is not None:
            self.init_app(app, url_prefix=url_prefix, db=db)

    def init_app(self, app: Flask, url_prefix: str | None = None, db: SQLAlchemy | None = None) -> None:
        if "lms" in app.extensions:
            raise RuntimeError("The LMS extension is already registered on this application.")
        from lms import db as lms_db
        from lms.accounts.passwords import make_hasher
        from lms.i18n import init_babel
        from lms.limiter import init_limiter
        from lms.listeners import connect_all
        from lms.web import register

        lms_config.apply_defaults(app)
        lms_config.check_secret_key(app.config.get("SECRET_KEY"))
        lms_config.warn_about_production_defaults(app)
        prefix = (self.url_prefix if url_prefix is None else url_prefix).rstrip("/")
        database = db or self.db or app.extensions.get("sqlalchemy")
        if database is None:
            lms_db.configure_engine_options(app)
            database = lms_db.make_db()
            database.init_app(app)
            with app.app_context():
                lms_db.ping_when_idle(database.engine, app.config["LMS_DB_PING_AFTER"])
        app.extensions["lms"] = LMSState(db=database, url_prefix=prefix, password_hasher=make_hasher(app))
        init_babel(app)
        init_limiter(app)
        connect_all()
        blueprint = Blueprint("lms", __name__, url_prefix=prefix or None)
        register(app, blueprint)
        app.register_blueprint(blueprint)


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """The standalone application: configuration from the environment, SQLite in ``instance/`` by default."""
    app = Flask(__name__, instance_path=lms_config.default_instance_path(), static_folder=None)
    app.session_interface = CachedSerializerSessionInterface()
    lms_config.load_environment(app)
    app.config.update(
        LMS_HANDLE_APP_ERRORS=True,
        LMS_SECURE_ALL_RESPONSES=True,
        SESSION_COOKIE_SAMESITE="Lax",
    )
    if test_config:
        app.config.update(test_config)
    no_database_given = not app.config.get("SQLALCHEMY_DATABASE_URI") and not app.config.get("DATABASE_URL")
    if "SQLALCHEMY_DATABASE_URI" not in app.config:  # only then: a SQLite file is created for it
        app.config["SQLALCHEMY_DATABASE_URI"] = _database_url(app)
    app.config.setdefault("LMS_BASE_URL", os.environ.get("LMS_BASE_URL") or _default_base_url(app))
    app.config.setdefault("LMS_REMEMBER_SIGN_IN", True)  # a host chooses for its own shared cookie (docs/mounting.md)
    explicit = set(test_config or ()) | ({"SESSION_COOKIE_SECURE"} if os.environ.get("SESSION_COOKIE_SECURE") else set())
    lms_config.secure_cookies_over_https(app, explicit)
    lms_config.load_secret_key(app)
    LMS(app)
    # A sign-in's cookie lasts as long as an unused sign-in does on the server, sliding with use (lms/cookie_session.py).
    app.permanent_session_lifetime = timedelta(days=app.config["LMS_SESSION_IDLE_DAYS"])
    if no_database_given:
        lms_config.warn_about_sqlite_fallback(app)
    return app


def _default_base_url(app: Flask) -> str:
    """Local development serves on http://127.0.0.1:$PORT; production sets LMS_BASE_URL (docs/deploy.md)."""
    if app.config.get("SERVER_NAME"):
        return ""
    return f"http://127.0.0.1:{os.environ.get('PORT', '5000')}"


def _database_url(app: Flask) -> str:
    url = app.config.get("DATABASE_URL") or f"sqlite:///{Path(app.instance_path) / 'lms.sqlite3'}"
    if url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgres://")
    elif url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if url.startswith("sqlite:///"):
        _create_sqlite_file(url.removeprefix("sqlite:///"))
    return url


def _create_sqlite_file(name: str) -> None:
    """The database file, created private (``0600``, its folder ``0700``) before SQLite would create it readable by
    everyone; an in-memory or URI-style database (``:memory:``, ``file:...?``) is left to SQLite."""
    if not name or name == ":memory:" or "?" in name or name.startswith("file:"):
        Path(name).parent.mkdir(parents=True, exist_ok=True)
    else:
        create_private_file(Path(name))
