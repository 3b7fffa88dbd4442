"""Submitting a rejected ("sent back") entry again.

The ledger never edits an entry (docs/hours.md), so a trainee answers a rejection with a *new* entry, made with the
usual form pre-filled from the rejected one. Only the kinds a trainee logs can be submitted again: external training
and field experience. The link between the two is kept in the audit trail (no column holds it): the new entry gets
an ``hours.resubmission`` row (``resubmits``: the rejected entry's id) and the rejected entry an
``hours.resubmitted`` row (``resubmission_id``: the new entry's id), both written in the transaction that saves the
new entry. The rejected entry's evidence file may be attached to the new entry too: it is stored again as the new
entry's own file (:func:`evidence_copy`), since a ledger row is complete when inserted and never changes after.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import and_, func, select

from lms import audit, db
from lms.db import utcnow
from lms.errors import DomainError
from lms.hours import evidence as evidence_files
from lms.hours.models import EntrySource, EntryStatus, HoursEntry
from lms.i18n import _

#: The kinds of entry a trainee logs by hand, and so may submit again once rejected.
RESUBMITTABLE = (EntrySource.EXTERNAL, EntrySource.FIELD)
#: How long a rejection stays in the trainee's "sent back" notice unless they submit the entry again.
SENT_BACK_DAYS = 30


def can_resubmit(entry: HoursEntry) -> bool:
    """Whether ``entry`` was rejected and is of a kind its person logs by hand."""
    return entry.status is EntryStatus.REJECTED and entry.source in RESUBMITTABLE


def get_resubmittable(user: Any, entry_id: int | None, source: EntrySource) -> HoursEntry | None:
    """The person's own rejected entry of ``source`` with this id, or None (any other id is ignored: the form is
    then a plain new entry)."""
    if entry_id is None:
        return None
    entry = db.session.get(HoursEntry, entry_id) if 0 < entry_id < 2**31 else None
    if entry is None or entry.user_id != user.id or entry.source is not source or not can_resubmit(entry):
        return None
    return entry


def evidence_copy(rejected: HoursEntry) -> evidence_files.Upload | None:
    """The rejected entry's evidence file as an upload for the new entry (stored again as the new entry's own file:
    ledger rows never change, so the new row must carry its file when it is inserted), or None."""
    stored = evidence_files.get_evidence(rejected)
    if stored is None:
        return None
    try:
        data = evidence_files.path_of(stored).read_bytes()
    except OSError:
        return None  # the file is gone from storage: the form asks for it like any other
    return evidence_files.Upload(filename=stored.filename, content_type=stored.content_type, data=data)


def record_resubmission(new: HoursEntry, rejected: HoursEntry, actor: Any, *, evidence_reused: bool = False) -> None:
    """Link ``new`` to the ``rejected`` entry it submits again (two audit rows, see the module docstring);
    ``evidence_reused``: its evidence is a copy of the rejected entry's. Only for an entry just created in this
    transaction."""
    if new.user_id != rejected.user_id or not can_resubmit(rejected):
        raise DomainError(_("Only a rejected entry of your own can be submitted again."))
    audit.record("hours.resubmission", new, actor, org_id=new.org_id, resubmits=rejected.id,
                 evidence_copied_from=rejected.evidence_id if evidence_reused else None)
    audit.record("hours.resubmitted", rejected, actor, org_id=rejected.org_id, resubmission_id=new.id)


@dataclass
class Links:
    """The entry an entry submits again (``resubmits``), and the entries submitting it again (``resubmissions``)."""

    resubmits: int | None = None
    resubmissions: list[int] = field(default_factory=list)


def links_of(entry: HoursEntry) -> Links:
    """What the audit trail says about ``entry`` and resubmissions (one query)."""
    links = Links()
    for action, data in db.session.execute(
        select(audit.AuditEvent.action, audit.AuditEvent.data).where(
            audit.AuditEvent.object_type == "HoursEntry", audit.AuditEvent.object_id == entry.id,
            audit.AuditEvent.action.in_(("hours.resubmission", "hours.resubmitted"))).order_by(audit.AuditEvent.id)
    ):
        data = data or {}
        if action == "hours.resubmission" and data.get("resubmits"):
            links.resubmits = int(data["resubmits"])
        elif action == "hours.resubmitted" and data.get("resubmission_id"):
            links.resubmissions.append(int(data["resubmission_id"]))
    return links


def resubmitted_as(entry_ids: list[int]) -> dict[int, list[int]]:
    """For each of these entries that was submitted again, the ids of the entries submitting it again, oldest first
    (one query, whatever the number of entries: a page of the person's list)."""
    if not entry_ids:
        return {}
    found: dict[int, list[int]] = {}
    for object_id, data in db.session.execute(
        select(audit.AuditEvent.object_id, audit.AuditEvent.data).where(
            audit.AuditEvent.object_type == "HoursEntry", audit.AuditEvent.object_id.in_(sorted(set(entry_ids))),
            audit.AuditEvent.action == "hours.resubmitted").order_by(audit.AuditEvent.id)
    ):
        if isinstance(data, dict) and data.get("resubmission_id"):
            found.setdefault(object_id, []).append(int(data["resubmission_id"]))
    return found


def sent_back_clause(user: Any) -> Any:
    """The condition on ``HoursEntry`` of the person's entries that need them to act: rejected in the last
    ``SENT_BACK_DAYS`` days, of a kind they log by hand, and not submitted again."""
    resubmitted = select(audit.AuditEvent.id).where(
        audit.AuditEvent.object_type == "HoursEntry", audit.AuditEvent.object_id == HoursEntry.id,
        audit.AuditEvent.action == "hours.resubmitted")
    return and_(
        HoursEntry.user_id == user.id, HoursEntry.status == EntryStatus.REJECTED,
        HoursEntry.source.in_(RESUBMITTABLE), HoursEntry.decided_at >= utcnow() - timedelta(days=SENT_BACK_DAYS),
        ~resubmitted.exists())


def count_sent_back(user: Any) -> int:
    """The person's entries sent back and not submitted again (:func:`sent_back_clause`: what the dashboard points
    them to)."""
    return db.session.scalar(select(func.count()).select_from(HoursEntry).where(sent_back_clause(user))) or 0


def only_sent_back(user: Any) -> int | None:
    """The id of the person's one entry sent back and not submitted again, or None when there are none or several
    (the dashboard then links to the list of them)."""
    ids = list(db.session.scalars(select(HoursEntry.id).where(sent_back_clause(user)).limit(2)))
    return ids[0] if len(ids) == 1 else None
