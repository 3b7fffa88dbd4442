"""External training: training done elsewhere, submitted by the trainee with optional evidence (a PDF or image),
appended pending (:mod:`lms.hours.ledger`) for a manager of the organisation to approve."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from lms.accounts.models import User
from lms.hours import evidence as evidence_files
from lms.hours.entry_orgs import resolve_org
from lms.hours.ledger import (
    append_once,
    check_areas,
    check_date,
    check_key,
    check_minutes,
    check_text,
    find_by_key,
    one_line,
    replayed,
)
from lms.hours.models import EntrySource, EntryStatus, HoursEntry
from lms.hours.repeats import check_repeat
from lms.i18n import _, today_for

#: Sanity limit on one entry (not a rule of any regulator): a multi-day external course.
MAX_EXTERNAL_MINUTES = 200 * 60


@dataclass(frozen=True)
class ExternalTraining:
    """Training done elsewhere, as the trainee reports it."""

    title: str
    activity_date: date
    minutes: int
    provider: str | None = None
    competency_areas: tuple[str, ...] = ()
    org_id: int | None = None


def submit_external(user: User, data: ExternalTraining, key: str | None,
                    upload: evidence_files.Upload | None = None, *, guard_repeats: bool = False) -> tuple[HoursEntry, bool]:
    """Append a pending external-training entry (idempotent on ``key``). Returns the entry and whether it is new.
    The same key with other details raises :class:`lms.hours.ledger.IdempotencyKeyReused`: that is another
    training, which must not be dropped as a resend. ``guard_repeats``: refuse an entry identical to one saved
    shortly before under another key (:mod:`lms.hours.repeats`; the web form asks before saving it)."""
    key = check_key(key)
    existing = find_by_key(user.id, key)
    if existing is not None:
        return replayed(existing, same_external(existing, data)), False
    day = check_date(data.activity_date, today_for(user))
    entry = HoursEntry(
        user_id=user.id, source=EntrySource.EXTERNAL, status=EntryStatus.PENDING, activity_date=day,
        minutes=check_minutes(data.minutes, MAX_EXTERNAL_MINUTES),
        title=check_text(data.title, 300, _("Enter the name of the training."), "title", single_line=True),
        provider=check_text(data.provider, 200, "", "provider", required=False),
        competency_areas=check_areas(data.competency_areas), idempotency_key=key, created_by_id=user.id,
        org_id=resolve_org(user.id, day, data.org_id),
    )
    if guard_repeats:
        check_repeat(entry, user)
    entry, created = append_once(entry, user, upload)
    return (entry if created else replayed(entry, same_external(entry, data))), created


def same_external(entry: HoursEntry, data: ExternalTraining) -> bool:
    """Whether ``data`` is what ``entry`` was saved from: title, provider, date, minutes, areas (in any order) and,
    when chosen, the organisation. Evidence files are not compared (a resend may or may not carry the file)."""
    return (
        entry.title == one_line(data.title)
        and (entry.provider or None) == ((data.provider or "").strip() or None)
        and type(data.activity_date) is date and entry.activity_date == data.activity_date
        and type(data.minutes) is int and entry.minutes == data.minutes
        and set(entry.competency_areas or ()) == set(data.competency_areas)
        and (not data.org_id or data.org_id == entry.org_id)
    )
