"""Supervised field experience: logged by the trainee, appended pending (:mod:`lms.hours.ledger`), and signed off
when a manager of the organisation they worked for approves it (approving it counts towards the course's field
module: :mod:`lms.hours.approvals`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, or_, select

from lms import db
from lms.accounts.models import User
from lms.accounts.names import InvalidName, clean_name
from lms.catalog.models import Course, Module, ModuleKind, Text
from lms.catalog.texts import Texts
from lms.enrollment.models import Enrollment, EnrollmentStatus
from lms.errors import DomainError
from lms.hours.entry_orgs import employers_on, list_user_orgs, resolve_org
from lms.hours.ledger import (
    append_once,
    check_areas,
    check_date,
    check_key,
    check_minutes,
    check_text,
    find_by_key,
    replayed,
    same_text,
    summary_of,
)
from lms.hours.models import EntrySource, EntryStatus, HoursEntry
from lms.hours.repeats import check_repeat
from lms.i18n import _, today_for

#: Sanity limit on one entry (not a rule of any regulator): a day's field work.
MAX_FIELD_MINUTES = 24 * 60


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


def has_employer_today(user: Any) -> bool:
    """Whether ``user`` is on the staff of an organisation today (on her calendar): :func:`log_field` refuses a date
    with no employer, so with none today the course pages do not offer "Log field experience" and the form says why
    first (someone who left may still log a date from when she worked there)."""
    return bool(getattr(user, "id", None)) and bool(employers_on(user.id, today_for(user)))


def may_log_field(user: Any, staff_of: Sequence[Any] | None = None) -> bool:
    """Whether the person may log field experience at all: she is or was on the staff of an organisation (someone
    who left may log a date from when she worked there; :func:`log_field` takes any date with an employer). Someone
    never on any staff would have every date refused, so she is offered no form and no "Log field experience"
    button. ``staff_of``: her organisations or memberships when the caller has them (no query)."""
    if staff_of is None:
        staff_of = list_user_orgs(user) if getattr(user, "id", None) else []
    return bool(staff_of)


def log_field(user: User, data: FieldExperience, key: str | None, *, guard_repeats: bool = False) -> tuple[HoursEntry, bool]:
    """Append a pending field-experience entry (idempotent on ``key``). It needs an employer on that date, whose
    managers sign it off; ``module_id`` (optional) is a field module of a course the person is enrolled in.
    ``guard_repeats`` as for :func:`lms.hours.external_training.submit_external`."""
    key = check_key(key)
    existing = find_by_key(user.id, key)
    if existing is not None:
        return replayed(existing, same_field(existing, data)), False
    day = check_date(data.activity_date, today_for(user))
    description = check_text(data.description, 4000, _("Describe what you did."), "description")
    org_id = resolve_org(user.id, day, data.org_id)
    if org_id is None:
        raise DomainError(_("Field experience is signed off by a manager of the organisation you worked for, and you "
                            "are not on the staff of any organisation on that date."), field="activity_date")
    module = _field_module(user, data.module_id) if data.module_id else None
    entry = HoursEntry(
        user_id=user.id, source=EntrySource.FIELD, status=EntryStatus.PENDING, activity_date=day,
        minutes=check_minutes(data.minutes, MAX_FIELD_MINUTES), title=summary_of(description), description=description,
        competency_areas=check_areas(data.competency_areas), idempotency_key=key, created_by_id=user.id,
        supervisor_name=_supervisor_name(data.supervisor_name),
        supervisor_title=check_text(data.supervisor_title, 200, _("Enter your supervisor's job title."), "supervisor_title"),
        org_id=org_id, module_id=module.id if module else None, course_id=module.course_id if module else None,
    )
    if guard_repeats:
        check_repeat(entry, user)
    entry, created = append_once(entry, user)
    return (entry if created else replayed(entry, same_field(entry, data))), created


def same_field(entry: HoursEntry, data: FieldExperience) -> bool:
    """Whether ``data`` is what ``entry`` was saved from (areas in any order; module and organisation when chosen)."""
    try:
        supervisor = clean_name(data.supervisor_name or "")
    except InvalidName:
        return False
    return (
        type(data.activity_date) is date and entry.activity_date == data.activity_date
        and type(data.minutes) is int and entry.minutes == data.minutes
        and same_text(entry.description, data.description) and entry.supervisor_name == supervisor
        and same_text(entry.supervisor_title, data.supervisor_title)
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


# ---------------------------------------------------------------- the modules to choose from

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
