"""Pending entries an organisation cannot approve because they are dated outside the person's employment there
(:func:`lms.hours.approvals.check_employed`): the queue and the entry's page mark them (and offer no approving
them), and the end-of-employment confirmation lists
those dated after the chosen last day, so the manager sends them back instead."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import date

from sqlalchemy import select

from lms import db
from lms.hours.models import EntryStatus, HoursEntry
from lms.orgs import history
from lms.orgs.models import Membership


class Outside(enum.Enum):
    AFTER_END = "after_end"  # after the last day of their last period
    OUTSIDE = "outside"  # before they started, or between two periods


def outside_employment(org_id: int, entries: Iterable[HoursEntry]) -> dict[int, Outside]:
    """Of ``entries`` (of organisation ``org_id``), the pending ones (not corrections, which follow the entry they
    correct) dated on a day the organisation did not employ the person, by id. Two queries whatever the number."""
    pending = [e for e in entries if e.status is EntryStatus.PENDING and e.corrects_id is None and e.org_id == org_id]
    if not pending:
        return {}
    memberships = {m.user_id: m for m in db.session.execute(
        select(Membership).where(Membership.org_id == org_id,
                                 Membership.user_id.in_(sorted({e.user_id for e in pending})))).scalars()}
    past = history.past_stints(m.id for m in memberships.values())
    found: dict[int, Outside] = {}
    for entry in pending:
        membership = memberships.get(entry.user_id)
        periods = [*past.get(membership.id, []), history.current_stint(membership)] if membership else []
        if any(period.holds(entry.activity_date) for period in periods):
            continue
        last = periods[-1].end if periods else None
        found[entry.id] = Outside.AFTER_END if last is not None and entry.activity_date > last else Outside.OUTSIDE
    return found


def pending_after(membership: Membership, last_day: date) -> list[HoursEntry]:
    """The pending entries of ``membership``'s person for its organisation dated after ``last_day`` (they will not be
    approvable once the end is recorded), oldest first. Corrections are left out (they follow their entry)."""
    return list(db.session.execute(
        select(HoursEntry).where(HoursEntry.org_id == membership.org_id, HoursEntry.user_id == membership.user_id,
                                 HoursEntry.status == EntryStatus.PENDING, HoursEntry.corrects_id.is_(None),
                                 HoursEntry.activity_date > last_day)
        .order_by(HoursEntry.activity_date, HoursEntry.id)).scalars())


def leave_out_outside(org_id: int, entry_ids: list[int]) -> list[int]:
    """``entry_ids`` (in their order) without the pending entries of ``org_id`` dated outside the person's employment
    (:func:`outside_employment`): what "Approve all N listed" approves, as the queue counts it."""
    if not entry_ids:
        return []
    found = db.session.execute(
        select(HoursEntry).where(HoursEntry.id.in_(entry_ids), HoursEntry.org_id == org_id)).scalars()
    outside = outside_employment(org_id, found)
    return [i for i in entry_ids if i not in outside]
