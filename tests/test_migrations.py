"""Migrations and models agree, so `lms db upgrade` builds exactly the schema the code expects."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from lms import db
from lms.db import metadata
from lms.migrate import VERSION_TABLE
from lms.migrations_support import include_name


def test_models_match_migrations(app):
    engine = app.extensions["lms"].db.engine
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": include_name, "version_table": VERSION_TABLE}
        )
        diff = compare_metadata(context, metadata)
    assert diff == [], diff


def test_every_table_is_prefixed_and_versioned_separately(app):
    names = inspect(app.extensions["lms"].db.engine).get_table_names()
    assert VERSION_TABLE in names
    assert all(name.startswith("lms_") for name in metadata.tables)
    assert db.session is not None
