"""After a rejection is committed: email the people whose hours were sent back (:mod:`lms.hours.rejection_notices`).
The decision stands whatever the mail server says; a manager is told which people could not be emailed."""

from __future__ import annotations

from collections.abc import Iterable

from flask import flash

from lms.hours.models import HoursEntry
from lms.hours.rejection_notices import tell_rejected
from lms.i18n import _
from lms.web.urls import external_url


def entry_link(entry: HoursEntry) -> str:
    """The person's own page of the entry, as a full URL for an email."""
    return external_url("lms.hours.entry", entry_id=entry.id)


def tell_sent_back(entries: Iterable[HoursEntry], *, show: bool = True) -> list[str]:
    """Email each person their rejected entries among ``entries`` (one message each); with ``show``, flash the
    addresses that could not be emailed. Returns them."""
    failed = tell_rejected(entries, entry_link)
    if failed and show:
        flash(_("We could not email: %(emails)s. Please tell them another way.", emails=", ".join(failed)), "error")
    return failed
