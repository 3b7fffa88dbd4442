"""``lms create-user``."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from lms import db
from lms.accounts import services
from lms.accounts.models import SiteRole
from lms.errors import DomainError


@click.command("create-user")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", type=click.Choice([r.value for r in SiteRole]), default="trainee", show_default=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@with_appcontext
def create_user(email: str, name: str, role: str, password: str) -> None:
    """Create an account."""
    try:
        user = services.register_user(email, name, password, role=SiteRole(role))
    except DomainError as exc:
        raise click.ClickException(exc.message) from exc
    db.session.commit()
    click.echo(f"Created {user.email} ({user.role.value})")
