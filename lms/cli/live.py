"""``lms send-reminders``: email due reminders before live sessions, exactly once each (safe to run from cron)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from lms import db
from lms.db import utcnow
from lms.live import reminders
from lms.live.notices import TitleBook
from lms.notify.services import MailError
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
    db.session.rollback()  # end the reading transaction; each reminder gets its own
    sent = skipped = failed = 0
    book = TitleBook()
    with current_app.test_request_context(), click.progressbar(due, label="Sending reminders", file=None) as bar:
        for item in bar:
            if not reminders.claim(item):
                db.session.rollback()
                skipped += 1
                continue
            try:
                reminders.send(item, external_url("lms.sessions.detail", session_id=item.session_id), book)
            except MailError:
                db.session.rollback()
                failed += 1
                continue
            db.session.commit()
            sent += 1
    click.echo(f"Reminders sent: {sent}; already sent by another run: {skipped}; failed: {failed}")
    if failed:
        raise click.ClickException(f"{failed} reminders could not be sent (mail server); the next run retries them")
