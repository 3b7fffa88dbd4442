"""Hours entries of no organisation: in the person's own training records only. Nobody can approve them (an entry of
no organisation cannot be decided: :mod:`lms.hours.approvals`), so they stay pending for good; the pages call them
"Own record", as a live session's page does ("in your own training records only: no organisation approves or pays
it"), never "waiting for review"."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from lms import db
from lms.hours.models import EntryStatus, HoursEntry


def own_record_minutes(user: Any) -> int:
    """Minutes of the person's pending entries of no organisation (one query): part of the pending total of
    :func:`lms.hours.entries.user_totals` that no manager will ever review."""
    return int(db.session.execute(select(func.coalesce(func.sum(HoursEntry.minutes), 0)).where(
        HoursEntry.user_id == user.id, HoursEntry.org_id.is_(None), HoursEntry.status == EntryStatus.PENDING,
    )).scalar_one())
