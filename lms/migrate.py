"""Alembic, driven from the app's engine, with the LMS's own version table and only ``lms_`` tables in view."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from flask import current_app
from sqlalchemy.engine import Connection

from lms.resources import PACKAGE_DIR

VERSION_TABLE = "lms_alembic_version"


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(PACKAGE_DIR / "migrations"))
    return config


@contextmanager
def _connected() -> Iterator[Config]:
    """A connection in one transaction for Alembic. On SQLite, foreign keys are off while migrations run (SQLite's own
    procedure for schema changes: a table copied in batch mode would otherwise fire the ON DELETE actions of the rows
    that point at it when the old copy is dropped), and checked before the transaction commits."""
    engine = current_app.extensions["lms"].db.engine
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:  # only takes effect outside a transaction
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
        try:
            with connection.begin():
                config = alembic_config()
                config.attributes["connection"] = connection
                yield config
                if sqlite:
                    _check_foreign_keys(connection)
        finally:
            if sqlite:
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                connection.commit()


def _check_foreign_keys(connection: Connection) -> None:
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        table, rowid, parent, _ = broken[0]
        raise RuntimeError(f"migration left {len(broken)} broken foreign key(s), e.g. {table} row {rowid} → {parent}")


def unknown_revision(revision: str) -> str | None:
    """Why ``revision`` names no migration of the LMS (a one-line reason), or None when it does: a revision id
    (``0018``), ``head``, ``heads``, ``base``, or a step from the current one (``-1``, ``+2``, checked when run)."""
    text = revision.strip()
    if text.lstrip("+-").isdigit() and text[:1] in "+-":
        return None
    try:
        ScriptDirectory.from_config(alembic_config()).get_revisions(text)
    except CommandError as exc:
        return f"{exc}: give a revision id such as 0018 (the files in lms/migrations/versions), head or base"
    return None


def upgrade(revision: str = "head") -> None:
    with _connected() as config:
        command.upgrade(config, revision)


def downgrade(revision: str) -> None:
    with _connected() as config:
        command.downgrade(config, revision)


def revision(message: str) -> str:
    with _connected() as config:
        script = command.revision(config, message=message, autogenerate=True)
    return getattr(script, "path", str(script))


def current() -> str | None:
    engine = current_app.extensions["lms"].db.engine
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE})
        return context.get_current_revision()
