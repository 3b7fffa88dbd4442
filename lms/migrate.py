"""Alembic, driven from the app's engine, with the LMS's own version table and only ``lms_`` tables in view."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from flask import current_app

from lms.resources import PACKAGE_DIR

VERSION_TABLE = "lms_alembic_version"


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(PACKAGE_DIR / "migrations"))
    return config


@contextmanager
def _connected() -> Iterator[Config]:
    engine = current_app.extensions["lms"].db.engine
    with engine.begin() as connection:
        config = alembic_config()
        config.attributes["connection"] = connection
        yield config


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
