"""Reading hours entries back: a person's own entries page by page, one entry with what its page shows, and the
keyset paging every hours list shares (the managers' queue too: :mod:`lms.hours.review_queue`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import aliased

from lms import db
from lms.accounts.models import User
from lms.errors import NotFoundError
from lms.hours import evidence as evidence_files
from lms.hours.models import EntryStatus, EvidenceFile, HoursEntry
from lms.i18n import _
from lms.orgs.models import Organisation


@dataclass
class EntryPage:
    entries: list[HoursEntry]
    has_more: bool
    orgs: dict[int, Organisation] = field(default_factory=dict)
    #: The date of the entry each correction on the page corrects (the person's own), by the correction's id.
    corrected_dates: dict[int, date] = field(default_factory=dict)


#: Where a page of entries ends: the last row's ``(activity_date, id)``, the sort key of every hours list.
PageKey = tuple[date, int]


def key_of(entry: HoursEntry) -> PageKey:
    return entry.activity_date, entry.id


def after_key(after: PageKey, *, newest_first: bool) -> Any:
    """Entries that come after ``after`` in a list ordered by (activity date, id): keyset paging. Unlike an offset,
    it neither skips rows when earlier ones leave the list (approved while paging pending ones) nor repeats one
    when a row is added before it."""
    day, entry_id = after
    if newest_first:
        return or_(HoursEntry.activity_date < day, and_(HoursEntry.activity_date == day, HoursEntry.id < entry_id))
    return or_(HoursEntry.activity_date > day, and_(HoursEntry.activity_date == day, HoursEntry.id > entry_id))


def list_user_entries(user: Any, limit: int = 50, offset: int = 0, *, after: PageKey | None = None,
                      where: Any = None) -> EntryPage:
    """The person's entries, newest activity first, with their organisations (two queries) and the dates of the
    entries their corrections correct (same query). ``after``: the key of the last entry of the previous page
    (:func:`after_key`), instead of an ``offset``; ``where``: a further condition (only the entries sent back:
    :func:`lms.hours.resubmissions.sent_back_clause`)."""
    corrected = aliased(HoursEntry)
    query = (select(HoursEntry, corrected.activity_date)
             .outerjoin(corrected, and_(corrected.id == HoursEntry.corrects_id, corrected.user_id == user.id))
             .where(HoursEntry.user_id == user.id))
    if where is not None:
        query = query.where(where)
    if after is not None:
        query = query.where(after_key(after, newest_first=True))
    rows = db.session.execute(
        query.order_by(HoursEntry.activity_date.desc(), HoursEntry.id.desc()).limit(limit + 1).offset(offset)
    ).all()
    page = EntryPage([entry for entry, _day in rows[:limit]], len(rows) > limit,
                     corrected_dates={entry.id: day for entry, day in rows[:limit] if day is not None})
    org_ids = {e.org_id for e in page.entries if e.org_id}
    if org_ids:
        page.orgs = {o.id: o for o in db.session.execute(
            select(Organisation).where(Organisation.id.in_(org_ids))).scalars()}
    return page


def load_entry(entry_id: int) -> HoursEntry | None:
    """The entry with this id, or None (also for ids beyond any database integer, which SQLite cannot even bind)."""
    return db.session.get(HoursEntry, entry_id) if 0 < entry_id < 2**31 else None


def get_user_entry(user: Any, entry_id: int) -> HoursEntry:
    """One of the person's own entries (404 for anybody else's, so ids reveal nothing)."""
    entry = load_entry(entry_id)
    if entry is None or entry.user_id != user.id:
        raise NotFoundError(_("No such entry."))
    return entry


def list_related(entry: HoursEntry, visible: Callable[[HoursEntry], bool]) -> tuple[HoursEntry | None, list[HoursEntry]]:
    """The entry this one corrects and the entries correcting it, filtered by ``visible`` (one query)."""
    rows = db.session.execute(
        select(HoursEntry).where(or_(HoursEntry.corrects_id == entry.id, HoursEntry.id == entry.corrects_id))
        .order_by(HoursEntry.id)
    ).scalars()
    corrected, corrections = None, []
    for row in rows:
        if not visible(row):
            continue
        if row.id == entry.corrects_id:
            corrected = row
        else:
            corrections.append(row)
    return corrected, corrections


@dataclass
class EntryDetail:
    """One entry with what its page shows: person, organisation, who decided, evidence, corrections."""

    entry: HoursEntry
    person: User
    org: Organisation | None
    decided_by: User | None
    evidence: EvidenceFile | None
    corrected: HoursEntry | None
    corrections: list[HoursEntry]


def entry_detail(entry: HoursEntry, visible: Callable[[HoursEntry], bool]) -> EntryDetail:
    """Everything an entry page shows, in a fixed number of queries; ``visible`` filters related entries."""
    corrected, corrections = list_related(entry, visible)
    return EntryDetail(
        entry=entry, person=db.session.get(User, entry.user_id),
        org=db.session.get(Organisation, entry.org_id) if entry.org_id else None,
        decided_by=db.session.get(User, entry.decided_by_id) if entry.decided_by_id else None,
        evidence=evidence_files.get_evidence(entry), corrected=corrected, corrections=corrections,
    )


def user_totals(user: Any) -> dict[EntryStatus, int]:
    """Minutes per status of the person's whole ledger (one query)."""
    totals = dict.fromkeys(EntryStatus, 0)
    for status, minutes in db.session.execute(
        select(HoursEntry.status, func.sum(HoursEntry.minutes)).where(HoursEntry.user_id == user.id)
        .group_by(HoursEntry.status)
    ):
        totals[status] = int(minutes or 0)
    return totals
