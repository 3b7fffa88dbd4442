"""Emails sent from cron exactly once each (``lms send-reminders``, ``lms notify-expiring-tokens``): every item is
claimed, sent and committed in its own transaction, so two overlapping runs never send one twice, and a refused
email is rolled back for the next run to retry."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import click
from flask import current_app

from lms import db
from lms.notify.services import MailError


def send_claimed(items: Iterable[Any], label: str, claim: Callable[[Any], Any], send: Callable[[Any], None]) -> tuple[int, int, int]:
    """For each of ``items``: ``claim(item)`` gives what to send, or None when it is no longer due (or another run
    has it); ``send`` of that emails it. Returns how many were sent, skipped and failed (the mail server refused)."""
    db.session.rollback()  # end the reading transaction: each item gets its own
    sent = skipped = failed = 0
    with current_app.test_request_context(), click.progressbar(items, label=label, file=None) as bar:
        for item in bar:
            claimed = claim(item)
            if claimed is None:
                db.session.rollback()
                skipped += 1
                continue
            try:
                send(claimed)
            except MailError:
                db.session.rollback()
                failed += 1
                continue
            db.session.commit()
            sent += 1
    return sent, skipped, failed
