"""Approving and rejecting ledger entries (many at once: :mod:`lms.hours.bulk_decisions`; the managers' queue:
:mod:`lms.hours.review_queue`).

An entry moves pending → approved or pending → rejected, once (``ENTRY_TRANSITIONS``); one that a later attendance
correction replaced is withdrawn instead (:mod:`lms.hours.withdrawals`), and deciding it is then a conflict. The move is a conditional
``UPDATE ... WHERE id = :id AND status = 'pending'``: when two managers decide the same entry at the same moment the
database lets exactly one update through (the other sees zero rows), so there is one decision and one audit row, and
the loser gets :class:`AlreadyDecided` (409) with who decided it. A decision repeated by the manager who made it
(a double tap on a slow phone, a resent form) is not a conflict: it changes nothing and says so
(:attr:`Decision.repeated`); only a *different* decision, or another manager's, is refused.

On approval the entry takes the organisation's training pay rate and the pay period it is paid in
(:func:`lms.hours.periods.open_period_for`): the period that contains the activity date, unless payroll has already
run for that date (the period was exported, or a later one was), then the first open period after the last export.
When the organisation changes its pay period or anchor, approved entries not yet exported are placed the same way in
the new periods (:func:`lms.hours.schedule_change.repay_unexported`); exported ones stay in the file that paid them.

A correction (an entry that ``corrects`` another) is decided after the entry it corrects, and follows it: it is paid
at the corrected entry's rate, so it cancels the line it corrects to the cent even if the rate changed since; it
cannot be approved once the original was rejected, nor take the approved minutes below zero; and rejecting an entry
rejects its pending corrections with it.

An entry is approved only by an organisation that employed the person on its date, in any of their periods there
(:func:`lms.orgs.history.employed_by`, the rule new entries follow): hours dated after someone's last day (logged
while they still worked there) are refused (:class:`OutsideEmployment`) and sent back instead, so the person logs them
for the organisation they worked for then. Rejecting them stays allowed. A correction is exempt: it follows the entry
it corrects, which was approved already (so an entry approved before this rule can still be corrected to zero).

Nobody decides their own entries. Approving field experience counts towards the course's field module: once the
approved minutes reach the module's credited minutes, the module is completed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update

from lms import audit, db
from lms.accounts.models import User
from lms.catalog.models import Course, Module, ModuleKind
from lms.db import utcnow
from lms.enrollment.models import EnrollmentStatus
from lms.errors import ConflictError, DomainError
from lms.hours.corrections import approved_total, corrections_of, root_of
from lms.hours.models import ENTRY_TRANSITIONS, EntrySource, EntryStatus, HoursEntry
from lms.hours.periods import lock_for_approval, open_period_for
from lms.i18n import _, format_when, in_language
from lms.notify.services import recipient_locale
from lms.orgs import history
from lms.orgs.models import Organisation
from lms.reasons import required_reason

REASON_MAX = 2000


class OutsideEmployment(DomainError):
    """The entry is dated on a day the organisation did not employ the person: it cannot be approved there."""

    code = "outside_employment"
    status = 409


class AlreadyDecided(ConflictError):
    """Another decision got there first (or the entry was decided long ago): approved entries are locked."""

    code = "already_decided"


@dataclass(frozen=True)
class Decision:
    """What approving or rejecting did. ``repeated``: the actor had already made exactly this decision, so nothing
    changed; ``also_rejected``: pending corrections rejected along with the entry."""

    entry: HoursEntry
    repeated: bool = False
    also_rejected: tuple[HoursEntry, ...] = ()


def is_repeat(entry: HoursEntry, status: EntryStatus, actor: User) -> bool:
    """Whether ``entry`` already has ``status`` by ``actor``'s own decision (deciding it again changes nothing)."""
    return entry.status is status and actor is not None and entry.decided_by_id == actor.id


def transition(entry: HoursEntry, status: EntryStatus, actor: User, **values: Any) -> bool:
    """The one guarded transition of an entry's status, as a conditional UPDATE (see the module docstring).
    Returns False, changing nothing, when ``actor`` had already made this decision. Withdrawing is nobody's decision
    (:mod:`lms.hours.withdrawals`: a correction replaced the entry), so anyone, or nobody, may be its actor."""
    if status is not EntryStatus.WITHDRAWN and (actor is None or entry.user_id == actor.id):
        raise DomainError(_("You cannot decide your own hours. Another manager must do it."))
    if is_repeat(entry, status, actor):
        return False
    if status not in ENTRY_TRANSITIONS[entry.status]:
        raise _already_decided(entry)
    result = db.session.execute(
        update(HoursEntry)
        .where(HoursEntry.id == entry.id, HoursEntry.status == EntryStatus.PENDING)
        .values(status=status, decided_at=utcnow(), decided_by_id=getattr(actor, "id", None), **values)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(entry)
    if result.rowcount == 1:
        return True
    if is_repeat(entry, status, actor):  # the same manager's other request (a double tap) got there first
        return False
    raise _already_decided(entry)


def _already_decided(entry: HoursEntry) -> AlreadyDecided:
    who = db.session.get(User, entry.decided_by_id) if entry.decided_by_id else None
    name = who.name if who else _("someone")
    if entry.status is EntryStatus.APPROVED:
        return AlreadyDecided(_("This entry was already approved by %(name)s; approved entries cannot change. Add an "
                                "adjustment to correct it.", name=name))
    if entry.status is EntryStatus.WITHDRAWN:
        return AlreadyDecided(_("This entry was withdrawn: a later correction of the attendance replaced it. Decide "
                                "the entry that replaced it instead."))
    return AlreadyDecided(_("This entry was already rejected by %(name)s.", name=name))


def approve(entry: HoursEntry, actor: User) -> Decision:
    """Approve a pending entry: lock it with the pay rate and the open pay period it is paid in. Approving again an
    entry one approved oneself changes nothing (``repeated``)."""
    if is_repeat(entry, EntryStatus.APPROVED, actor):
        return Decision(entry, repeated=True)
    org = _org_of(entry)
    if entry.corrects_id is None:
        check_employed(entry, org)
    rate_cents = _corrected_rate(entry) if entry.corrects_id is not None else org.training_pay_rate_cents
    lock_for_approval(org)
    period_start, _end = open_period_for(org, entry.activity_date)
    if not transition(entry, EntryStatus.APPROVED, actor, rate_cents=rate_cents, paid_period_start=period_start):
        return Decision(entry, repeated=True)
    audit.record("hours.approved", entry, actor, org_id=entry.org_id, minutes=entry.minutes,
                 rate_cents=entry.rate_cents, paid_period_start=entry.paid_period_start)
    _complete_field_module(entry)
    return Decision(entry)


def check_employed(entry: HoursEntry, org: Organisation) -> None:
    """Refuse (:class:`OutsideEmployment`) approving ``entry`` for ``org`` when the organisation did not employ the
    person on its date (see the module docstring)."""
    if history.employed_by(entry.user_id, org.id, entry.activity_date):
        return
    person = db.session.get(User, entry.user_id)
    raise OutsideEmployment(_(
        "%(name)s was not on your staff on %(date)s, the date of this entry, so it cannot be approved here. Send it "
        "back (reject it) with a reason, so they can log it for the organisation they worked for on that date.",
        name=person.name if person else _("someone"), date=format_when(entry.activity_date)))


def _corrected_rate(entry: HoursEntry) -> int | None:
    """A correction may be approved once the entry it corrects is, and is paid at that entry's rate."""
    root = root_of(entry)
    if root.status is EntryStatus.REJECTED:
        raise DomainError(_("The entry this corrects was rejected, so there is nothing to correct: reject this "
                            "correction too."))
    if root.status is EntryStatus.WITHDRAWN:
        raise DomainError(_("The entry this corrects was withdrawn and replaced, so there is nothing to correct: "
                            "reject this correction."))
    if root.status is EntryStatus.PENDING:
        raise DomainError(_("Decide the entry this corrects first (%(title)s, %(date)s).", title=root.title,
                            date=format_when(root.activity_date)))
    if entry.minutes < 0 and approved_total(root) + entry.minutes < 0:
        raise DomainError(_("Approving this correction would take the approved time below zero minutes."))
    return root.rate_cents




def reject(entry: HoursEntry, actor: User, reason: str | None) -> Decision:
    """Reject a pending entry; the reason is required and shown to the person. Its pending corrections are rejected
    with it (a correction of an activity that is not paid would pay or deduct on its own): ``also_rejected``.
    Rejecting again an entry one rejected oneself changes nothing (``repeated``; the first reason stays)."""
    reason = check_reason(reason)
    if is_repeat(entry, EntryStatus.REJECTED, actor):
        return Decision(entry, repeated=True)
    _org_of(entry)
    if not transition(entry, EntryStatus.REJECTED, actor, rejection_reason=reason):
        return Decision(entry, repeated=True)
    audit.record("hours.rejected", entry, actor, org_id=entry.org_id, reason=reason)
    return Decision(entry, also_rejected=tuple(_reject_corrections(entry, actor) if entry.corrects_id is None else ()))


def _reject_corrections(root: HoursEntry, actor: User) -> list[HoursEntry]:
    pending = [row_id for row_id, _m, status in corrections_of(root) if status is EntryStatus.PENDING]
    if not pending:
        return []
    with in_language(recipient_locale(db.session.get(User, root.user_id))):  # stored text: in the person's language
        reason = _("The entry this corrects was rejected.")
    corrections = db.session.scalars(select(HoursEntry).where(HoursEntry.id.in_(pending)).order_by(HoursEntry.id)).all()
    for correction in corrections:
        transition(correction, EntryStatus.REJECTED, actor, rejection_reason=reason)
        audit.record("hours.rejected", correction, actor, org_id=correction.org_id, reason=reason,
                     because_rejected=root.id)
    return list(corrections)


def check_reason(reason: str | None) -> str:
    """The reason for rejecting, trimmed; refused when empty, invisible (:func:`lms.reasons.required_reason`) or
    too long."""
    return required_reason(reason, _("Give a reason for rejecting: the person will see it."), most=REASON_MAX)


def _org_of(entry: HoursEntry) -> Organisation:
    org = db.session.get(Organisation, entry.org_id) if entry.org_id else None
    if org is None:
        raise DomainError(_("This entry belongs to no organisation, so nobody can approve it."))
    return org


def _complete_field_module(entry: HoursEntry) -> None:
    """Complete the course's field module once approved field minutes (with corrections) reach its credited minutes."""
    if entry.module_id is None or entry.source not in (EntrySource.FIELD, EntrySource.ADJUSTMENT):
        return
    module = db.session.get(Module, entry.module_id)
    if module is None or module.kind is not ModuleKind.FIELD:
        return
    approved = db.session.execute(
        select(func.coalesce(func.sum(HoursEntry.minutes), 0)).where(
            HoursEntry.user_id == entry.user_id, HoursEntry.module_id == module.id,
            HoursEntry.status == EntryStatus.APPROVED,
            HoursEntry.source.in_([EntrySource.FIELD, EntrySource.ADJUSTMENT]))
    ).scalar_one()
    if approved < module.credited_minutes:
        return
    from lms.enrollment import completion
    from lms.enrollment import services as enrollment_services

    user = db.session.get(User, entry.user_id)
    enrollment = enrollment_services.get_enrollment(user, db.session.get(Course, module.course_id))
    if enrollment is not None and enrollment.status is not EnrollmentStatus.WITHDRAWN:
        completion.complete_module(enrollment, module, "field", measured_seconds=approved * 60)

