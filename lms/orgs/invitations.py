"""Invitations to join an organisation, the manager's side: invite, send again, withdraw (the invitee's side,
accepting by the link, is :mod:`lms.orgs.joining`).

At most one invitation to an address is open per organisation: replacing it needs the manager's confirmation
(:class:`OpenInvitationError`). Everything that opens an invitation first takes the organisation's lock
(:func:`lock_invitations`), so two managers inviting the same address at once cannot both see "none open".
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from lms import audit, db
from lms.accounts.models import User
from lms.accounts.names import optional_name
from lms.db import utcnow
from lms.errors import ConflictError, DomainError, NotFoundError
from lms.i18n import _
from lms.orgs import employment_rules
from lms.orgs.models import Invitation, MemberRole, Membership, Organisation
from lms.orgs.services import Employment, create_org
from lms.orgs.settings import OrgSettings
from lms.security import hash_token, new_token


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
    *,
    checked: bool = False,
) -> tuple[Invitation, str]:
    """Create an invitation; returns it and its raw token.

    Current staff are refused (:class:`AlreadyStaffError`). An open invitation to the same address is replaced (its
    link stops working) only when ``replaces`` is its id, that is when the manager has seen it and confirmed;
    otherwise :class:`OpenInvitationError` names it and nothing changes. The details keep the rules of
    :mod:`lms.orgs.employment_rules` (an employee ID nobody else has, a start date at most a year ahead and, for
    former staff, after their last day); ``checked``: the caller has checked them (a roster import, every line at
    once). Holds the organisation's lock until the caller commits, so a concurrent invitation to the same address
    waits and then sees this one.
    """
    email = email.strip().lower()
    lock_invitations(org)
    _ensure_not_staff(org, email)
    if not checked:
        check_details(org, email, employment)
    superseded = _open_invitations(org, email)
    if superseded and superseded[0].id != replaces:
        raise OpenInvitationError(superseded[0])
    invitation, raw = _issue(org, email, name, employment, actor.id, max_age_days)
    audit.record("invitation.created", invitation, actor, org_id=org.id, email=email, role=invitation.role,
                 replaces=[old.id for old in superseded])
    for old in superseded:
        _supersede(old, invitation, actor)
    return invitation, raw


def resend_invitation(org: Organisation, invitation_id: int, actor: User, max_age_days: int) -> tuple[Invitation, str]:
    """Send an open (possibly expired) invitation again: a new link, valid for ``max_age_days``, with the same details.

    Tokens are stored hashed, so this issues a new invitation and the old link stops working. Raises
    :class:`NotFoundError` for another organisation's invitation, :class:`ConflictError` if it was accepted, withdrawn
    or sent again meanwhile, and :class:`AlreadyStaffError` if the person has joined since.
    """
    lock_invitations(org)  # before the invitation's lock, in the same order as invite() (which may replace it)
    old = _get_org_invitation(org, invitation_id, lock=True)
    if not old.is_open:
        raise ConflictError(_("This invitation is no longer open: it was accepted, withdrawn or sent again."))
    _ensure_not_staff(org, old.email)
    invitation, raw = _issue(org, old.email, old.name, employment_of(old), old.invited_by_id, max_age_days)
    audit.record("invitation.resent", invitation, actor, org_id=org.id, email=old.email, role=invitation.role,
                 replaces=[old.id])
    _supersede(old, invitation, actor)
    return invitation, raw


def lock_invitations(org: Organisation) -> None:
    """Serialise inviting, accepting, withdrawing and importing invitations of one organisation until the transaction
    ends. ``key_share``: inserts that reference the organisation need not wait for it."""
    db.lock_row(org, key_share=True)


def check_details(org: Organisation, email: str, employment: Employment) -> None:
    """Refuse details an invitation to ``email`` cannot have (:mod:`lms.orgs.employment_rules`; field-level
    :class:`DomainError`). Former staff may be invited without a start date: they start on the day they accept."""
    employment_rules.check_employee_id(org, employment.employee_id, email=email)
    employment_rules.check_start(org, employment.employment_start)
    former = get_former_membership_by_email(org, email)
    if former is not None and employment.employment_start is not None:
        employment_rules.check_starts_after(former.user.name, employment.employment_start, former.employment_end)


def get_former_membership_by_email(org: Organisation, email: str) -> Membership | None:
    """The membership of the person with this email if they are former staff (employment ended)."""
    return db.session.execute(
        select(Membership)
        .join(User, User.id == Membership.user_id)
        .where(Membership.org_id == org.id, User.email == email.strip().lower(), Membership.employment_end.is_not(None))
    ).scalar_one_or_none()


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


def employment_of(invitation: Invitation) -> Employment:
    """The staff details the invitation offers (role, employee ID, job title, start and type of employment)."""
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


def revoke_invitation(org: Organisation, invitation_id: int, actor: User) -> tuple[Invitation, bool]:
    """Withdraw an open invitation (its link stops working); one already accepted or withdrawn is left as it is.
    Returns the invitation and whether this call withdrew it."""
    lock_invitations(org)  # the invitee may be accepting it right now
    invitation = _get_org_invitation(org, invitation_id)
    db.session.refresh(invitation)
    if not invitation.is_open:
        return invitation, False
    invitation.revoked_at = utcnow()
    audit.record("invitation.revoked", invitation, actor, org_id=org.id)
    return invitation, True


def register_for_manager(slug: str, settings: OrgSettings, admin: User, email: str, name: str | None,
                         max_age_days: int) -> tuple[Organisation, Invitation, str]:
    """A site administrator registers an organisation for a clinic and invites its first manager by email: nobody
    joins it now, so the administrator is not put on its staff (they reach it anyway, as every administrator does).
    Returns the organisation, the invitation and its raw token (to email). Only site administrators: anyone else who
    registers an organisation must manage it, or nobody could."""
    if not admin.is_admin:
        raise DomainError(_("Only site administrators can register an organisation for someone else."))
    existing = db.session.execute(select(User).where(User.email == email.strip().lower())).scalar_one_or_none()
    if existing is not None and not existing.is_active:  # they could not sign in to accept, nor manage it
        # i18n: refusal on the new-organisation form: the first manager named has an account a site admin disabled
        raise DomainError(_("The account of %(email)s is disabled, so they could not manage the organisation: enable "
                            "it first on the People page, or name another first manager.", email=existing.email),
                          field="first_manager_email")
    org = create_org(slug, settings, admin, join=False)
    invitation, raw = invite(org, email, name, Employment(role=MemberRole.MANAGER), admin, max_age_days)
    return org, invitation, raw
