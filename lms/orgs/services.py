"""Organisation use cases: create and configure, memberships, managers (invitations: ``lms.orgs.invitations``; the end of
employment: ``lms.orgs.employment``)."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import aliased

from lms import audit, db
from lms.accounts.models import User
from lms.errors import ConflictError, DomainError, NotFoundError
from lms.i18n import _, format_when
from lms.orgs.models import (
    CEYearBasis,
    EmploymentType,
    MemberRole,
    Membership,
    Organisation,
    OrgKind,
    PayPeriod,
)
from lms.signals import membership_created, pay_schedule_changed

SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")


@dataclass(frozen=True)
class OrgSettings:
    """Everything an organisation's managers can configure."""

    name: str
    kind: OrgKind = OrgKind.EMPLOYER
    timezone: str = "America/Los_Angeles"
    pay_period: PayPeriod = PayPeriod.BIWEEKLY
    #: Weekly and two-week periods are counted from it; None keeps the current one (or :data:`DEFAULT_ANCHOR`) for
    #: monthly and twice-a-month periods, which follow the calendar, and is refused for the others.
    pay_period_anchor: date | None = date(2026, 1, 5)
    training_pay_rate_cents: int = 0
    ce_year_basis: CEYearBasis = CEYearBasis.CALENDAR
    ce_fiscal_start_month: int = 7
    ce_annual_minimum_minutes: int = 360
    signatory_name: str | None = None
    signatory_title: str | None = None


@dataclass(frozen=True)
class Employment:
    """Employment details kept on a membership (and on an invitation until it is accepted)."""

    employee_id: str | None = None
    job_title: str | None = None
    employment_start: date | None = None
    employment_type: EmploymentType = EmploymentType.EMPLOYEE
    role: MemberRole = MemberRole.MEMBER


def get_org(slug: str) -> Organisation:
    org = db.session.execute(select(Organisation).where(Organisation.slug == slug)).scalar_one_or_none()
    if org is None:
        raise NotFoundError(_("No such organisation."))
    return org


def find_org(slug: str) -> Organisation | None:
    return db.session.execute(select(Organisation).where(Organisation.slug == slug)).scalar_one_or_none()


#: The anchor an organisation gets when none is given (its pay periods follow the calendar).
DEFAULT_ANCHOR = date(2026, 1, 5)
#: Pay periods counted in runs of days from ``pay_period_anchor``; the others are calendar months or half-months.
ANCHORED_PAY_PERIODS = frozenset({PayPeriod.WEEKLY, PayPeriod.BIWEEKLY})


def _with_anchor(settings: OrgSettings, current: date) -> OrgSettings:
    """``settings`` with a pay-period anchor: the one given, else ``current`` where the anchor does not matter."""
    if settings.pay_period_anchor is not None:
        return settings
    if settings.pay_period in ANCHORED_PAY_PERIODS:
        raise DomainError(_("Enter the first day of any pay period: weekly and two-week pay periods are counted from "
                            "it."), field="pay_period_anchor")
    return replace(settings, pay_period_anchor=current)


def _check_settings(settings: OrgSettings) -> None:
    if settings.training_pay_rate_cents < 0:
        raise DomainError(_("The pay rate cannot be negative."))
    if not 1 <= settings.ce_fiscal_start_month <= 12:
        raise DomainError(_("Choose a month between 1 and 12."))
    if settings.ce_annual_minimum_minutes < 0:
        raise DomainError(_("The yearly minimum cannot be negative."))


def create_org(slug: str, settings: OrgSettings, creator: User | None, *, join: bool = True) -> Organisation:
    """Create an organisation; its creator (if any) becomes its first manager, unless ``join`` is False (a site
    administrator setting it up for a clinic, whose first manager is invited instead: see
    ``lms.orgs.invitations.register_for_manager``)."""
    slug = slug.strip().lower()
    if not SLUG_RE.match(slug):
        raise DomainError(_("Use lowercase letters, numbers and hyphens for the short name."))
    if find_org(slug) is not None:
        raise ConflictError(_("That short name is already taken."))
    settings = _with_anchor(settings, DEFAULT_ANCHOR)
    _check_settings(settings)
    org = Organisation(slug=slug, **settings.__dict__)
    db.session.add(org)
    db.session.flush()
    audit.record("org.created", org, creator, org_id=org.id)
    if creator is not None and join:
        add_member(org, creator, Employment(role=MemberRole.MANAGER), actor=creator)
    return org


def update_settings(org: Organisation, settings: OrgSettings, actor: User) -> int:
    """Apply the settings; returns how many approved hours entries not yet exported moved to other pay periods
    because the pay period or its anchor changed (see ``lms.hours.approvals.repay_unexported``)."""
    settings = _with_anchor(settings, org.pay_period_anchor)
    _check_settings(settings)
    before = {key: getattr(org, key) for key in settings.__dict__}
    changes = {key: value for key, value in settings.__dict__.items() if before[key] != value}
    for key, value in changes.items():
        setattr(org, key, value)
    if changes:
        audit.record("org.settings_changed", org, actor, org_id=org.id, **audit.changed(before, changes))
    if changes.keys() & {"pay_period", "pay_period_anchor"}:
        db.session.flush()
        return sum(moved for _receiver, moved in pay_schedule_changed.send(org, actor=actor) if moved)
    return 0


def list_orgs() -> list[Organisation]:
    return list(db.session.execute(select(Organisation).order_by(Organisation.name)).scalars())


def get_membership(org: Organisation, user: User) -> Membership | None:
    return db.session.execute(
        select(Membership).where(Membership.org_id == org.id, Membership.user_id == user.id)
    ).scalar_one_or_none()


def get_membership_by_id(org: Organisation, membership_id: int) -> Membership:
    membership = db.session.get(Membership, membership_id)
    if membership is None or membership.org_id != org.id:
        raise NotFoundError(_("No such staff member."))
    return membership


def add_member(org: Organisation, user: User, employment: Employment, actor: User | None) -> Membership:
    """Add ``user`` to ``org``, or update their employment details (and make them current staff again) if already a
    member; nothing is recorded when they are current staff with these very details already."""
    membership = get_membership(org, user)
    if membership is not None:
        _change_employment(membership, employment, actor, rejoin=True)  # joining again makes them current staff
        db.session.flush()
        return membership
    membership = Membership(org_id=org.id, user_id=user.id)
    db.session.add(membership)
    set_employment(membership, employment)
    db.session.flush()
    joined = _employment_of(membership)  # what they joined with (the fields that are set)
    audit.record("membership.created", membership, actor, org_id=org.id,
                 **{key: value for key, value in joined.items() if value is not None})
    membership_created.send(membership)
    return membership


def set_employment(membership: Membership, employment: Employment) -> None:
    membership.employee_id = (employment.employee_id or "").strip() or None
    membership.job_title = (employment.job_title or "").strip() or None
    membership.employment_start = employment.employment_start
    membership.employment_type = employment.employment_type
    membership.role = employment.role


#: The fields of a membership whose changes the audit log records, old and new (``employee_id`` is the payroll key).
EMPLOYMENT_FIELDS = ("role", "employee_id", "job_title", "employment_start", "employment_type", "employment_end")


def _employment_of(membership: Membership) -> dict[str, Any]:
    return {key: getattr(membership, key) for key in EMPLOYMENT_FIELDS}


def _employment_changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    return audit.changed(before, {key: value for key, value in after.items() if before[key] != value})


class EmploymentEndedError(ConflictError):
    """The membership is former staff: its details and role are kept as they were (undo the end, or invite again)."""

    code = "employment_ended"

    def __init__(self, membership: Membership) -> None:
        super().__init__(_("%(name)s's employment ended on %(date)s, so their details and role cannot be changed. If "
                           "they still work here, undo the end of their employment first.",
                           name=membership.user.name, date=format_when(membership.employment_end)))
        self.membership = membership


def update_member(membership: Membership, employment: Employment, actor: User) -> bool:
    """Change a current staff member's employment details and role; the audit row holds each changed field, old and
    new. False, with nothing recorded, when nothing changed. Former staff are refused (:class:`EmploymentEndedError`):
    making someone who has left a manager would give them manager rights nobody sees on the staff list."""
    if not membership.is_current:
        raise EmploymentEndedError(membership)
    return _change_employment(membership, employment, actor)


def _change_employment(membership: Membership, employment: Employment, actor: User | None, *,
                       rejoin: bool = False) -> bool:
    if membership.is_manager and employment.role is not MemberRole.MANAGER:
        ensure_another_manager(membership)
    before = _employment_of(membership)
    set_employment(membership, employment)
    if rejoin:
        membership.employment_end = None
    changes = _employment_changes(before, _employment_of(membership))
    if changes:
        audit.record("membership.updated", membership, actor, org_id=membership.org_id, **changes)
    return bool(changes)


def ensure_another_manager(membership: Membership) -> None:
    """Refuse to leave the organisation without a current manager whose account is active (a disabled one cannot
    approve hours or export payroll). Under the organisation's row lock, so two managers stepping down at the same
    moment are decided one after the other."""
    db.lock_row(membership.organisation, key_share=True)
    others = db.session.execute(
        select(Membership.id).join(User, User.id == Membership.user_id).where(
            Membership.org_id == membership.org_id,
            Membership.is_manager,
            Membership.id != membership.id,
            User.is_active.is_(True),
        )
    ).first()
    if others is None:
        raise DomainError(_("An organisation needs at least one manager with an active account."))


def sole_manager_orgs(user: User) -> list[Organisation]:
    """The organisations, by name, that ``user`` manages with no other manager whose account is active: disabling
    ``user`` would leave nobody there to approve hours or export payroll (only site administrators). One query."""
    mine, other = aliased(Membership), aliased(Membership)
    other_active_manager = (
        select(other.id).join(User, User.id == other.user_id)
        .where(other.org_id == Organisation.id, other.is_manager, other.user_id != user.id, User.is_active.is_(True))
    )
    return list(db.session.execute(
        select(Organisation).join(mine, mine.org_id == Organisation.id)
        .where(mine.user_id == user.id, mine.is_manager, ~other_active_manager.exists())
        .order_by(Organisation.name, Organisation.id)
    ).scalars())


def list_members(org: Organisation, include_former: bool = False) -> list[Membership]:
    query = select(Membership).join(Membership.user).where(Membership.org_id == org.id).order_by(User.name)
    if not include_former:
        query = query.where(Membership.is_current)
    return list(db.session.execute(query).scalars())


def list_user_memberships(user: User) -> list[Membership]:
    return list(db.session.execute(select(Membership).where(Membership.user_id == user.id).order_by(Membership.created_at)).scalars())


# A membership gives manager rights only while it is current (``Membership.is_manager``): these are what the access
# policies, sign-in sessions (``lms.accounts.services.user_for_session`` uses the same expression), API tokens and the
# certificate and evidence checks read.

def managed_org_slugs(user: User) -> set[str]:
    """Slugs of the organisations the user manages now (``@access.org_manager`` for API tokens)."""
    if not getattr(user, "id", None):
        return set()
    rows = db.session.execute(
        select(Organisation.slug)
        .join(Membership, Membership.org_id == Organisation.id)
        .where(Membership.user_id == user.id, Membership.is_manager)
    )
    return {slug for (slug,) in rows}


def managed_orgs(user: User) -> list[Organisation]:
    """The organisations the user manages now, by name. One query."""
    if not getattr(user, "id", None):
        return []
    return list(db.session.execute(
        select(Organisation).join(Membership, Membership.org_id == Organisation.id)
        .where(Membership.user_id == user.id, Membership.is_manager)
        .order_by(Organisation.name, Organisation.id)
    ).scalars())


def managed_org_ids(user: User) -> set[int]:
    """IDs of the organisations the user manages now (e.g. to scope certificates, which record an org ID)."""
    if not getattr(user, "id", None):
        return set()
    rows = db.session.execute(select(Membership.org_id).where(Membership.user_id == user.id, Membership.is_manager))
    return {org_id for (org_id,) in rows}
