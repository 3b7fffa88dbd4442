"""``lms send-reminders``: email due reminders before live sessions, exactly once each (safe to run from cron)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from lms.cli.claimed_mail import send_claimed
from lms.db import utcnow
from lms.live import reminders
from lms.live.notices import TitleBook
from lms.web.urls import external_url


@click.command("send-reminders")
@with_appcontext
def send_reminders() -> None:
    """Send the reminders that are due now (kinds from LMS_REMINDER_OFFSETS, e.g. "24h,1h").

    Run it every few minutes from cron; each reminder goes out once, even when two runs overlap.
    """
    try:
        offsets = reminders.parse_offsets(str(current_app.config["LMS_REMINDER_OFFSETS"]))
    except ValueError as exc:
        raise click.ClickException(f"LMS_REMINDER_OFFSETS: {exc}") from exc
    due = reminders.find_due(utcnow(), offsets)
    book = TitleBook()
    sent, skipped, failed = send_claimed(
        due, "Sending reminders", lambda item: item if reminders.claim(item) else None,
        lambda item: reminders.send(item, external_url("lms.sessions.detail", session_id=item.session_id), book))
    click.echo(f"Reminders sent: {sent}; already sent by another run: {skipped}; failed: {failed}")
    if failed:
        raise click.ClickException(f"{failed} reminders could not be sent (mail server); the next run retries them")
