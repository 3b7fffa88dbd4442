"""Managers' adjustments: a correction of a person's hours (positive or negative minutes, reason required), optionally
pointing at the entry it corrects (the chain: :mod:`lms.hours.corrections`), appended like any entry
(:mod:`lms.hours.ledger`) and approved like any entry, at once if the manager asks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from lms.accounts.models import User
from lms.errors import DomainError
from lms.hours.approvals import approve
from lms.hours.corrections import corrected_total, is_correctable, root_of
from lms.hours.entries import load_entry
from lms.hours.entry_orgs import employers_on
from lms.hours.ledger import (
    append_once,
    check_date,
    check_key,
    check_minutes,
    find_by_key,
    replayed,
    same_text,
    summary_of,
)
from lms.hours.models import EntrySource, EntryStatus, HoursEntry
from lms.hours.periods import org_today
from lms.hours.repeats import check_repeat
from lms.i18n import _
from lms.orgs.models import Organisation
from lms.reasons import required_reason

#: Sanity limit on one adjustment (not a rule of any regulator).
MAX_ADJUSTMENT_MINUTES = 200 * 60


@dataclass(frozen=True)
class Adjustment:
    """A manager's correction: signed minutes, the reason, and optionally the entry it corrects."""

    minutes: int
    description: str
    activity_date: date | None = None
    corrects_id: int | None = None


def add_adjustment(org: Organisation, person: User, data: Adjustment, actor: User, key: str | None,
                   approve_now: bool = False, *, guard_repeats: bool = False) -> tuple[HoursEntry, bool]:
    """Append an adjustment for a person of ``org`` (idempotent on ``key`` per person). A correction points at an
    entry of the same person in the same organisation and may not take it below zero; without one, the person must
    have been on the staff on the date. ``approve_now`` approves it at once (by ``actor``). ``guard_repeats``: refuse
    an adjustment identical to one saved shortly before under another key, by anyone (:mod:`lms.hours.repeats`)."""
    key = check_key(key)
    existing = find_by_key(person.id, key)
    if existing is not None:
        return replayed(existing, same_adjustment(existing, data)), False
    reason = required_reason(data.description, _("Give the reason for this adjustment."), field="description", most=2000)
    minutes = check_minutes(data.minutes, MAX_ADJUSTMENT_MINUTES, allow_negative=True)
    corrected = _corrected_entry(org, person, data.corrects_id, minutes) if data.corrects_id else None
    day = check_date(data.activity_date or (corrected.activity_date if corrected else None), org_today(org))
    if corrected is None and org.id not in {o.id for o in employers_on(person.id, day)}:
        raise DomainError(_("%(name)s was not on your staff on that date.", name=person.name), field="activity_date")
    entry = HoursEntry(
        user_id=person.id, org_id=org.id, source=EntrySource.ADJUSTMENT, status=EntryStatus.PENDING,
        activity_date=day, minutes=minutes, description=reason, idempotency_key=key, created_by_id=actor.id,
        title=corrected.title if corrected else summary_of(reason), corrects_id=corrected.id if corrected else None,
        competency_areas=list(corrected.competency_areas) if corrected else [],
        course_id=corrected.course_id if corrected else None, module_id=corrected.module_id if corrected else None,
    )
    if guard_repeats:
        check_repeat(entry, actor)
    entry, created = append_once(entry, actor)
    if not created:
        return replayed(entry, same_adjustment(entry, data)), False
    if approve_now:
        approve(entry, actor)
    return entry, created


def same_adjustment(entry: HoursEntry, data: Adjustment) -> bool:
    """Whether ``data`` is what the adjustment ``entry`` was saved from (its date when one was given)."""
    return (
        type(data.minutes) is int and entry.minutes == data.minutes and same_text(entry.description, data.description)
        and entry.corrects_id == data.corrects_id
        and (data.activity_date is None or entry.activity_date == data.activity_date)
    )


def _corrected_entry(org: Organisation, person: User, entry_id: int, minutes: int) -> HoursEntry:
    corrected = load_entry(entry_id)
    if corrected is None or corrected.user_id != person.id or corrected.org_id != org.id:
        raise DomainError(_("Choose an entry of this person in your organisation to correct."), field="corrects_id")
    if corrected.status is EntryStatus.WITHDRAWN or root_of(corrected).status is EntryStatus.WITHDRAWN:
        raise DomainError(_("That entry was withdrawn: a later correction of the attendance replaced it. Correct the "
                            "entry that replaced it."), field="corrects_id")
    if not is_correctable(corrected):
        raise DomainError(_("That entry was rejected, so there is nothing to correct. To pay for the activity, add an "
                            "adjustment without choosing an entry."), field="corrects_id")
    if minutes < 0 and corrected_total(corrected) + minutes < 0:
        raise DomainError(_("This correction would take the entry below zero minutes."), field="minutes")
    return corrected
