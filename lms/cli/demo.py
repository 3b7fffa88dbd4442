"""``lms demo``: create or refresh the demo site data and print the accounts and where their email goes."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from lms import db
from lms.demo import ACCOUNTS, seed_demo
from lms.errors import DomainError
from lms.notify.services import describe_delivery


def _demo_password(given: str | None) -> tuple[str, str]:
    """The password from ``--password``, ``LMS_DEMO_PASSWORD``, or one generated once and kept in instance/."""
    if given:
        return given, "given"
    if os.environ.get("LMS_DEMO_PASSWORD"):
        return os.environ["LMS_DEMO_PASSWORD"], "LMS_DEMO_PASSWORD"
    path = Path(current_app.instance_path) / "demo_password"
    if path.exists():
        return path.read_text(encoding="utf-8").strip(), str(path)
    password = "-".join(secrets.token_urlsafe(4) for _ in range(3))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(password + "\n", encoding="utf-8")
    path.chmod(0o600)
    return password, "generated"


@click.command("demo")
@click.option("--password", help="Password for every demo account (default: LMS_DEMO_PASSWORD or generated).")
@with_appcontext
def demo_command(password: str | None) -> None:
    """Create the demo organisation and accounts (safe to run again)."""
    password, source = _demo_password(password)
    if len(password) < 10:
        raise click.ClickException("The demo password must have at least 10 characters.")
    try:
        org, _users = seed_demo(password, lambda what: click.echo(f"Demo data: {what}...", err=True))
    except DomainError as exc:  # e.g. an LMS_DEMO_PASSWORD too easy to guess
        raise click.ClickException(f"The demo password is refused: {exc.message}") from exc
    db.session.commit()
    click.echo(f"Demo organisation: {org.name} (slug '{org.slug}')")
    click.echo(f"Demo accounts (password: {password}  [{source}]):")
    for account in ACCOUNTS:
        click.echo(f"  {account.email:<24} {account.description}")
    click.echo(describe_delivery())
