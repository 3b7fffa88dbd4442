"""``lms db``: schema migrations with Alembic (version table ``lms_alembic_version``)."""

from __future__ import annotations

import click
from alembic.util import CommandError
from flask.cli import with_appcontext

from lms import db, migrate


@click.group("db", help="Database migrations.")
def db_group() -> None:
    pass


@db_group.command("upgrade")
@click.option("--revision", default="head", show_default=True, help="Target revision.")
@with_appcontext
def upgrade(revision: str) -> None:
    """Apply migrations up to REVISION. At head, also create the credential-signing key if there is none yet (as
    ``lms keys generate`` does), so no visitor's request has to."""
    _check_revision(revision)
    try:
        migrate.upgrade(revision)
    except CommandError as exc:
        raise click.ClickException(f"Cannot upgrade to {revision}: {exc}") from exc
    click.echo(f"Database at {migrate.current() or 'base'}")
    if revision == "head":
        _ensure_signing_key()


def _ensure_signing_key() -> None:
    from lms.certificates import keys

    if keys.current_key() is not None:
        return
    try:
        key = keys.generate_key()
        db.session.commit()
    except OSError as exc:  # the storage folder is not writable from here: the first request will make the key
        db.session.rollback()
        click.echo(f"Warning: could not create the signing key ({exc}); run 'lms keys generate' where "
                   "LMS_STORAGE_PATH is writable.", err=True)
        return
    click.echo(f"Created the credential-signing key {key.kid}")


@db_group.command("downgrade")
@click.option("--revision", required=True, help="Target revision: a revision id, or base (no LMS tables at all).")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def downgrade(revision: str, yes: bool) -> None:
    """Revert migrations down to REVISION. This DELETES DATA: the tables and columns those migrations added are
    dropped with their contents, and '--revision base' drops every LMS table. Back up the database first. Asks for
    confirmation unless --yes is given."""
    _check_revision(revision)
    at = migrate.current() or "base"
    if not yes:
        click.confirm(f"Revert the database from {at} down to {revision}, deleting the data of the reverted "
                      "migrations?", abort=True)
    try:
        migrate.downgrade(revision)
    except CommandError as exc:
        raise click.ClickException(f"Cannot downgrade to {revision}: {exc}") from exc
    click.echo(f"Database at {migrate.current() or 'base'}")


def _check_revision(revision: str) -> None:
    """A revision that names no migration: a one-line reason, before anything is asked or changed."""
    if problem := migrate.unknown_revision(revision):
        raise click.ClickException(problem)


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
