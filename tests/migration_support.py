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


def migrate_to(revision: str | None = None, *, down: bool = False) -> None:
    """Upgrade to ``revision`` (the newest when None), or downgrade to it with ``down``; then the database is at that
    revision. The session is closed first: no transaction of the test's may hold a lock a migration waits for
    (PostgreSQL)."""
    db.session.close()
    if down:
        migrate.downgrade(revision)
    else:
        migrate.upgrade(revision or "head")
    if revision is not None:
        assert migrate.current() == revision


def drift() -> list:
    """The differences between the models and the database as migrated (none when they match)."""
    with db.session.get_bind().connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": include_name, "version_table": VERSION_TABLE})
        return compare_metadata(context, metadata)
