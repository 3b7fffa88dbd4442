"""Shared fixtures: an app per test on a clean database (SQLite, or PostgreSQL with TEST_DATABASE_URL), a real SMTP
server on loopback, factories, query counting, and the same LMS mounted in a host app under /training."""

from __future__ import annotations

import os
import re
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from email import message_from_bytes, policy
from email.message import EmailMessage
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from flask import Flask, url_for
from flask.testing import FlaskClient
from sqlalchemy import create_engine, event, inspect, make_url, select, text

import lms.models  # noqa: F401
from lms import LMS, create_app, db
from lms.accounts import services as accounts
from lms.accounts.models import SiteRole, User
from lms.db import metadata
from lms.orgs import services as orgs
from lms.orgs.models import MemberRole, Membership
from lms.orgs.services import Employment, OrgSettings

PASSWORD = "correct horse battery"
SECRET = "test-secret-key-" + "x" * 8 + "0123456789abcdefghijklmnopqrstuv"
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


# ---------------------------------------------------------------- database

def _database_url(tmp_root: Path) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url.replace("postgresql://", "postgresql+psycopg://", 1) if url.startswith("postgresql://") else url
    return f"sqlite:///{tmp_root / 'test.sqlite3'}"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> Iterator[str]:
    """Migrate a fresh database once per run (proves the migrations), then reuse it, emptied after each test.

    On PostgreSQL each run gets its own database, so concurrent runs on one server never meet."""
    url = _database_url(tmp_path_factory.mktemp("db"))
    with _private_database(url) as url:
        _drop_lms_tables(url)
        app = create_app(_config(url, tmp_path_factory.mktemp("instance")))
        with app.app_context():
            from lms import migrate

            migrate.upgrade()
            db.session.remove()
            app.extensions["lms"].db.engine.dispose()
        yield url


@contextmanager
def _private_database(url: str, suffix: str = "run") -> Iterator[str]:
    if not url.startswith("postgresql"):
        yield url
        return
    base = make_url(url)
    name = f"{base.database}_{suffix}{os.getpid()}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _drop_lms_tables(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        names = [n for n in inspect(conn).get_table_names() if n.startswith("lms_")]
        if conn.dialect.name == "postgresql":
            if names:
                conn.execute(text("DROP TABLE IF EXISTS " + ", ".join(f'"{n}"' for n in names) + " CASCADE"))
        else:
            conn.execute(text("PRAGMA foreign_keys=OFF"))
            for name in names:
                conn.execute(text(f'DROP TABLE IF EXISTS "{name}"'))
    engine.dispose()


def _config(url: str, instance: Path, **extra: Any) -> dict[str, Any]:
    return {
        "TESTING": True,
        "SECRET_KEY": SECRET,
        "SQLALCHEMY_DATABASE_URI": url,
        "SERVER_NAME": "lms.test",
        "LMS_ARGON2_TIME_COST": 1,
        "LMS_ARGON2_MEMORY_COST": 1024,
        "LMS_MAIL_PORT": SMTP.port,
        "LMS_STORAGE_PATH": str(instance / "storage"),
        "REDIS_URL": None,  # an exported REDIS_URL must not share counters across tests; tests that need Redis say so
        **extra,
    }


def _empty_tables(app: Flask) -> None:
    engine = app.extensions["lms"].db.engine
    tables = [t.name for t in reversed(metadata.sorted_tables)]
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
        else:
            # Ledger corrections point at entries with ON DELETE RESTRICT, which SQLite checks row by row; the engine
            # is disposed right after, so the connection never goes back to use with foreign keys off.
            conn.execute(text("PRAGMA foreign_keys=OFF"))
            for table in tables:
                conn.execute(text(f'DELETE FROM "{table}"'))


# ---------------------------------------------------------------- email

class _Inbox:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
        with self.lock:
            self.messages.append(message)
        return "250 OK"


class _SMTPServer:
    def __init__(self) -> None:
        self.inbox = _Inbox()
        self.port = _free_port()
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)

    def start(self) -> None:
        self.controller.start()


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


SMTP = _SMTPServer()


@pytest.fixture(scope="session", autouse=True)
def smtp_server() -> Iterator[_SMTPServer]:
    SMTP.start()
    yield SMTP
    SMTP.controller.stop()


@pytest.fixture
def mailbox(smtp_server) -> list[EmailMessage]:
    """Messages received by the real SMTP server during this test."""
    smtp_server.inbox.messages.clear()
    return smtp_server.inbox.messages


def body_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def html_text(page: str) -> str:
    """A page's words as a reader gets them: tags dropped, entities decoded, each run of white space one space."""
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", page)))


# ---------------------------------------------------------------- apps and clients

class LMSClient(FlaskClient):
    """A test client that can find and send the CSRF token like a browser would."""

    def open(self, *args: Any, **kwargs: Any):
        """Each request gets its own app context (fresh ``g`` and database session), as in production; and, as a
        server does, the response is read to its end and closed (``buffered``), which sends what waits for it
        (:mod:`lms.notify.after_response`)."""
        kwargs.setdefault("buffered", True)
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        db.session.expire_all()  # the test's own session sees what the request committed
        return response

    def csrf_token(self, path: str | None = None) -> str:
        page = self.get(path or self.application.config["TEST_TOKEN_PAGE"])
        match = CSRF_RE.search(page.get_data(as_text=True))
        assert match, "no CSRF token on the page"
        return match.group(1)

    def submit(self, path: str, data: dict[str, Any] | None = None, **kwargs: Any):
        data = dict(data or {})
        data.setdefault("csrf_token", self.csrf_token())
        return self.post(path, data=data, **kwargs)


def _standalone(url: str, instance: Path, **extra: Any) -> Flask:
    app = create_app(_config(url, instance, **extra))
    app.config["TEST_PREFIX"] = ""
    return app


def _mounted(url: str, instance: Path, **extra: Any) -> Flask:
    """A host application with its own pages and the LMS under /training."""
    host = Flask("host_app", instance_path=str(instance))
    host.config.update(_config(url, instance, **extra))

    @host.get("/")
    def host_home():
        return "Host home page"

    @host.get("/about")
    def host_about():
        return "About the host"

    LMS(host, url_prefix="/training")
    host.config["TEST_PREFIX"] = "/training"
    return host


@pytest.fixture(params=["standalone"])
def app_mode(request) -> str:
    return request.param


@pytest.fixture
def app_config() -> dict[str, Any]:
    """Override in a test module to change configuration."""
    return {}


@pytest.fixture
def app(database_url, app_mode, app_config, tmp_path) -> Iterator[Flask]:
    factory = _mounted if app_mode == "mounted" else _standalone
    application = factory(database_url, tmp_path, **app_config)
    application.test_client_class = LMSClient
    application.config["TEST_TOKEN_PAGE"] = application.config["TEST_PREFIX"] + "/login"
    with application.app_context():
        yield application
        db.session.rollback()
        db.session.remove()
        _empty_tables(application)
        application.extensions["lms"].db.engine.dispose()


@pytest.fixture
def client(app) -> LMSClient:
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def u(app):
    """``u("lms.accounts.login")`` → the path of an endpoint (prefix included when mounted)."""

    def build(endpoint: str, **values: Any) -> str:
        with app.test_request_context():
            return url_for(endpoint, **values)

    return build


# ---------------------------------------------------------------- factories

@pytest.fixture
def make_user(app):
    counter = iter(range(1, 10_000))

    def factory(email: str | None = None, *, name: str | None = None, role: SiteRole = SiteRole.TRAINEE,
                password: str = PASSWORD, locale: str | None = None, timezone: str | None = None) -> User:
        n = next(counter)
        user = accounts.register_user(email or f"user{n}@example.org", name or f"User {n}", password,
                                      role=role, locale=locale, timezone=timezone)
        db.session.commit()
        return user

    return factory


@pytest.fixture
def make_org(app, make_user):
    def factory(slug: str = "acme", *, manager: User | None = None, **settings: Any):
        manager = manager or make_user(name=f"Manager of {slug}")
        settings.setdefault("pay_period_anchor", date(2026, 1, 5))  # the tests' chosen first day of a pay period
        org = orgs.create_org(slug, OrgSettings(name=settings.pop("name", slug.title()), **settings), manager)
        db.session.commit()
        return org

    return factory


@pytest.fixture
def manager(make_org, login):
    """The manager of Acme Clinic (made with it), signed in."""
    make_org("acme", name="Acme Clinic")
    user = db.session.execute(select(Membership)).scalar_one().user
    login(user)
    return user


@pytest.fixture
def add_member(app):
    def factory(org, user, role: MemberRole = MemberRole.MEMBER, **employment: Any):
        membership = orgs.add_member(org, user, Employment(role=role, **employment), actor=None)
        db.session.commit()
        return membership

    return factory


@pytest.fixture
def trainer(make_user):
    """Carmen Coach, a trainer (not signed in). Other trainers: ``teresa``, ``tanya``, or a file's own."""
    from lms.accounts.models import SiteRole

    return make_user("coach@example.org", name="Carmen Coach", role=SiteRole.TRAINER)


@pytest.fixture
def teresa(make_user):
    """Teresa Trainer, another trainer (tests/live_support.TRAINERS)."""
    from tests.live_support import make_trainer

    return make_trainer(make_user, "teresa")


@pytest.fixture
def tanya(make_user):
    """Tanya Tutor, another trainer (tests/live_support.TRAINERS)."""
    from tests.live_support import make_trainer

    return make_trainer(make_user, "tanya")


@pytest.fixture
def signed_in_trainer(trainer, login):
    """``trainer``, signed in on ``client``."""
    login(trainer)
    return trainer


@pytest.fixture
def module(trainer):
    """The live module of a published practice course by ``trainer`` (tests/live_support.live_course)."""
    from tests.live_support import live_course

    return live_course(trainer)[1]


@pytest.fixture
def client_as(app):
    """``client_as(user)`` → a new client signed in as ``user`` (each person their own session)."""

    def sign_in(user: User) -> FlaskClient:
        other = app.test_client()
        response = other.submit(app.config["TEST_TOKEN_PAGE"], {"email": user.email, "password": PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)[:300]
        return other

    return sign_in


@pytest.fixture
def login(client, u):
    def do(user: User, password: str = PASSWORD):
        response = client.submit(u("lms.accounts.login"), {"email": user.email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return response

    return do


@pytest.fixture
def as_(client, u, login):
    """``as_(user)``: sign ``client`` out and in again as ``user`` (one browser, people taking turns)."""

    def switch(user: User) -> None:
        client.submit(u("lms.accounts.logout"))
        login(user)

    return switch


@pytest.fixture
def locked_out(make_user, course):
    """``locked_out(name, email, **make_user options)`` → a trainee enrolled in the test module's ``course`` (built
    with tests.test_learning.build_course and a ``max_attempts``) who used every attempt at its quiz without passing."""
    from lms.enrollment import services as enrollment
    from tests.quiz_support import quiz_of, take

    def make(name: str = "Lupe Learner", email: str | None = None, **options: Any) -> User:
        user = make_user(email, name=name, **options)
        enrollment.enroll(user, course)
        take(user, course, times=quiz_of(course).max_attempts)
        return user

    return make


# ---------------------------------------------------------------- query counting

class QueryCounter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    def __call__(self, conn, cursor, statement, parameters, context, executemany):
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "PRAGMA")):
            self.statements.append(statement)

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(app):
    """``with count_queries() as q: ...; q.count``"""
    from contextlib import contextmanager

    @contextmanager
    def counting():
        counter = QueryCounter()
        engine = app.extensions["lms"].db.engine
        event.listen(engine, "before_cursor_execute", counter)
        try:
            yield counter
        finally:
            event.remove(engine, "before_cursor_execute", counter)

    return counting


@pytest.fixture
def courses(tmp_path) -> Path:
    """A private copy of tests/fixtures/courses (``listening-basics`` is published), free to edit."""
    target = tmp_path / "courses"
    shutil.copytree(Path(__file__).parent / "fixtures" / "courses", target)
    return target


@pytest.fixture
def run_import(runner):
    def run(path: Path, *options: str, ok: bool = True):
        result = runner.invoke(args=["lms", "import-courses", str(path), *options])
        db.session.expire_all()
        assert (result.exit_code == 0) is ok, result.output
        return result

    return run
