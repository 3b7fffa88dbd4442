"""Helpers for the tests of one migration (``tests/test_migration_00NN.py``): an app on a database of its own, moved
up and down between revisions, and whether the models still match the migrations (``tests/test_migrations.py``
checks the same on the suite's database)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from flask import Flask
from sqlalchemy import inspect, text

from lms import create_app, db, migrate
from lms.db import metadata
from lms.migrate import VERSION_TABLE
from lms.migrations_support import include_name
from tests.conftest import _config, _database_url, _private_database


@contextmanager
def private_app(tmp_path: Path, suffix: str) -> Iterator[Flask]:
    """An app on an empty database of its own (on PostgreSQL a new database, named with ``suffix``), inside its app
    context; its connections are closed when the block ends."""
    with _private_database(_database_url(tmp_path), suffix=suffix) as url:
        app = create_app(_config(url, tmp_path))
        with app.app_context():
            try:
                yield app
            finally:
                db.session.remove()
                app.extensions["lms"].db.engine.dispose()


#: Columns a later migration adds to a table that today's models read on every load (revision, table, column, type).
#: A test of an older migration makes its rows with today's models and services, which name these columns; so while
#: the database is below the revision, :func:`migrate_to` gives the table the column (nullable, and unknown to the
#: migrations before it), and takes it away again before that revision's migration runs, which then adds it for real.
LATER_COLUMNS = (("0019", "lms_users", "email_confirmed_at", "TIMESTAMP WITH TIME ZONE"),)


def migrate_to(revision: str | None = None, *, down: bool = False, later_columns: bool = True) -> None:
    """Upgrade to ``revision`` (the newest when None), or downgrade to it with ``down``; then the database is at that
    revision, with :data:`LATER_COLUMNS` for the models' sake unless ``later_columns`` is false (a test of the
    migration that adds one). The session is closed first: no transaction of the test's may hold a lock a migration
    waits for (PostgreSQL)."""
    db.session.close()
    if not down:
        _later_columns(add=False, upto=revision)
    if down:
        migrate.downgrade(revision)
    else:
        migrate.upgrade(revision or "head")
    if revision is not None:
        assert migrate.current() == revision
    if later_columns:
        _later_columns(add=True)


def _later_columns(*, add: bool, upto: str | None = None) -> None:
    """Add the :data:`LATER_COLUMNS` of the revisions the database is below; or drop those whose revision an upgrade
    to ``upto`` (None: the newest) is about to run (their values, if any, go with them)."""
    current = migrate.current() or ""
    engine = db.session.get_bind()
    with engine.begin() as connection:
        for later, table, column, sql_type in LATER_COLUMNS:
            if not add and upto is not None and upto < later:
                continue  # not crossing it: the column stays, and what the test wrote in it
            there = column in {c["name"] for c in inspect(connection).get_columns(table)} if current else False
            if current and current < later and there != add:
                connection.execute(text(f"ALTER TABLE {table} ADD COLUMN {column} {sql_type}" if add
                                        else f"ALTER TABLE {table} DROP COLUMN {column}"))


def drift() -> list:
    """The differences between the models and the database as migrated (none when they match)."""
    with db.session.get_bind().connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": include_name, "version_table": VERSION_TABLE})
        return compare_metadata(context, metadata)


def query_plan(statement) -> str:
    """The database's plan for ``statement`` (a SQLAlchemy statement), as one string to look for index names in.
    PostgreSQL is told to avoid table scans, which a table of a few rows wins."""
    engine = db.session.get_bind()
    sql = str(statement.compile(engine, compile_kwargs={"literal_binds": True}))
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("SET enable_seqscan = off"))
            connection.execute(text("SET enable_bitmapscan = off"))
            return " ".join(row[0] for row in connection.execute(text(f"EXPLAIN {sql}")))
        return " ".join(row[-1] for row in connection.execute(text(f"EXPLAIN QUERY PLAN {sql}")))
