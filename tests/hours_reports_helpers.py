"""Test helpers for the hours reports: ledger entries written directly (valid constructor use, no services)."""

from __future__ import annotations

import itertools
from datetime import date

from lms import db
from lms.hours.models import EntrySource, EntryStatus, HoursEntry

_KEYS = itertools.count(1)


def add_entry(user, org, day: date, minutes: int, *, status: EntryStatus = EntryStatus.APPROVED,
              paid: date | None = None, rate: int | None = None, title: str = "Training",
              source: EntrySource = EntrySource.EXTERNAL, areas: list[str] | None = None, **extra) -> HoursEntry:
    """An entry of ``user`` in ``org``; approved ones are paid in the period starting ``paid`` (required then)."""
    approved = status is EntryStatus.APPROVED
    if approved and paid is None:
        raise ValueError("approved entries need paid=<period start>")
    entry = HoursEntry(
        user_id=user.id, org_id=org.id if org else None, source=source, status=status, activity_date=day,
        minutes=minutes, title=title, competency_areas=areas or [], idempotency_key=f"test-{next(_KEYS)}",
        rate_cents=(org.training_pay_rate_cents if rate is None else rate) if approved else None,
        paid_period_start=paid if approved else None, **extra,
    )
    db.session.add(entry)
    db.session.flush()
    return entry
