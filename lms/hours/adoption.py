"""Own records sent to an organisation when its employment of the person comes to cover their dates.

An entry belongs to the organisation that employed the person on its date (:mod:`lms.hours.entry_orgs`), found when
the entry is made: training done before anyone employed the person stays in their own records (``org_id`` empty,
:mod:`lms.hours.own_records`). When an employment later covers such a day (an invitation accepted with an earlier
start date, someone rejoining, a start moved earlier or cleared, an end of employment undone), the organisation's
``employment-began`` signal sends those entries to it (:func:`adopt_own_records`): they go to its review queue.

Only **pending** entries of **no organisation** move, once, and only to the organisation that employed the person on
the entry's date by the rule of :func:`lms.hours.entry_orgs.resolve_org` (with several employers that day, the one they
first started with): never an approved, rejected, withdrawn or exported entry, never one of another organisation, and
never a correction (it follows its entry). With no start date recorded, only entries dated from the day the person
joined move (on the organisation's calendar): "start not recorded" says nothing of the years before they joined.

Setting an own record's organisation is the one change of an entry besides its status (``lms.hours.models``): a
conditional UPDATE (``WHERE org_id IS NULL AND status = 'pending'``, so a second request moves nothing twice), with an
``hours.org_assigned`` audit row naming the organisation (the row's ``org_id``), who acted and why. A start date
moved later afterwards leaves the entries with the organisation, marked "Dated outside employment here"
(:mod:`lms.hours.start_moves`), as for any other entry.
"""

from __future__ import annotations

from datetime import UTC, date
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select, update

from lms import audit, db
from lms.hours.entry_orgs import resolve_org
from lms.hours.models import EntryStatus, HoursEntry
from lms.orgs.models import Membership, Organisation

#: The stored reason of ``hours.org_assigned`` rows (a code: the entry's history shows it in the reader's language).
EMPLOYMENT_COVERS_DATE = "employment_covers_date"


def first_covered_day(membership: Membership) -> date:
    """The first day whose own records ``membership`` takes: its start date, else the day the person joined."""
    if membership.employment_start is not None:
        return membership.employment_start
    joined = membership.created_at
    if joined.tzinfo is None:  # SQLite hands back naive UTC
        joined = joined.replace(tzinfo=UTC)
    return joined.astimezone(ZoneInfo(membership.organisation.timezone)).date()


def adoptable_entries(membership: Membership) -> list[HoursEntry]:
    """The person's pending own records dated within ``membership``'s current employment (one query; the rule of
    :func:`lms.hours.entry_orgs.resolve_org` is applied by :func:`adopt_own_records`)."""
    return _own_pending(membership.user_id, first_covered_day(membership), membership.employment_end)


def _own_pending(user_id: int, first: date, last: date | None) -> list[HoursEntry]:
    query = select(HoursEntry).where(
        HoursEntry.user_id == user_id, HoursEntry.org_id.is_(None),
        HoursEntry.status == EntryStatus.PENDING, HoursEntry.corrects_id.is_(None),
        HoursEntry.activity_date >= first)
    if last is not None:
        query = query.where(HoursEntry.activity_date <= last)
    return list(db.session.execute(query.order_by(HoursEntry.activity_date, HoursEntry.id)).scalars())


def list_would_adopt(user_id: int, org: Organisation, employment_start: date | None) -> list[HoursEntry]:
    """Read only: the own records that joining ``org`` from ``employment_start`` (None: start not recorded, so from
    today on the organisation's calendar, the day they would join) would send to it (:func:`adopt_own_records`),
    for the invitation page to list before the person agrees. The same entries and the same rule, with the new
    employment not yet recorded: a day no organisation employed them goes to ``org``; a day another one did stays
    with the one they first started with (:func:`lms.hours.entry_orgs.resolve_org`), so it is not listed."""
    first = employment_start if employment_start is not None else org.today()
    employers: dict[date, int | None] = {}
    return [entry for entry in _own_pending(user_id, first, None)
            if _employer(user_id, entry.activity_date, employers) in (None, org.id)]


def _employer(user_id: int, day: date, employers: dict[date, int | None]) -> int | None:
    """The organisation an entry of ``day`` belongs to by the automatic rule, looked up once per day."""
    if day not in employers:
        employers[day] = resolve_org(user_id, day, must_choose=False)
    return employers[day]


def adopt_own_records(membership: Membership, actor: Any = None) -> int:
    """Send the person's pending own records dated within ``membership``'s employment to its organisation (see the
    module docstring); returns how many moved. Flushes only."""
    if membership.user_id is None or membership.org_id is None:
        return 0
    moved = 0
    employers: dict[date, int | None] = {}
    for entry in adoptable_entries(membership):
        if _employer(membership.user_id, entry.activity_date, employers) == membership.org_id and _assign(
                entry, membership, actor):
            moved += 1
    return moved


def _assign(entry: HoursEntry, membership: Membership, actor: Any) -> bool:
    result = db.session.execute(
        update(HoursEntry)
        .where(HoursEntry.id == entry.id, HoursEntry.org_id.is_(None), HoursEntry.status == EntryStatus.PENDING)
        .values(org_id=membership.org_id)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(entry)
    if result.rowcount != 1:  # decided, withdrawn or moved by another request a moment ago
        return False
    audit.record("hours.org_assigned", entry, actor, org_id=membership.org_id, reason=EMPLOYMENT_COVERS_DATE,
                 activity_date=entry.activity_date, minutes=entry.minutes)
    return True
