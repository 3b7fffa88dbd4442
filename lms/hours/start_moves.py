"""What moving a staff member's employment start date later would change, for the confirmation the staff page asks
before saving it (docs/hours.md, "Hours dated outside employment").

Entries dated before the start are outside the person's employment here (:mod:`lms.hours.employment_dates`): pending
ones can no longer be approved (the queue marks them "Dated outside employment here"; the manager sends them back),
while approved ones stay approved and paid (the ledger is never edited) but are dated before the start. The
continuing-education year (anniversary basis) and what a partial first year owes (calendar and fiscal bases) follow
the start date too (:mod:`lms.hours.ce_years`).

A start moved later asks for confirmation when it leaves entries before it or changes the CE year or what it owes;
a start set where none was, only when it leaves entries before it; a start moved earlier or cleared never (nothing
becomes unapprovable)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select

from lms import db
from lms.hours.ce_years import Year, ce_year, first_day_of_work, required_minutes
from lms.hours.models import EntryStatus, HoursEntry
from lms.orgs import history
from lms.orgs.models import Membership


@dataclass(frozen=True)
class StartMove:
    """What saving ``new_start`` would change: the pending entries (not corrections, which follow their entry) and
    the approved ones dated before it in this employment, and the CE year containing today and what it owes, before
    and after."""

    old_start: date | None
    new_start: date
    pending: list[HoursEntry]
    approved_count: int
    approved_minutes: int
    ce_before: tuple[Year, int]
    ce_after: tuple[Year, int]

    @property
    def ce_changed(self) -> bool:
        return self.ce_before != self.ce_after

    @property
    def has_entries(self) -> bool:
        return bool(self.pending) or self.approved_count > 0


def _ce(membership: Membership, today: date, start: date | None, earlier: list[history.Stint]) -> tuple[Year, int]:
    org = membership.organisation
    year = ce_year(org, today, start)
    return year, required_minutes(org, year, first_day_of_work(start, year, earlier))


def start_move(membership: Membership, new_start: date | None) -> StartMove | None:
    """What saving ``new_start`` as ``membership``'s start would change, when it needs the manager's confirmation
    first (the module's rule); None when it does not. At most four queries."""
    old = membership.employment_start
    if new_start is None or (old is not None and new_start <= old):
        return None
    earlier = history.past_stints([membership.id]).get(membership.id, [])
    since = old or (earlier[-1].end + timedelta(days=1) if earlier and earlier[-1].end else None)
    before = [HoursEntry.org_id == membership.org_id, HoursEntry.user_id == membership.user_id,
              HoursEntry.activity_date < new_start]
    if since is not None:  # entries before it were outside this employment already
        before.append(HoursEntry.activity_date >= since)
    pending = list(db.session.execute(
        select(HoursEntry).where(*before, HoursEntry.status == EntryStatus.PENDING, HoursEntry.corrects_id.is_(None))
        .order_by(HoursEntry.activity_date, HoursEntry.id)).scalars())
    count, minutes = db.session.execute(
        select(func.count(), func.sum(HoursEntry.minutes)).where(*before, HoursEntry.status == EntryStatus.APPROVED)
    ).one()
    today = membership.organisation.today()
    move = StartMove(old, new_start, pending, int(count), int(minutes or 0), _ce(membership, today, old, earlier),
                     _ce(membership, today, new_start, earlier))
    return move if move.has_entries or (old is not None and move.ce_changed) else None
