"""``lms notify-expiring-tokens``: email each API token's owner once, a week before the token expires (from cron)."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from lms.accounts import token_expiry
from lms.cli.claimed_mail import send_claimed
from lms.db import utcnow
from lms.web.urls import external_url


@click.command("notify-expiring-tokens")
@with_appcontext
def notify_expiring_tokens() -> None:
    """Email the owner of each API token that expires within 7 days, once per token.

    Run it every hour from cron; each warning goes out once, even when two runs overlap on two machines.
    """
    now = utcnow()
    due = token_expiry.find_due(now)
    sent, skipped, failed = send_claimed(
        due, "Warning of expiring tokens", lambda token_id: token_expiry.claim(token_id, now),
        lambda token: token_expiry.send_notice(
            token, external_url("lms.accounts.tokens", replace=token.id, _anchor="new-token")))
    click.echo(f"Expiry warnings sent: {sent}; no longer due or already sent by another run: {skipped}; failed: {failed}")
    if failed:
        raise click.ClickException(f"{failed} warnings could not be sent (mail server); the next run retries them")
