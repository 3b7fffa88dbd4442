"""Email to people whose training hours a manager rejected ("sent back"), in the person's language.

Template ``templates/lms/email/hours_rejected.txt``: each entry with what, date and time, the manager's reason and a
link to the entry's page (where a trainee can submit it again, :mod:`lms.hours.resubmissions`). One email per person
per decision, listing all of their entries rejected in it (a bulk rejection of five entries of one person sends one
email). Sent by the caller *after* its commit: a rolled-back decision told nobody, and a mail server that refuses
the message cannot undo the decision (the rejection is on the person's pages either way). The site has no per-person
notification preferences; every rejection is told, except of manager-made adjustments (the person did not submit
them) and to deactivated accounts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from flask import current_app
from sqlalchemy import select

from lms import db
from lms.accounts.models import User
from lms.hours.models import EntrySource, EntryStatus, HoursEntry
from lms.hours.resubmissions import can_resubmit
from lms.hours.titles import display_titles
from lms.i18n import format_minutes, format_when, in_language
from lms.notify.services import MailError, recipient_locale, send_email


def _by_person(entries: Iterable[HoursEntry]) -> dict[int, list[HoursEntry]]:
    grouped: dict[int, list[HoursEntry]] = {}
    for entry in entries:
        if entry.status is EntryStatus.REJECTED and entry.source is not EntrySource.ADJUSTMENT:
            grouped.setdefault(entry.user_id, []).append(entry)
    return grouped


def tell_rejected(entries: Iterable[HoursEntry], link: Callable[[HoursEntry], str]) -> list[str]:
    """Email each person whose entries among ``entries`` are rejected, one message each; ``link(entry)`` is the
    entry's page (built by the caller). Returns the addresses that could not be emailed."""
    grouped = _by_person(entries)
    if not grouped:
        return []
    people = db.session.execute(select(User).where(User.id.in_(grouped))).scalars()
    failed = []
    for person in people:
        if not person.is_active:
            continue
        try:
            _send(person, sorted(grouped[person.id], key=lambda e: (e.activity_date, e.id)), link)
        except MailError:
            failed.append(person.email)
    if failed:
        current_app.logger.warning("rejected hours: could not email %d people", len(failed))
    return failed


def _send(person: User, entries: list[HoursEntry], link: Callable[[HoursEntry], str]) -> None:
    locale = recipient_locale(person)
    titles = display_titles(entries, locale)
    with in_language(locale):
        items = [{"title": titles[e.id], "date": format_when(e.activity_date), "time": format_minutes(e.minutes),
                  "reason": e.rejection_reason or "", "link": link(e)} for e in entries]
    send_email(person.email, "hours_rejected", locale, user=person, items=items, count=len(items),
               title=items[0]["title"], resubmittable=any(can_resubmit(e) for e in entries))

