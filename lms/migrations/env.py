"""Alembic environment: run with the connection handed over by ``lms.migrate``."""

from alembic import context

import lms.models  # noqa: F401  (registers every model on the metadata)
from lms.db import metadata
from lms.migrate import VERSION_TABLE
from lms.migrations_support import include_name

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    version_table=VERSION_TABLE,
    include_name=include_name,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
