"""The paid training-hours ledger: appending entries from every source, exactly once.

Sources (``EntrySource``):

- ``live``: a finalised live-session attendance (``attendance-finalized`` signal; ``source_ref="attendance:<id>"``).
  A later correction of the minutes appends an ``adjustment`` for the difference pointing at the original entry.
- ``self_paced``: a completed self-paced module (``module-completed``; ``source_ref="module-completion:<id>"``),
  paid at the module's credited minutes; live and field modules are paid through attendance and field logs.
  (These two are appended by the signal receivers in :mod:`lms.hours.listeners`.)
- ``external``: training elsewhere, submitted by the trainee, with optional evidence (a PDF or image).
- ``field``: supervised field experience logged by the trainee, signed off when a manager approves it.
- ``adjustment``: a manager's correction (positive or negative minutes, reason required), optionally pointing at the
  entry it corrects.

Entries are never edited or deleted (the model guards it); a correction is a new entry. Submissions carry an
idempotency key, unique per person, so a double click or a retried API call returns the first entry.

Which organisation an entry belongs to: the one that employed the person on the activity date (a membership whose
``employment_start`` is empty or on/before the date, and whose ``employment_end`` is empty or on/after it — an empty
start means "start not recorded" and counts as employed), or one of its earlier periods for someone who left and
joined again (``lms.orgs.history``). No employer → ``org_id`` is empty and the entry shows only
in the person's own records. Several employers → the person chooses when submitting; automatic entries (attendance,
modules) go to the earliest-started of them (empty starts first, then the oldest membership), so the choice is stable.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask_babel import format_date
from sqlalchemy import and_, func, or_, select
from sqlalchemy.exc import IntegrityError

from lms import audit, db
from lms.accounts.models import User
from lms.accounts.names import InvalidName, clean_name
from lms.catalog.areas import AREAS
from lms.catalog.models import Course, Module, ModuleKind, Text
from lms.catalog.texts import Texts
from lms.enrollment.models import Enrollment, EnrollmentStatus
from lms.errors import DomainError, NotFoundError
from lms.hours import evidence as evidence_files
from lms.hours.models import EntrySource, EntryStatus, EvidenceFile, HoursEntry
from lms.hours.periods import org_today
from lms.hours.repeats import check_repeat
from lms.i18n import _, today_for
from lms.orgs import history
from lms.orgs.models import Membership, Organisation

#: Sanity limits on one entry (not rules of any regulator): a day's field work, a multi-day external course.
MAX_FIELD_MINUTES = 24 * 60
MAX_EXTERNAL_MINUTES = 200 * 60
MAX_ADJUSTMENT_MINUTES = 200 * 60
KEY_MAX = 80


# ---------------------------------------------------------------- organisations by date

def employers_on(user_id: int, day: date) -> list[Organisation]:
    """Organisations that employed the person on ``day``, earliest-started first (see the module docstring), in
    their current period of employment or an earlier one (they left and joined again: ``lms.orgs.history``)."""
    return history.employers_on(user_id, day)


def resolve_org(user_id: int, day: date, chosen_id: int | None = None, *, must_choose: bool = True) -> int | None:
    """The organisation an entry of ``day`` belongs to. ``chosen_id`` must be one of that day's employers; with
    several employers and no choice, ``must_choose`` raises (submissions) or the earliest is taken (automatic)."""
    employers = employers_on(user_id, day)
    if chosen_id:
        if chosen_id not in {org.id for org in employers}:
            raise DomainError(_("You were not on the staff of that organisation on that date."), field="org_id")
        return chosen_id
    if len(employers) > 1 and must_choose:
        raise DomainError(_("You worked for more than one organisation on that date. Choose which one this is for."),
                          field="org_id")
    return employers[0].id if employers else None


def list_user_orgs(user: Any) -> list[Organisation]:
    """Every organisation the person is or was on the staff of (for the "which organisation" choice)."""
    return list(db.session.execute(
        select(Organisation).join(Membership, Membership.org_id == Organisation.id)
        .where(Membership.user_id == user.id).order_by(Organisation.name)
    ).scalars())


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


def _check_key(key: str | None) -> str:
    key = (key or "").strip()
    if not key or len(key) > KEY_MAX:
        raise DomainError(_("This submission has no valid idempotency key. Reload the form and try again."))
    return key


def _check_areas(areas: list[str] | tuple[str, ...]) -> list[str]:
    unknown = [a for a in areas if a not in AREAS]
    if unknown:
        raise DomainError(_("Unknown competency area: %(area)s.", area=", ".join(unknown)), field="competency_areas")
    return list(dict.fromkeys(areas))


def _check_minutes(minutes: Any, maximum: int, *, allow_negative: bool = False) -> int:
    if isinstance(minutes, bool) or not isinstance(minutes, int):
        raise DomainError(_("Enter the time as a whole number of minutes."), field="minutes")
    low = -maximum if allow_negative else 1
    if minutes == 0 or not low <= minutes <= maximum:
        raise DomainError(_("Enter between %(low)d and %(high)d minutes (not zero).", low=low, high=maximum),
                          field="minutes")
    return minutes


#: No training hours are recorded before this date.
EARLIEST_DATE = date(2000, 1, 1)


def _check_date(day: Any, today: date) -> date:
    """``today``: on the calendar of whoever the date belongs to (the person, or the organisation for a manager's
    adjustment); UTC runs a day ahead of California every evening."""
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


def _text(value: str | None, limit: int, message: str, name: str, *, required: bool = True,
          single_line: bool = False) -> str | None:
    value = one_line(value) if single_line else (value or "").strip()
    if not value:
        if required:
            raise DomainError(message, field=name)
        return None
    if len(value) > limit:
        raise DomainError(_("Use at most %(num)d characters.", num=limit), field=name)
    return value


def _summary(text: str, limit: int = 120) -> str:
    line = one_line(text.strip().splitlines()[0]) if text.strip() else ""
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


# ---------------------------------------------------------------- trainee submissions

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
    The same key with other details raises :class:`IdempotencyKeyReused`: that is another training, which must not
    be dropped as a resend. ``guard_repeats``: refuse an entry identical to one saved shortly before under another
    key (:mod:`lms.hours.repeats`; the web form asks before saving it)."""
    key = _check_key(key)
    existing = find_by_key(user.id, key)
    if existing is not None:
        return _replayed(existing, same_external(existing, data)), False
    day = _check_date(data.activity_date, today_for(user))
    entry = HoursEntry(
        user_id=user.id, source=EntrySource.EXTERNAL, status=EntryStatus.PENDING, activity_date=day,
        minutes=_check_minutes(data.minutes, MAX_EXTERNAL_MINUTES),
        title=_text(data.title, 300, _("Enter the name of the training."), "title", single_line=True),
        provider=_text(data.provider, 200, "", "provider", required=False),
        competency_areas=_check_areas(data.competency_areas), idempotency_key=key, created_by_id=user.id,
        org_id=resolve_org(user.id, day, data.org_id),
    )
    if guard_repeats:
        check_repeat(entry, user)
    entry, created = append_once(entry, user, upload)
    return (entry if created else _replayed(entry, same_external(entry, data))), created


class IdempotencyKeyReused(DomainError):
    """An idempotency key came back with other details than the entry first saved with it (``entry``)."""

    code = "idempotency_key_reused"
    status = 422


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


def _replayed(entry: HoursEntry, same: bool) -> HoursEntry:
    """The entry first saved with a key that came back: ``same`` says whether with the same details (a resend)."""
    if same:
        return entry
    raise IdempotencyKeyReused(
        _("This form was already sent once with other details, and that entry is saved: %(title)s, %(date)s. "
          "Nothing new was saved.", title=entry.title, date=format_date(entry.activity_date)),
        field="idempotency_key", entry_id=entry.id)


def _same_text(saved: str | None, sent: str | None) -> bool:
    return (saved or None) == ((sent or "").strip() or None)


@dataclass(frozen=True)
class FieldExperience:
    """Supervised field experience, as the trainee logs it; a manager's approval is the supervisor's sign-off."""

    activity_date: date
    minutes: int
    description: str
    supervisor_name: str
    supervisor_title: str
    competency_areas: tuple[str, ...] = ()
    module_id: int | None = None
    org_id: int | None = None


def log_field(user: User, data: FieldExperience, key: str | None, *, guard_repeats: bool = False) -> tuple[HoursEntry, bool]:
    """Append a pending field-experience entry (idempotent on ``key``). It needs an employer on that date, whose
    managers sign it off; ``module_id`` (optional) is a field module of a course the person is enrolled in.
    ``guard_repeats`` as for :func:`submit_external`."""
    key = _check_key(key)
    existing = find_by_key(user.id, key)
    if existing is not None:
        return _replayed(existing, same_field(existing, data)), False
    day = _check_date(data.activity_date, today_for(user))
    description = _text(data.description, 4000, _("Describe what you did."), "description")
    org_id = resolve_org(user.id, day, data.org_id)
    if org_id is None:
        raise DomainError(_("Field experience is signed off by a manager of the organisation you worked for, and you "
                            "are not on the staff of any organisation on that date."), field="activity_date")
    module = _field_module(user, data.module_id) if data.module_id else None
    entry = HoursEntry(
        user_id=user.id, source=EntrySource.FIELD, status=EntryStatus.PENDING, activity_date=day,
        minutes=_check_minutes(data.minutes, MAX_FIELD_MINUTES), title=_summary(description), description=description,
        competency_areas=_check_areas(data.competency_areas), idempotency_key=key, created_by_id=user.id,
        supervisor_name=_supervisor_name(data.supervisor_name),
        supervisor_title=_text(data.supervisor_title, 200, _("Enter your supervisor's job title."), "supervisor_title"),
        org_id=org_id, module_id=module.id if module else None, course_id=module.course_id if module else None,
    )
    if guard_repeats:
        check_repeat(entry, user)
    entry, created = append_once(entry, user)
    return (entry if created else _replayed(entry, same_field(entry, data))), created


def same_field(entry: HoursEntry, data: FieldExperience) -> bool:
    """Whether ``data`` is what ``entry`` was saved from (areas in any order; module and organisation when chosen)."""
    try:
        supervisor = clean_name(data.supervisor_name or "")
    except InvalidName:
        return False
    return (
        type(data.activity_date) is date and entry.activity_date == data.activity_date
        and type(data.minutes) is int and entry.minutes == data.minutes
        and _same_text(entry.description, data.description) and entry.supervisor_name == supervisor
        and _same_text(entry.supervisor_title, data.supervisor_title)
        and set(entry.competency_areas or ()) == set(data.competency_areas)
        and (not data.module_id or data.module_id == entry.module_id)
        and (not data.org_id or data.org_id == entry.org_id)
    )


def _supervisor_name(value: str | None) -> str:
    """The supervisor's name, normalised and checked like any person's name (:mod:`lms.accounts.names`): it is
    printed on compliance reports, where bidi controls could make it read as somebody else's."""
    if not (value or "").strip():
        raise DomainError(_("Enter your supervisor's name."), field="supervisor_name")
    try:
        return clean_name(value)
    except InvalidName as exc:
        raise DomainError(exc.message, field="supervisor_name") from exc


def _field_module(user: User, module_id: int) -> Module:
    module = db.session.execute(
        select(Module).join(Enrollment, Enrollment.course_id == Module.course_id)
        .where(Module.id == module_id, Module.kind == ModuleKind.FIELD, Module.is_archived.is_(False),
               Enrollment.user_id == user.id, Enrollment.status != EnrollmentStatus.WITHDRAWN)
    ).scalar_one_or_none()
    if module is None:
        raise DomainError(_("Choose a field-experience module of a course you are taking."), field="module_id")
    return module


@dataclass(frozen=True)
class FieldModuleChoice:
    module_id: int
    course_title: str
    module_title: str


def list_field_modules(user: User, locale: str) -> list[FieldModuleChoice]:
    """The field-experience modules of the person's current courses, titled in ``locale`` (two queries)."""
    rows = db.session.execute(
        select(Module, Course).join(Course, Course.id == Module.course_id)
        .join(Enrollment, Enrollment.course_id == Course.id)
        .where(Enrollment.user_id == user.id, Enrollment.status != EnrollmentStatus.WITHDRAWN,
               Module.kind == ModuleKind.FIELD, Module.is_archived.is_(False))
        .order_by(Course.slug, Module.position)
    ).all()
    texts = _titles([("course", c.id) for _m, c in rows] + [("module", m.id) for m, _c in rows],
                    {c.id: c.source_locale for _m, c in rows}, locale)
    return [FieldModuleChoice(m.id, texts[c.id].lookup("course", c.id, "title").value or c.slug,
                              texts[c.id].lookup("module", m.id, "title").value or m.slug) for m, c in rows]


def _titles(owners: list[tuple[str, int]], sources: dict[int, str], locale: str) -> dict[int, Texts]:
    result = {course_id: Texts(locale=locale, source_locale=source) for course_id, source in sources.items()}
    if not owners:
        return result
    query = select(Text).where(Text.field == "title", Text.locale.in_({locale, *sources.values()}),
                               or_(*(and_(Text.owner_type == kind, Text.owner_id.in_(sorted({i for k, i in owners if k == kind})))
                                     for kind in sorted({k for k, _i in owners}))))
    for row in db.session.execute(query).scalars():
        if row.course_id in result:
            result[row.course_id].rows[(row.owner_type, row.owner_id, row.field, row.locale)] = row
    return result


# ---------------------------------------------------------------- managers' adjustments

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
    key = _check_key(key)
    existing = find_by_key(person.id, key)
    if existing is not None:
        return _replayed(existing, same_adjustment(existing, data)), False
    reason = _text(data.description, 2000, _("Give the reason for this adjustment."), "description")
    minutes = _check_minutes(data.minutes, MAX_ADJUSTMENT_MINUTES, allow_negative=True)
    corrected = _corrected_entry(org, person, data.corrects_id, minutes) if data.corrects_id else None
    day = _check_date(data.activity_date or (corrected.activity_date if corrected else None), org_today(org))
    if corrected is None and org.id not in {o.id for o in employers_on(person.id, day)}:
        raise DomainError(_("%(name)s was not on your staff on that date.", name=person.name), field="activity_date")
    entry = HoursEntry(
        user_id=person.id, org_id=org.id, source=EntrySource.ADJUSTMENT, status=EntryStatus.PENDING,
        activity_date=day, minutes=minutes, description=reason, idempotency_key=key, created_by_id=actor.id,
        title=corrected.title if corrected else _summary(reason), corrects_id=corrected.id if corrected else None,
        competency_areas=list(corrected.competency_areas) if corrected else [],
        course_id=corrected.course_id if corrected else None, module_id=corrected.module_id if corrected else None,
    )
    if guard_repeats:
        check_repeat(entry, actor)
    entry, created = append_once(entry, actor)
    if not created:
        return _replayed(entry, same_adjustment(entry, data)), False
    if approve_now:
        from lms.hours.approvals import approve

        approve(entry, actor)
    return entry, created


def same_adjustment(entry: HoursEntry, data: Adjustment) -> bool:
    """Whether ``data`` is what the adjustment ``entry`` was saved from (its date when one was given)."""
    return (
        type(data.minutes) is int and entry.minutes == data.minutes and _same_text(entry.description, data.description)
        and entry.corrects_id == data.corrects_id
        and (data.activity_date is None or entry.activity_date == data.activity_date)
    )


#: Statuses that take an entry out of the ledger's counts: nothing is paid for it, and nothing may correct it.
NOT_COUNTED = (EntryStatus.REJECTED, EntryStatus.WITHDRAWN)


def is_correctable(entry: HoursEntry) -> bool:
    """Whether a correction may point at ``entry``: not once it was withdrawn (what replaced it is corrected
    instead), nor once the entry behind it was rejected or withdrawn (nothing is paid to correct; an adjustment of
    its own pays for the activity instead)."""
    return entry.status is not EntryStatus.WITHDRAWN and root_of(entry).status not in NOT_COUNTED


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


def root_of(entry: HoursEntry) -> HoursEntry:
    """The original entry behind a correction (the entry itself when it corrects nothing)."""
    root = entry
    while root.corrects_id is not None:
        root = db.session.get(HoursEntry, root.corrects_id)
    return root


def corrections_of(root: HoursEntry) -> list[tuple[int, int, EntryStatus]]:
    """``(id, minutes, status)`` of every correction of ``root`` at any depth (one query per level)."""
    found: list[tuple[int, int, EntryStatus]] = []
    frontier = {root.id}
    while frontier:
        rows = db.session.execute(
            select(HoursEntry.id, HoursEntry.minutes, HoursEntry.status).where(HoursEntry.corrects_id.in_(frontier))
        ).all()
        found.extend((row_id, minutes, status) for row_id, minutes, status in rows)
        frontier = {row_id for row_id, _m, _s in rows}
    return found


def corrected_total(entry: HoursEntry) -> int:
    """Minutes of the original entry behind ``entry`` plus every correction of it (at any depth), leaving out
    rejected and withdrawn ones: what the ledger currently credits for that activity, pending entries included."""
    root = root_of(entry)
    if root.status in NOT_COUNTED:
        return 0
    return root.minutes + sum(m for _id, m, status in corrections_of(root) if status not in NOT_COUNTED)


def approved_total(root: HoursEntry) -> int:
    """What the ledger has approved for the activity of ``root``: the root and its approved corrections."""
    if root.status is not EntryStatus.APPROVED:
        return 0
    return root.minutes + sum(m for _id, m, status in corrections_of(root) if status is EntryStatus.APPROVED)


# ---------------------------------------------------------------- reading one's own entries

@dataclass
class EntryPage:
    entries: list[HoursEntry]
    has_more: bool
    orgs: dict[int, Organisation] = field(default_factory=dict)


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
    """The person's entries, newest activity first, with their organisations (two queries). ``after``: the key of
    the last entry of the previous page (:func:`after_key`), instead of an ``offset``; ``where``: a further
    condition (only the entries sent back: :func:`lms.hours.resubmissions.sent_back_clause`)."""
    query = select(HoursEntry).where(HoursEntry.user_id == user.id)
    if where is not None:
        query = query.where(where)
    if after is not None:
        query = query.where(after_key(after, newest_first=True))
    rows = list(db.session.execute(
        query.order_by(HoursEntry.activity_date.desc(), HoursEntry.id.desc()).limit(limit + 1).offset(offset)
    ).scalars())
    page = EntryPage(rows[:limit], len(rows) > limit)
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
