"""``lms notify-expiring-tokens``: email each API token's owner once, a week before the token expires (from cron)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from lms import db
from lms.accounts import token_expiry
from lms.db import utcnow
from lms.notify.services import MailError
from lms.web.urls import external_url


@click.command("notify-expiring-tokens")
@with_appcontext
def notify_expiring_tokens() -> None:
    """Email the owner of each API token that expires within 7 days, once per token.

    Run it every hour from cron; each warning goes out once, even when two runs overlap on two machines.
    """
    now = utcnow()
    due = token_expiry.find_due(now)
    db.session.rollback()  # end the reading transaction; each token gets its own
    sent = skipped = failed = 0
    with current_app.test_request_context(), click.progressbar(due, label="Warning of expiring tokens", file=None) as bar:
        for token_id in bar:
            token = token_expiry.claim(token_id, now)
            if token is None:
                db.session.rollback()
                skipped += 1
                continue
            try:
                token_expiry.send_notice(token, external_url("lms.accounts.tokens", replace=token.id, _anchor="new-token"))
            except MailError:
                db.session.rollback()
                failed += 1
                continue
            db.session.commit()
            sent += 1
    click.echo(f"Expiry warnings sent: {sent}; no longer due or already sent by another run: {skipped}; failed: {failed}")
    if failed:
        raise click.ClickException(f"{failed} warnings could not be sent (mail server); the next run retries them")
