"""The managers' review queue: an organisation's entries to decide, one entry of it with its audit trail, and the
staff member it belongs to. Never another organisation's (404, so ids reveal nothing)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum

from sqlalchemy import Select, and_, func, select
from sqlalchemy.orm import aliased

from lms import db
from lms.accounts.models import User
from lms.audit import AuditEvent
from lms.errors import NotFoundError
from lms.hours.entries import PageKey, after_key, load_entry
from lms.hours.measured import low_measured_clause
from lms.hours.models import EntrySource, EntryStatus, EvidenceFile, HoursEntry
from lms.i18n import _
from lms.live.models import Attendance
from lms.orgs.models import Membership, Organisation


@dataclass(frozen=True)
class QueueFilters:
    """What a manager narrows the queue to; ``status`` None means every status."""

    user_id: int | None = None
    start: date | None = None
    end: date | None = None
    source: EntrySource | None = None
    status: EntryStatus | None = EntryStatus.PENDING
    #: Only entries whose measured time is far below their credited time (:mod:`lms.hours.measured`).
    low_measured: bool = False
    #: The start of a pay period: only the entries its payroll export pays (approved and paid in it, whatever their
    #: activity date; the rule of :func:`lms.hours.timesheets.list_paid_lines`).
    paid_period: date | None = None


@dataclass
class QueuePage:
    rows: list[tuple[HoursEntry, User]]
    has_more: bool
    #: The date of the entry each correction listed corrects (of the same organisation), by the correction's id.
    corrected_dates: dict[int, date] = field(default_factory=dict)


def list_queue(org: Organisation, filters: QueueFilters, limit: int = 50, offset: int = 0, *,
               after: PageKey | None = None) -> QueuePage:
    """Entries of ``org`` (never another organisation's), oldest activity first, with their people and the dates of
    the entries their corrections correct (one query). ``after``: the key of the last entry of the previous page
    (:func:`lms.hours.entries.after_key`), instead of an ``offset``; stable while entries are decided or added."""
    corrected = aliased(HoursEntry)
    query = (select(HoursEntry, User, corrected.activity_date).join(User, User.id == HoursEntry.user_id)
             .outerjoin(corrected, and_(corrected.id == HoursEntry.corrects_id, corrected.org_id == org.id))
             .where(HoursEntry.org_id == org.id))
    if after is not None:
        query = query.where(after_key(after, newest_first=False))
    query = _filtered(query, filters)
    rows = db.session.execute(
        query.order_by(HoursEntry.activity_date, HoursEntry.id).limit(limit + 1).offset(offset)).all()
    return QueuePage([(entry, user) for entry, user, _day in rows[:limit]], len(rows) > limit,
                     corrected_dates={entry.id: day for entry, _user, day in rows[:limit] if day is not None})


def count_queue(org: Organisation, filters: QueueFilters) -> int:
    """How many entries of ``org`` the queue lists with these filters (one query): a page past the end of the list
    links to the last one."""
    query = select(func.count()).select_from(HoursEntry).where(HoursEntry.org_id == org.id)
    return db.session.execute(_filtered(query, filters)).scalar_one()


def _filtered(query: Select, filters: QueueFilters) -> Select:
    if filters.user_id:
        query = query.where(HoursEntry.user_id == filters.user_id)
    if filters.start:
        query = query.where(HoursEntry.activity_date >= filters.start)
    if filters.end:
        query = query.where(HoursEntry.activity_date <= filters.end)
    if filters.source:
        query = query.where(HoursEntry.source == filters.source)
    if filters.status:
        query = query.where(HoursEntry.status == filters.status)
    if filters.low_measured:
        query = query.where(low_measured_clause())
    if filters.paid_period:
        query = query.where(HoursEntry.status == EntryStatus.APPROVED, HoursEntry.paid_period_start == filters.paid_period)
    return query


class EvidenceSince(Enum):
    """The evidence of an entry submitted again, beside the evidence of the entry it replaces."""

    ADDED = "added"  #: a file the returned entry did not have (a new one, or a first one)
    SAME = "same"  #: the returned entry's file again (kept on "Submit again", or the same file uploaded again)
    NONE = "none"  #: no file


@dataclass(frozen=True)
class Returned:
    """The entry an entry submits again: it was rejected ("returned") on ``returned_at`` with ``reason``."""

    entry_id: int
    returned_at: datetime | None
    reason: str | None
    evidence: EvidenceSince


def list_returns(org: Organisation, entry_ids: list[int]) -> dict[int, Returned]:
    """For each of these entries that submits again an entry ``org`` returned, that return (one query, whatever the
    number of entries: a page of the queue). A return by another organisation is not shown (its reason is theirs).
    The link is the ``hours.resubmission`` audit row (:mod:`lms.hours.resubmissions`)."""
    if not entry_ids:
        return {}
    new, returned = aliased(HoursEntry), aliased(HoursEntry)
    new_file, old_file = aliased(EvidenceFile), aliased(EvidenceFile)
    rows = db.session.execute(
        select(new.id, returned.id, returned.decided_at, returned.rejection_reason, new_file.sha256, old_file.sha256)
        .select_from(AuditEvent)
        .join(new, new.id == AuditEvent.object_id)
        .join(returned, returned.id == AuditEvent.data["resubmits"].as_integer())
        .outerjoin(new_file, new_file.id == new.evidence_id).outerjoin(old_file, old_file.id == returned.evidence_id)
        .where(AuditEvent.object_type == "HoursEntry", AuditEvent.action == "hours.resubmission",
               AuditEvent.object_id.in_(sorted(set(entry_ids))), returned.org_id == org.id,
               returned.status == EntryStatus.REJECTED)
        .order_by(AuditEvent.id)
    ).all()
    return {new_id: Returned(old_id, at, reason, _evidence_since(new_sha, old_sha))
            for new_id, old_id, at, reason, new_sha, old_sha in rows}


def _evidence_since(new_sha: str | None, old_sha: str | None) -> EvidenceSince:
    if new_sha is None:
        return EvidenceSince.NONE
    return EvidenceSince.SAME if new_sha == old_sha else EvidenceSince.ADDED


def get_org_entry(org: Organisation, entry_id: int) -> HoursEntry:
    """An entry of ``org`` (404 for any other organisation's, so ids reveal nothing)."""
    entry = load_entry(entry_id)
    if entry is None or entry.org_id != org.id:
        raise NotFoundError(_("No such entry in this organisation."))
    return entry


def get_member(org: Organisation, user_id: int) -> Membership:
    membership = db.session.execute(
        select(Membership).where(Membership.org_id == org.id, Membership.user_id == user_id)
    ).scalar_one_or_none()
    if membership is None:
        raise NotFoundError(_("No such staff member."))
    return membership


def list_history(entry: HoursEntry) -> list[tuple[AuditEvent, User | None]]:
    """The audit trail of one entry, oldest first, with who acted; for an entry a trainer's correction of final
    attendance recorded, that correction first (who corrected it and why: the manager deciding reads the reason),
    and, unless the entry was withdrawn (the withdrawal says why), the trainer's later corrections of that attendance
    in their place: a status changed after approval shows here, with its reason (:mod:`lms.hours.status_changes`).
    At most four queries."""
    rows = [(event, user) for event, user in db.session.execute(
        select(AuditEvent, User).outerjoin(User, User.id == AuditEvent.actor_id)
        .where(AuditEvent.object_type == "HoursEntry", AuditEvent.object_id == entry.id)
        .order_by(AuditEvent.id)
    ).all()]
    created = next((event for event, _user in rows if event.action == "hours.entry_created"), None)
    if created is None or not entry.session_id:
        return rows
    cause = _correction_behind(entry, created)
    if entry.status is not EntryStatus.WITHDRAWN:
        rows = sorted([*rows, *_corrections_since(entry, created.id)], key=lambda row: row[0].id)
    return [cause, *rows] if cause else rows


#: Audit rows of an entry that are the organisation's own bookkeeping, left out of the person's page: a manager
#: marking that they read an attendance status changed after approval.
STAFF_ONLY_ACTIONS = frozenset({"hours.attendance_change_reviewed"})
#: Rows whose reason was written for the managers deciding (a trainer's reason for correcting attendance): the person
#: sees the line and what changed, not that reason. A rejection's reason is written for the person and shows.
STAFF_ONLY_REASONS = frozenset({"live.attendance_corrected"})


def list_own_history(entry: HoursEntry) -> list[tuple[AuditEvent, User | None, str | None]]:
    """:func:`list_history` as the entry's own person may read it: ``(event, actor, reason)``, without the rows and
    reasons that are for the organisation only (:data:`STAFF_ONLY_ACTIONS`, :data:`STAFF_ONLY_REASONS`)."""
    return [(event, user, None if event.action in STAFF_ONLY_REASONS else event.reason)
            for event, user in list_history(entry) if event.action not in STAFF_ONLY_ACTIONS]


def _corrections_since(entry: HoursEntry, after: int) -> list[tuple[AuditEvent, User | None]]:
    """The ``live.attendance_corrected`` rows of the entry's session and person written after the audit row
    ``after``."""
    return [(event, user) for event, user in db.session.execute(
        select(AuditEvent, User).outerjoin(User, User.id == AuditEvent.actor_id)
        .join(Attendance, (AuditEvent.object_type == "Attendance") & (AuditEvent.object_id == Attendance.id))
        .where(AuditEvent.action == "live.attendance_corrected", AuditEvent.id > after,
               Attendance.session_id == entry.session_id, Attendance.user_id == entry.user_id)
        .order_by(AuditEvent.id)
    ).all()]


def _correction_behind(entry: HoursEntry, created: AuditEvent) -> tuple[AuditEvent, User | None] | None:
    """The ``live.attendance_corrected`` row of the entry's session and person last written before the entry was,
    if no other hours entry of theirs for that session was recorded in between (that correction made this entry)."""
    found = db.session.execute(
        select(AuditEvent, User).outerjoin(User, User.id == AuditEvent.actor_id)
        .join(Attendance, (AuditEvent.object_type == "Attendance") & (AuditEvent.object_id == Attendance.id))
        .where(AuditEvent.action == "live.attendance_corrected", AuditEvent.id < created.id,
               Attendance.session_id == entry.session_id, Attendance.user_id == entry.user_id)
        .order_by(AuditEvent.id.desc()).limit(1)
    ).first()
    if found is None:
        return None
    others = select(HoursEntry.id).where(HoursEntry.session_id == entry.session_id, HoursEntry.user_id == entry.user_id)
    between = db.session.execute(select(AuditEvent.id).where(
        AuditEvent.object_type == "HoursEntry", AuditEvent.action == "hours.entry_created",
        AuditEvent.object_id.in_(others), AuditEvent.id > found[0].id, AuditEvent.id < created.id).limit(1)).first()
    return None if between else (found[0], found[1])
