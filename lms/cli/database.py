"""``lms db``: schema migrations with Alembic (version table ``lms_alembic_version``)."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from lms import migrate


@click.group("db", help="Database migrations.")
def db_group() -> None:
    pass


@db_group.command("upgrade")
@click.option("--revision", default="head", show_default=True, help="Target revision.")
@with_appcontext
def upgrade(revision: str) -> None:
    """Apply migrations up to REVISION."""
    migrate.upgrade(revision)
    click.echo(f"Database at {migrate.current() or 'base'}")


@db_group.command("downgrade")
@click.option("--revision", required=True, help="Target revision, e.g. base.")
@with_appcontext
def downgrade(revision: str) -> None:
    """Revert migrations down to REVISION."""
    migrate.downgrade(revision)
    click.echo(f"Database at {migrate.current() or 'base'}")


@db_group.command("current")
@with_appcontext
def current() -> None:
    """Show the applied revision."""
    click.echo(migrate.current() or "base")


@db_group.command("revision")
@click.option("-m", "--message", required=True, help="What the migration does.")
@with_appcontext
def revision(message: str) -> None:
    """Autogenerate a migration from the models (for developers)."""
    click.echo(migrate.revision(message))
