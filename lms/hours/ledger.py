"""The paid training-hours ledger: appending entries from every source, exactly once.

Sources (``EntrySource``):

- ``live``: a finalised live-session attendance (``attendance-finalized`` signal; ``source_ref="attendance:<id>"``).
  A later correction of the minutes appends an ``adjustment`` for the difference pointing at the original entry.
- ``self_paced``: a completed self-paced module (``module-completed``; ``source_ref="module-completion:<id>"``),
  paid at the module's credited minutes; live and field modules are paid through attendance and field logs.
  (These two are appended by the signal receivers in :mod:`lms.hours.listeners`.)
- ``external``: training elsewhere, submitted by the trainee, with optional evidence (a PDF or image)
  (:mod:`lms.hours.external_training`).
- ``field``: supervised field experience logged by the trainee, signed off when a manager approves it
  (:mod:`lms.hours.field_experience`).
- ``adjustment``: a manager's correction (positive or negative minutes, reason required), optionally pointing at the
  entry it corrects (:mod:`lms.hours.adjustments`; the chain of corrections: :mod:`lms.hours.corrections`).

Entries are never edited or deleted (the model guards it); a correction is a new entry. Submissions carry an
idempotency key, unique per person, so a double click or a retried API call returns the first entry. This module
appends them (:func:`append_once`) and holds the checks every submission shares. Which organisation an entry belongs
to: :mod:`lms.hours.entry_orgs`; reading entries back: :mod:`lms.hours.entries`.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask_babel import format_date
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from lms import audit, db
from lms.catalog.areas import AREAS
from lms.errors import DomainError
from lms.hours import evidence as evidence_files
from lms.hours.models import EvidenceFile, HoursEntry
from lms.i18n import _

KEY_MAX = 80


# ---------------------------------------------------------------- appending exactly once

def find_by_key(user_id: int, key: str) -> HoursEntry | None:
    return db.session.execute(
        select(HoursEntry).where(HoursEntry.user_id == user_id, HoursEntry.idempotency_key == key)
    ).scalar_one_or_none()


def find_by_ref(source_ref: str) -> HoursEntry | None:
    return db.session.execute(select(HoursEntry).where(HoursEntry.source_ref == source_ref)).scalar_one_or_none()


def _existing(entry: HoursEntry) -> HoursEntry | None:
    if entry.idempotency_key:
        return find_by_key(entry.user_id, entry.idempotency_key)
    return find_by_ref(entry.source_ref) if entry.source_ref else None


def append_once(entry: HoursEntry, actor: Any, upload: evidence_files.Upload | None = None) -> tuple[HoursEntry, bool]:
    """Insert ``entry`` (and its evidence) in a savepoint. If another request inserted the same idempotency key or
    source reference first, the savepoint is rolled back and that entry is returned with ``False``. Every entry's
    title is put on one line here (:func:`one_line`), whatever made it: a form, the API, a module's title."""
    entry.title = one_line(entry.title)
    stored: EvidenceFile | None = None
    try:
        with db.session.begin_nested():
            if upload is not None:
                stored = evidence_files.store(upload, entry.user_id)
                entry.evidence_id = stored.id
            db.session.add(entry)
            db.session.flush()
    except IntegrityError:
        if stored is not None:
            evidence_files.discard(stored)
        existing = _existing(entry)
        if existing is None:
            raise
        return existing, False
    audit.record("hours.entry_created", entry, actor, org_id=entry.org_id, source=entry.source,
                 minutes=entry.minutes, activity_date=entry.activity_date, corrects_id=entry.corrects_id,
                 evidence_id=entry.evidence_id, source_ref=entry.source_ref)
    return entry, True


# ---------------------------------------------------------------- checks every submission shares

def check_key(key: str | None) -> str:
    """The submission's idempotency key, stripped; refused when empty or longer than :data:`KEY_MAX`."""
    key = (key or "").strip()
    if not key or len(key) > KEY_MAX:
        raise DomainError(_("This submission has no valid idempotency key. Reload the form and try again."))
    return key


def check_areas(areas: list[str] | tuple[str, ...]) -> list[str]:
    """Known competency areas only, each once, in the order given."""
    unknown = [a for a in areas if a not in AREAS]
    if unknown:
        raise DomainError(_("Unknown competency area: %(area)s.", area=", ".join(unknown)), field="competency_areas")
    return list(dict.fromkeys(areas))


def check_minutes(minutes: Any, maximum: int, *, allow_negative: bool = False) -> int:
    """A whole number of minutes, not zero, up to ``maximum`` (and down to ``-maximum`` with ``allow_negative``)."""
    if isinstance(minutes, bool) or not isinstance(minutes, int):
        raise DomainError(_("Enter the time as a whole number of minutes."), field="minutes")
    low = -maximum if allow_negative else 1
    if minutes == 0 or not low <= minutes <= maximum:
        raise DomainError(_("Enter between %(low)d and %(high)d minutes (not zero).", low=low, high=maximum),
                          field="minutes")
    return minutes


#: No training hours are recorded before this date.
EARLIEST_DATE = date(2000, 1, 1)


def check_date(day: Any, today: date) -> date:
    """An activity date, not in the future nor before :data:`EARLIEST_DATE`. ``today``: on the calendar of whoever
    the date belongs to (the person, or the organisation for a manager's adjustment); UTC runs a day ahead of
    California every evening."""
    if day is None:
        raise DomainError(_("Enter the date (YYYY-MM-DD)."), field="activity_date")
    if not isinstance(day, date) or isinstance(day, datetime):
        raise DomainError(_("Enter the date as YYYY-MM-DD."), field="activity_date")
    if day > today:
        raise DomainError(_("The date cannot be in the future."), field="activity_date")
    if day < EARLIEST_DATE:  # a mistyped year (0224, 1024) would otherwise land in a period nobody can see
        raise DomainError(_("Enter a date on or after %(date)s.", date=format_date(EARLIEST_DATE)),
                          field="activity_date")
    return day


def one_line(value: str | None) -> str:
    """A title as kept: line breaks, tabs and runs of spaces become one space, as in course and module titles
    (``lms.catalog.texts.ONE_LINE_FIELDS``). A title is a heading, a table cell and a payroll CSV cell, where a line
    break split the row for the programs that read it."""
    return " ".join((value or "").split())


def check_text(value: str | None, limit: int, message: str, name: str, *, required: bool = True,
               single_line: bool = False) -> str | None:
    """A text field stripped (or put on one line): ``message`` when it is required and empty, at most ``limit``
    characters; None when it is optional and empty. ``name`` is the field the error points at."""
    value = one_line(value) if single_line else (value or "").strip()
    if not value:
        if required:
            raise DomainError(message, field=name)
        return None
    if len(value) > limit:
        raise DomainError(_("Use at most %(num)d characters.", num=limit), field=name)
    return value


def summary_of(text: str, limit: int = 120) -> str:
    """The title of an entry described by ``text``: its first line, on one line, cut to ``limit`` characters."""
    line = one_line(text.strip().splitlines()[0]) if text.strip() else ""
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


# ---------------------------------------------------------------- a key sent again

class IdempotencyKeyReused(DomainError):
    """An idempotency key came back with other details than the entry first saved with it (``entry``)."""

    code = "idempotency_key_reused"
    status = 422


def replayed(entry: HoursEntry, same: bool) -> HoursEntry:
    """The entry first saved with a key that came back: ``same`` says whether with the same details (a resend)."""
    if same:
        return entry
    raise IdempotencyKeyReused(
        _("This form was already sent once with other details, and that entry is saved: %(title)s, %(date)s. "
          "Nothing new was saved.", title=entry.title, date=format_date(entry.activity_date)),
        field="idempotency_key", entry_id=entry.id)


def same_text(saved: str | None, sent: str | None) -> bool:
    """Whether a stored optional text is what was sent (blank and missing are the same)."""
    return (saved or None) == ((sent or "").strip() or None)
