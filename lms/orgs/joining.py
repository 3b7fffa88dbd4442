"""Joining an organisation by an invitation's link: the link read back, the consent to share training records, and
accepting (the manager's side, inviting, sending again and withdrawing, is :mod:`lms.orgs.invitations`).

Accepting takes the organisation's lock first (:func:`lms.orgs.invitations.lock_invitations`), so a manager withdrawing
or replacing the invitation at the same moment is seen.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from lms import audit, db
from lms.accounts.models import User
from lms.db import utcnow
from lms.errors import ConflictError, DomainError, NotFoundError
from lms.i18n import _, _l
from lms.orgs import employment_rules
from lms.orgs.invitations import employment_of, lock_invitations
from lms.orgs.models import Invitation, Membership
from lms.orgs.services import join_member
from lms.security import hash_token


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


class ConsentMissingError(DomainError):
    """Joining shares the person's training records with the organisation: they must agree to it, whether they
    create an account on the way or already have one."""

    code = "consent_required"

    def __init__(self) -> None:
        super().__init__(str(CONSENT_MISSING), field="agree")


#: Why an invitation is not accepted without the box ticked (the form says it too, on the box).
CONSENT_MISSING = _l("To join, tick the box to agree that your training records are kept and shared with your "
                     "employer.")


@dataclass(frozen=True)
class Joined:
    """An accepted invitation: the membership, and how many of the person's pending own hours records, dated within
    the employment, went to the organisation for review (``lms.hours.adoption``)."""

    membership: Membership
    sent_entries: int = 0


def accept_invitation(invitation: Invitation, user: User, *, agreed: bool) -> Joined:
    """Make ``user`` (who must own the invited address) a member with the invitation's details; closes it. Their
    pending own hours records dated within the employment go to the organisation (:class:`Joined`).

    ``agreed``: they ticked "I agree that my training records are kept and shared with my employer" (refused without
    it: :class:`ConsentMissingError`); the organisation then sees their certificates and training. The audit row
    ``invitation.accepted`` records it, with the role they accepted."""
    if not agreed:
        raise ConsentMissingError()
    if user.email != invitation.email:
        raise DomainError(_("This invitation was sent to %(email)s. Sign in with that address to accept it.", email=invitation.email))
    lock_invitations(invitation.organisation)  # a manager may be withdrawing or replacing it right now
    db.session.refresh(invitation)
    if not invitation.is_open:
        raise DomainError(_("This invitation is no longer valid. Ask your manager to send a new one."))
    try:
        membership, sent = join_member(invitation.organisation, user, employment_of(invitation), actor=user)
    except employment_rules.EmployeeIdTakenError:
        # Only for invitations sent before these were refused: the invitee is not told whose ID it is.
        raise ConflictError(_("This invitation cannot be accepted as it is: its employee ID is now someone else's. "
                              "Ask your manager to send a new one.")) from None
    except DomainError as exc:
        if exc.details.get("field") != "employment_start":
            raise
        raise ConflictError(_("This invitation cannot be accepted as it is: it starts on or before the last day "
                              "of your earlier employment there. Ask your manager to send a new one.")) from None
    invitation.accepted_at = utcnow()
    audit.record("invitation.accepted", invitation, user, org_id=invitation.org_id, role=invitation.role, agreed=True)
    return Joined(membership, sent)
