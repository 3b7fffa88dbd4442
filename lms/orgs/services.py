"""Organisation use cases: create and configure, memberships, managers, invitations."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select

from lms import audit, db
from lms.accounts.models import User
from lms.accounts.names import optional_name
from lms.db import utcnow
from lms.errors import ConflictError, DomainError, NotFoundError
from lms.i18n import _
from lms.orgs.models import (
    CEYearBasis,
    EmploymentType,
    Invitation,
    MemberRole,
    Membership,
    Organisation,
    OrgKind,
    PayPeriod,
)
from lms.security import hash_token, new_token
from lms.signals import membership_created, pay_schedule_changed

SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")


@dataclass(frozen=True)
class OrgSettings:
    """Everything an organisation's managers can configure."""

    name: str
    kind: OrgKind = OrgKind.EMPLOYER
    timezone: str = "America/Los_Angeles"
    pay_period: PayPeriod = PayPeriod.BIWEEKLY
    pay_period_anchor: date = date(2026, 1, 5)
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


def _check_settings(settings: OrgSettings) -> None:
    if settings.training_pay_rate_cents < 0:
        raise DomainError(_("The pay rate cannot be negative."))
    if not 1 <= settings.ce_fiscal_start_month <= 12:
        raise DomainError(_("Choose a month between 1 and 12."))
    if settings.ce_annual_minimum_minutes < 0:
        raise DomainError(_("The yearly minimum cannot be negative."))


def create_org(slug: str, settings: OrgSettings, creator: User | None) -> Organisation:
    """Create an organisation; its creator (if any) becomes its first manager."""
    slug = slug.strip().lower()
    if not SLUG_RE.match(slug):
        raise DomainError(_("Use lowercase letters, numbers and hyphens for the short name."))
    if find_org(slug) is not None:
        raise ConflictError(_("That short name is already taken."))
    _check_settings(settings)
    org = Organisation(slug=slug, **settings.__dict__)
    db.session.add(org)
    db.session.flush()
    audit.record("org.created", org, creator, org_id=org.id)
    if creator is not None:
        add_member(org, creator, Employment(role=MemberRole.MANAGER), actor=creator)
    return org


def update_settings(org: Organisation, settings: OrgSettings, actor: User) -> int:
    """Apply the settings; returns how many approved hours entries not yet exported moved to other pay periods
    because the pay period or its anchor changed (see ``lms.hours.approvals.repay_unexported``)."""
    _check_settings(settings)
    changes = {key: value for key, value in settings.__dict__.items() if getattr(org, key) != value}
    for key, value in changes.items():
        setattr(org, key, value)
    if changes:
        audit.record("org.settings_changed", org, actor, org_id=org.id, **changes)
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
    """Add ``user`` to ``org`` or update their employment details if already a member."""
    membership = get_membership(org, user)
    created = membership is None
    if membership is None:
        membership = Membership(org_id=org.id, user_id=user.id)
        db.session.add(membership)
    elif membership.is_manager and employment.role is not MemberRole.MANAGER:
        _ensure_another_manager(membership)
    set_employment(membership, employment)
    membership.employment_end = None  # joining (again) makes them current staff
    db.session.flush()
    audit.record("membership.created" if created else "membership.updated", membership, actor, org_id=org.id)
    if created:
        membership_created.send(membership)
    return membership


def set_employment(membership: Membership, employment: Employment) -> None:
    membership.employee_id = (employment.employee_id or "").strip() or None
    membership.job_title = (employment.job_title or "").strip() or None
    membership.employment_start = employment.employment_start
    membership.employment_type = employment.employment_type
    membership.role = employment.role


def update_member(membership: Membership, employment: Employment, actor: User) -> None:
    if membership.is_manager and employment.role is not MemberRole.MANAGER:
        _ensure_another_manager(membership)
    set_employment(membership, employment)
    audit.record("membership.updated", membership, actor, org_id=membership.org_id)


def remove_member(membership: Membership, actor: User, ended_on: date) -> None:
    """Record the end of employment; history (hours, certificates) keeps pointing at the membership."""
    if membership.is_manager:
        _ensure_another_manager(membership)
    membership.employment_end = ended_on
    membership.role = MemberRole.MEMBER
    audit.record("membership.ended", membership, actor, org_id=membership.org_id, ended_on=ended_on)


def _ensure_another_manager(membership: Membership) -> None:
    others = db.session.execute(
        select(Membership.id).where(
            Membership.org_id == membership.org_id,
            Membership.role == MemberRole.MANAGER,
            Membership.id != membership.id,
        )
    ).first()
    if others is None:
        raise DomainError(_("An organisation needs at least one manager."))


def list_members(org: Organisation, include_former: bool = False) -> list[Membership]:
    query = select(Membership).join(Membership.user).where(Membership.org_id == org.id).order_by(User.name)
    if not include_former:
        query = query.where(Membership.employment_end.is_(None))
    return list(db.session.execute(query).scalars())


def list_user_memberships(user: User) -> list[Membership]:
    return list(db.session.execute(select(Membership).where(Membership.user_id == user.id).order_by(Membership.created_at)).scalars())


def managed_org_slugs(user: User) -> set[str]:
    rows = db.session.execute(
        select(Organisation.slug)
        .join(Membership, Membership.org_id == Organisation.id)
        .where(Membership.user_id == user.id, Membership.role == MemberRole.MANAGER)
    )
    return {slug for (slug,) in rows}


def managed_org_ids(user: User) -> set[int]:
    """IDs of the organisations the user manages (e.g. to scope certificates, which record an org ID)."""
    if not getattr(user, "id", None):
        return set()
    rows = db.session.execute(select(Membership.org_id).where(Membership.user_id == user.id, Membership.role == MemberRole.MANAGER))
    return {org_id for (org_id,) in rows}


class AlreadyStaffError(ConflictError):
    """The address belongs to current staff: change their details on their staff page instead of inviting them."""

    code = "already_staff"

    def __init__(self, membership: Membership) -> None:
        super().__init__(_("%(email)s is already on your staff.", email=membership.user.email))
        self.membership = membership


class OpenInvitationError(ConflictError):
    """An invitation to the address is still open; replacing it needs the manager to confirm, having seen it."""

    code = "invitation_open"

    def __init__(self, invitation: Invitation) -> None:
        super().__init__(_("An invitation to %(email)s is already open.", email=invitation.email))
        self.invitation = invitation


def get_current_membership_by_email(org: Organisation, email: str) -> Membership | None:
    """The membership of the person with this email if they are current staff (employment not ended)."""
    return db.session.execute(
        select(Membership)
        .join(User, User.id == Membership.user_id)
        .where(Membership.org_id == org.id, User.email == email.strip().lower(), Membership.employment_end.is_(None))
    ).scalar_one_or_none()


def get_open_invitation(org: Organisation, email: str) -> Invitation | None:
    """The newest invitation to ``email`` not yet accepted or withdrawn (expired or not)."""
    invitations = _open_invitations(org, email.strip().lower())
    return invitations[0] if invitations else None


def invite(
    org: Organisation,
    email: str,
    name: str | None,
    employment: Employment,
    actor: User,
    max_age_days: int,
    replaces: int | None = None,
) -> tuple[Invitation, str]:
    """Create an invitation; returns it and its raw token.

    Current staff are refused (:class:`AlreadyStaffError`). An open invitation to the same address is replaced (its
    link stops working) only when ``replaces`` is its id, that is when the manager has seen it and confirmed;
    otherwise :class:`OpenInvitationError` names it and nothing changes.
    """
    email = email.strip().lower()
    _ensure_not_staff(org, email)
    superseded = _open_invitations(org, email)
    if superseded and superseded[0].id != replaces:
        raise OpenInvitationError(superseded[0])
    invitation, raw = _issue(org, email, name, employment, actor.id, max_age_days)
    audit.record("invitation.created", invitation, actor, org_id=org.id, email=email, replaces=[old.id for old in superseded])
    for old in superseded:
        _supersede(old, invitation, actor)
    return invitation, raw


def resend_invitation(org: Organisation, invitation_id: int, actor: User, max_age_days: int) -> tuple[Invitation, str]:
    """Send an open (possibly expired) invitation again: a new link, valid for ``max_age_days``, with the same details.

    Tokens are stored hashed, so this issues a new invitation and the old link stops working. Raises
    :class:`NotFoundError` for another organisation's invitation, :class:`ConflictError` if it was accepted, withdrawn
    or sent again meanwhile, and :class:`AlreadyStaffError` if the person has joined since.
    """
    old = _get_org_invitation(org, invitation_id, lock=True)
    if not old.is_open:
        raise ConflictError(_("This invitation is no longer open: it was accepted, withdrawn or sent again."))
    _ensure_not_staff(org, old.email)
    invitation, raw = _issue(org, old.email, old.name, _employment_of(old), old.invited_by_id, max_age_days)
    audit.record("invitation.resent", invitation, actor, org_id=org.id, email=old.email, replaces=[old.id])
    _supersede(old, invitation, actor)
    return invitation, raw


def _ensure_not_staff(org: Organisation, email: str) -> None:
    membership = get_current_membership_by_email(org, email)
    if membership is not None:
        raise AlreadyStaffError(membership)


def _issue(
    org: Organisation,
    email: str,
    name: str | None,
    employment: Employment,
    invited_by_id: int | None,
    max_age_days: int,
) -> tuple[Invitation, str]:
    raw = new_token()
    invitation = Invitation(
        org_id=org.id,
        email=email,
        name=optional_name(name),
        role=employment.role,
        employee_id=(employment.employee_id or "").strip() or None,
        job_title=(employment.job_title or "").strip() or None,
        employment_start=employment.employment_start,
        employment_type=employment.employment_type,
        token_hash=hash_token(raw),
        invited_by_id=invited_by_id,
        expires_at=utcnow() + timedelta(days=max_age_days),
    )
    db.session.add(invitation)
    db.session.flush()
    return invitation, raw


def _supersede(old: Invitation, new: Invitation, actor: User) -> None:
    """Close ``old`` (its link stops working), recording which invitation took its place."""
    old.revoked_at = utcnow()
    audit.record("invitation.replaced", old, actor, org_id=old.org_id, email=old.email, by=new.id)


def _employment_of(invitation: Invitation) -> Employment:
    return Employment(
        employee_id=invitation.employee_id,
        job_title=invitation.job_title,
        employment_start=invitation.employment_start,
        employment_type=invitation.employment_type,
        role=invitation.role,
    )


def _open_invitations(org: Organisation, email: str) -> list[Invitation]:
    """Newest first (there is at most one unless rows predate the replace-on-confirm rule)."""
    return list(
        db.session.execute(
            select(Invitation)
            .where(
                Invitation.org_id == org.id,
                Invitation.email == email,
                Invitation.accepted_at.is_(None),
                Invitation.revoked_at.is_(None),
            )
            .order_by(Invitation.created_at.desc(), Invitation.id.desc())
        ).scalars()
    )


def list_open_invitations(org: Organisation) -> list[Invitation]:
    """Invitations not yet accepted or withdrawn, newest first, expired ones included (they can be sent again)."""
    return list(
        db.session.execute(
            select(Invitation)
            .where(Invitation.org_id == org.id, Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None))
            .order_by(Invitation.created_at.desc(), Invitation.id.desc())
        ).scalars()
    )


def _get_org_invitation(org: Organisation, invitation_id: int, lock: bool = False) -> Invitation:
    # ``of``: the organisation is eager-loaded by an outer join, which PostgreSQL cannot lock.
    invitation = db.session.get(Invitation, invitation_id, with_for_update={"of": Invitation} if lock else None)
    if invitation is None or invitation.org_id != org.id:
        raise NotFoundError(_("No such invitation."))
    return invitation


def get_invitation(raw_token: str, now: datetime | None = None) -> Invitation:
    """The open, unexpired invitation for a link token."""
    invitation = db.session.execute(select(Invitation).where(Invitation.token_hash == hash_token(raw_token))).scalar_one_or_none()
    if invitation is None or invitation.revoked_at is not None:
        raise NotFoundError(_("This invitation is not valid. Ask your manager to send a new one."))
    if invitation.accepted_at is not None:
        raise DomainError(_("This invitation has already been accepted."))
    if (now or utcnow()) > invitation.expires_at:
        raise DomainError(_("This invitation has expired. Ask your manager to send a new one."))
    return invitation


def accept_invitation(invitation: Invitation, user: User) -> Membership:
    if user.email != invitation.email:
        raise DomainError(_("This invitation was sent to %(email)s. Sign in with that address to accept it.", email=invitation.email))
    membership = add_member(invitation.organisation, user, _employment_of(invitation), actor=user)
    invitation.accepted_at = utcnow()
    return membership


def revoke_invitation(org: Organisation, invitation_id: int, actor: User) -> None:
    invitation = _get_org_invitation(org, invitation_id)
    if invitation.is_open:
        invitation.revoked_at = utcnow()
        audit.record("invitation.revoked", invitation, actor, org_id=org.id)
