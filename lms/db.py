"""Database infrastructure: the LMS metadata, the typed model base, UTC timestamps and the session proxy."""

from __future__ import annotations

import enum
import time
from collections.abc import Callable
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from flask import Flask, current_app
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import DateTime, Enum, MetaData, event, select, text, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, scoped_session
from sqlalchemy.sql.expression import Executable
from sqlalchemy.types import TypeDecorator
from werkzeug.local import LocalProxy

from lms.search_text import sqlite_fold

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Model(DeclarativeBase):
    """Base of every LMS model; tables are named ``lms_<plural>`` by each model."""

    metadata = metadata


def prepared(build: Callable[..., Executable]) -> Callable[..., Executable]:
    r"""A statement built once per process (per distinct argument) instead of on every call: for the queries every
    page runs. Building a SQLAlchemy statement and its cache key costs about as much CPU as running a simple one;
    a prepared statement takes its values as named ``bindparam``\s at execution:
    ``db.session.execute(by_code(), {"code": code})``."""
    return lru_cache(maxsize=8)(build)


def utcnow() -> datetime:
    return datetime.now(UTC)


#: The largest value of an ``INTEGER`` id column (PostgreSQL's int4). A bigger number names no row, and a query with
#: it fails (PostgreSQL: integer out of range; SQLite: beyond 64 bits), so look-ups check with :func:`is_id` first.
MAX_ID = 2**31 - 1


def is_id(value: Any) -> bool:
    """Whether ``value`` could be the id of a row (a positive integer within :data:`MAX_ID`)."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID


class UTCDateTime(TypeDecorator):
    """A timestamp stored in UTC and always returned timezone-aware (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; LMS times must be timezone-aware")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def lock_row(instance: Model, *, key_share: bool = False, shared: bool = False, flush: bool = True) -> None:
    """Lock ``instance``'s row until the transaction ends, and reload it (what it holds may have changed while we
    waited).

    PostgreSQL: ``SELECT ... FOR UPDATE``; ``FOR NO KEY UPDATE`` with ``key_share``, so inserts that reference the
    row (their foreign-key check takes a key-share lock) need not wait for it; ``FOR SHARE`` with ``shared``, which
    holders of the shared lock take together while an exclusive one waits for them all. SQLite serialises writers:
    a no-op ``UPDATE`` of the row takes the database's write lock (Python's sqlite3 opens no transaction for a
    ``SELECT``, so reading first would decide on what another writer is about to change), shared or not.

    ``flush=False`` takes this lock before the session's pending changes are written (each of them locks its row
    when written; e.g. the sign-in session noted as seen): for a lock that must come first, so that every change
    takes its locks in the same order. ``instance`` itself must then have no pending change (the reload drops it)."""
    model = type(instance)
    table = model.__table__
    key = table.primary_key.columns[0]
    ident = getattr(instance, key.key)
    if flush:
        session.flush()  # pending changes would be lost to the reload
    with session.no_autoflush:  # (without ``flush``, they stay pending: written after the lock is taken)
        if session.get_bind().dialect.name == "postgresql":
            session.execute(
                select(model).where(key == ident).with_for_update(read=shared, key_share=key_share, of=model)
                .execution_options(populate_existing=True)
            ).scalar_one()  # fetched, or populate_existing refreshes nothing
        else:
            column = next(c for c in table.columns if not c.primary_key)
            session.execute(
                update(table).where(key == ident).values({column.name: column}).execution_options(synchronize_session=False)
            )
            session.refresh(instance)


#: Set for one transaction: its COMMIT returns before the transaction's WAL is flushed to disk.
_NO_FLUSH_WAIT = text("SET LOCAL synchronous_commit TO OFF")


def commit_without_flush_wait() -> None:
    """Let this transaction's commit return without waiting for the disk, for writes that may be lost in a database
    server crash (never an application crash): the last fraction of a second (up to three times PostgreSQL's
    ``wal_writer_delay``) of what such transactions wrote, nothing else. Consistency is kept: a lost transaction is
    lost whole, and transactions committed after it are lost too. For the public look-up log only, which commits on
    every look-up: the flush is most of the verification page's time waiting on the database. Records that matter
    (hours, certificates, audit) must never be written in such a transaction. PostgreSQL only (``SET LOCAL``, this
    transaction); SQLite's commits are left as they are."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(_NO_FLUSH_WAIT)


def enum_type(cls: type[enum.Enum], length: int = 32) -> Enum:
    """A portable enum column storing the member *values* as short strings."""
    return Enum(
        cls,
        native_enum=False,
        length=length,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


def column_now() -> datetime:
    """:func:`utcnow` for column defaults, looked up when a row is written (not bound when the model is defined), so a
    test that freezes ``lms.db.utcnow`` freezes the ``created_at`` and ``updated_at`` stamps too."""
    return utcnow()


def created_at_column() -> Mapped[datetime]:
    return mapped_column(UTCDateTime(), default=column_now, nullable=False)


def _get_db() -> SQLAlchemy:
    return current_app.extensions["lms"].db


def _get_session() -> scoped_session:
    return _get_db().session


#: The request's database session (the host's Flask-SQLAlchemy session when the LMS is mounted with one).
session: scoped_session = LocalProxy(_get_session)  # type: ignore[assignment]


def make_db() -> SQLAlchemy:
    return SQLAlchemy(metadata=metadata, disable_autonaming=True)


def configure_engine_options(app: Flask) -> None:
    """Check pooled connections before use (the app recovers by itself after a database restart): every time with
    ``LMS_DB_PING_AFTER = 0``, else after they were idle that long (:func:`ping_when_idle`); give SQLite a busy
    timeout (the WAL pragma is set on each new connection)."""
    uri = app.config.get("SQLALCHEMY_DATABASE_URI", "")
    options = app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {})
    options.setdefault("pool_pre_ping", app.config["LMS_DB_PING_AFTER"] <= 0)
    if uri.startswith("sqlite"):
        options.setdefault("connect_args", {}).setdefault("timeout", 30)
    elif uri.startswith("postgresql"):
        options.setdefault("connect_args", {}).setdefault("connect_timeout", 5)


#: The clock of :func:`ping_when_idle` (tests move it on).
clock: Callable[[], float] = time.monotonic


def ping_when_idle(engine: Engine, seconds: float) -> None:
    """Check a pooled connection before handing it out only when it has been idle for more than ``seconds``: a
    connection used a moment ago is alive, and SQLAlchemy's ``pool_pre_ping`` costs a round trip to the database on
    every checkout (one in five of the verification page's). A connection found dead (the database restarted) is
    replaced at once, as with ``pool_pre_ping``; one that died less than ``seconds`` after its last use fails its
    request (503, :func:`lms.errors.handle_database_down`), and SQLAlchemy then replaces every pooled connection
    older than the failure, so the next requests reconnect."""
    if seconds <= 0:
        return

    def fresh(_dbapi_connection: Any, record: Any) -> None:
        record.info["lms_idle_since"] = clock()

    def checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        if clock() - record.info.get("lms_idle_since", float("-inf")) <= seconds:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            if engine.dialect.is_disconnect(error, dbapi_connection, None):
                raise DisconnectionError("a pooled connection was closed by the database") from error
            raise

    event.listen(engine, "connect", fresh)
    event.listen(engine, "checkin", fresh)
    event.listen(engine, "checkout", checkout)


@event.listens_for(Engine, "savepoint")
def _sqlite_savepoint_inside_a_transaction(connection: Any, _name: Any) -> None:
    """Python's sqlite3 starts a transaction only before INSERT/UPDATE/DELETE, so a SAVEPOINT issued first (a
    ``begin_nested()`` that is the first write of a unit of work) would open the transaction itself, and releasing it
    would COMMIT: what the unit of work rolled back later would stay written. Open the transaction first. A savepoint
    is there to write, so it takes the write lock at once (IMMEDIATE), waiting on the busy timeout like any write."""
    raw = connection.connection.dbapi_connection
    if type(raw).__module__.startswith("sqlite3") and not raw.in_transaction:
        raw.execute("BEGIN IMMEDIATE")


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()
        # Accent- and case-insensitive searches (lms.search_text.folded); PostgreSQL does it with built-ins.
        dbapi_connection.create_function("lms_fold", 1, sqlite_fold, deterministic=True)
