"""A correction of finalised live-session attendance in the ledger: whatever order managers decide in, what is
approved plus what is pending for the attendance equals the corrected minutes, and at most one pending item carries
the change.

The entries of one attendance (its *chain*) share a source reference: the live entry ``attendance:<id>`` and then
``attendance:<id>:correction:<n>``, one number per entry the corrections append. The *current* live entry is the
newest live entry of the chain that was not withdrawn. When the trainer corrects the minutes to ``T``:

- the current live entry was rejected: nothing changes (the manager's decision stands; a manager who wants to pay the
  corrected time adds an adjustment);
- every pending adjustment that earlier corrections appended is withdrawn (kept, with an ``hours.withdrawn`` audit row
  naming what replaced it), so corrections never stack: a manager can no longer approve one of two contradicting
  adjustments. If exactly one is pending and it already is the change needed, it stays as it is;
- the current live entry is still pending (and no manager's own correction of it is pending): it is withdrawn and a
  new pending live entry of ``T`` minutes replaces it (none when ``T`` is 0), so one pending item carries the total;
- otherwise (it was approved, and is locked, maybe even exported) one pending adjustment of ``T`` minus what the
  chain has approved is appended, pointing at it, and nothing when that is 0 (a correction back to the approved
  value leaves nothing pending). Approving it pays it in the open pay period, like any late approval.

A manager's own corrections of a live entry (the adjustment form) are left as they are: they are on top of the
attendance, not part of it. Each entry appended states the change in the person's language ("Attendance corrected
from 90 to 120 minutes."), and an adjustment keeps the corrected total as its ``measured_minutes``, so what it
changes can be shown (:func:`lms.hours.live_attendance.correction_of`).

Concurrency: corrections of one attendance are serialised by the attendance row they update. A manager deciding an
entry at the same moment is handled by the conditional updates: an entry approved just before it would have been
withdrawn counts as approved, and the change is computed after the withdrawals.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select

from lms import db
from lms.accounts.models import User
from lms.hours import corrections, ledger
from lms.hours.models import EntrySource, EntryStatus, HoursEntry
from lms.hours.withdrawals import ATTENDANCE_CORRECTED, record_withdrawal, withdraw
from lms.i18n import _, in_language
from lms.notify.services import recipient_locale


def chain_of(ref: str) -> list[HoursEntry]:
    """The entries of one attendance (``ref`` is ``attendance:<id>``), oldest first."""
    return list(db.session.execute(
        select(HoursEntry).where(or_(HoursEntry.source_ref == ref, HoursEntry.source_ref.like(ref + ":%")))
        .order_by(HoursEntry.id)
    ).scalars())


def current_live(chain: list[HoursEntry]) -> HoursEntry | None:
    """The newest live entry of the chain that was not withdrawn (None once all were)."""
    live = [e for e in chain if e.source is EntrySource.LIVE and e.status is not EntryStatus.WITHDRAWN]
    return live[-1] if live else None


def record_correction(ref: str, minutes: int, actor: Any = None) -> HoursEntry | None:
    """Bring the ledger of the attendance ``ref`` to ``minutes`` (see the module docstring). Returns the entry that
    now carries the change (new or kept), the current live entry when nothing changed, or None."""
    chain = chain_of(ref)
    current = current_live(chain)
    if current is not None and current.status is EntryStatus.REJECTED:
        return current
    stale = [e for e in chain if e.source is EntrySource.ADJUSTMENT and e.status is EntryStatus.PENDING]
    if current is not None and current.status is EntryStatus.APPROVED and len(stale) == 1 \
            and stale[0].minutes == minutes - _approved(chain, current):
        return stale[0]  # the change asked for is already pending
    withdrawn = [e for e in stale if withdraw(e, actor)]
    if current is None or (current.status is EntryStatus.PENDING and not _has_own_corrections(current, chain)):
        return _replace(chain, current, minutes, actor, withdrawn)
    made = _adjust(chain, current, minutes, actor)
    _audit(withdrawn, actor, made)
    return made or current


def _approved(chain: list[HoursEntry], current: HoursEntry) -> int:
    """What the chain has approved for ``current``: it (if approved) and the approved adjustments pointing at it."""
    if current.status is not EntryStatus.APPROVED:
        return 0
    return current.minutes + sum(e.minutes for e in chain if e.corrects_id == current.id
                                 and e.source is EntrySource.ADJUSTMENT and e.status is EntryStatus.APPROVED)


def _has_own_corrections(current: HoursEntry, chain: list[HoursEntry]) -> bool:
    """Whether a manager's own correction of ``current`` (not one of the chain) is pending: replacing the entry would
    leave it correcting an entry nobody can approve any more."""
    ours = {e.id for e in chain}
    return any(status is EntryStatus.PENDING and row_id not in ours for row_id, _m, status in corrections.corrections_of(current))


def _replace(chain: list[HoursEntry], current: HoursEntry | None, minutes: int, actor: Any,
             withdrawn: list[HoursEntry]) -> HoursEntry | None:
    """The current live entry is pending (or there is none): a new live entry of ``minutes`` replaces it."""
    if current is not None and current.minutes == minutes:
        _audit(withdrawn, actor, None)
        return current
    if current is not None and not withdraw(current, actor):  # a manager decided it a moment ago
        made = _adjust(chain, current, minutes, actor) if current.status is EntryStatus.APPROVED else None
        _audit(withdrawn, actor, made)
        return made or current
    model = current or [e for e in chain if e.source is EntrySource.LIVE][-1]
    made = None
    if minutes > 0:
        made = _append(chain, model, EntrySource.LIVE, minutes, actor, old=current.minutes if current else 0,
                       new=minutes, corrects=None)
    _audit(withdrawn + ([current] if current is not None else []), actor, made)
    return made


def _adjust(chain: list[HoursEntry], current: HoursEntry, minutes: int, actor: Any) -> HoursEntry | None:
    """One pending adjustment of ``current`` for the difference between ``minutes`` and what the chain counts (what
    it approved, or the pending entry itself); None when there is no difference."""
    counted = current.minutes if current.status is EntryStatus.PENDING else _approved(chain, current)
    if minutes == counted:
        return None
    return _append(chain, current, EntrySource.ADJUSTMENT, minutes - counted, actor, old=counted, new=minutes,
                   corrects=current)


def _append(chain: list[HoursEntry], model: HoursEntry, source: EntrySource, minutes: int, actor: Any, *, old: int,
            new: int, corrects: HoursEntry | None) -> HoursEntry:
    """Append the next entry of the chain, like ``model`` (the same person, organisation, date and training)."""
    root_ref = chain[0].source_ref
    with in_language(recipient_locale(db.session.get(User, model.user_id))):  # stored text: the person's language
        description = _("Attendance corrected from %(old)d to %(new)d minutes.", old=old, new=new)
    entry = HoursEntry(
        user_id=model.user_id, org_id=model.org_id, source=source, status=EntryStatus.PENDING,
        activity_date=model.activity_date, minutes=minutes, measured_minutes=new, title=model.title,
        description=description, competency_areas=list(model.competency_areas), course_id=model.course_id,
        module_id=model.module_id, session_id=model.session_id, corrects_id=corrects.id if corrects else None,
        source_ref=f"{root_ref}:correction:{len(chain)}", created_by_id=getattr(actor, "id", None),
    )
    return ledger.append_once(entry, actor)[0]


def _audit(withdrawn: list[HoursEntry], actor: Any, replaced_by: HoursEntry | None) -> None:
    for entry in withdrawn:
        record_withdrawal(entry, actor, ATTENDANCE_CORRECTED, replaced_by)
