"""The end of employment: the checks on a last day, the end recorded, and the end undone when recorded by mistake.

An ended membership stays: history (hours, certificates) keeps pointing at it, and the person is former staff
everywhere at once (``Membership.is_current``). Both steps take the organisation's lock, so two managers acting on the
same person at once are decided one after the other. Changing a current member's details, and refusing that for former
staff (``EmploymentEndedError``), stays in ``lms.orgs.services``.

Undoing is for an end recorded by mistake, not a way back in: a manager may undo it only within
:data:`UNDO_DAYS` days of recording it (a site administrator at any time), and the person is emailed when it is
undone. After that, the organisation sends them a new invitation, which they accept or not.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from lms import audit, db
from lms.accounts.models import User
from lms.audit import AuditEvent
from lms.db import utcnow
from lms.errors import ConflictError, DomainError
from lms.i18n import _, format_when
from lms.notify.services import recipient_locale, send_email
from lms.orgs.models import Invitation, MemberRole, Membership
from lms.orgs.services import employment_began, ensure_another_manager

#: Days after an end of employment is recorded during which its organisation's managers may undo it.
UNDO_DAYS = 14


def check_end(membership: Membership, ended_on: date) -> None:
    """Refuse (:class:`DomainError` on ``ended_on``) a last day that cannot be recorded: employment already ended, a
    day still ahead on the organisation's calendar, or one before the first day. The confirmation page asks this
    before it shows anything, and :func:`remove_member` asks again."""
    if not membership.is_current:
        raise ConflictError(_("%(name)s's employment already ended on %(date)s.", name=membership.user.name,
                              date=format_when(membership.employment_end)), field="ended_on")
    if ended_on > membership.organisation.today():
        raise DomainError(_("Record the end of employment on or after the last day, not before: the person leaves the "
                            "current staff list as soon as it is recorded."), field="ended_on")
    if membership.employment_start and ended_on < membership.employment_start:
        raise DomainError(_("The last day cannot be before the first day of employment (%(date)s).",
                            date=format_when(membership.employment_start)), field="ended_on")


def remove_member(membership: Membership, actor: User, ended_on: date) -> None:
    """Record the end of employment; history (hours, certificates) keeps pointing at the membership. The last day is
    recorded once it has come: the person leaves the current staff (and CE tracking, and any manager rights) at once,
    so a future day would drop them early. A manager becomes a plain member (:func:`reinstate_member` does not make
    them a manager again). Under the organisation's lock, as undoing it is, so two managers ending the same person at
    once (or one undoing while another ends) are decided one after the other."""
    db.lock_row(membership.organisation, key_share=True)
    db.session.refresh(membership)
    check_end(membership, ended_on)
    if membership.is_manager:
        ensure_another_manager(membership)
    membership.employment_end = ended_on
    membership.role = MemberRole.MEMBER
    audit.record("membership.ended", membership, actor, org_id=membership.org_id, ended_on=ended_on)


def reinstate_member(membership: Membership, actor: User) -> date:
    """Undo the end of employment (recorded by mistake): they are current staff again, as a staff member (also when
    their ended row still said ``manager``; the audit row then has the role change too), with the details they had;
    the audit row keeps the cleared date. Returns that date.

    Refused (:class:`ConflictError`) when they are current staff already (e.g. they accepted a new invitation
    meanwhile, which makes them current through this same membership), and while an invitation to their address can
    still be accepted (open and unexpired): they are coming back through it, with the details and role it holds, and
    undoing the end as well would make them staff twice over (the manager withdraws the invitation first if undoing
    is what they meant), and, unless ``actor`` is a site administrator, once :data:`UNDO_DAYS` days have passed
    since the end was recorded (:func:`can_undo_end`). Under the organisation's lock, the one accepting and inviting
    take (``lms.orgs.invitations.lock_invitations``). The caller tells the person after the commit
    (:func:`tell_reinstated`)."""
    db.lock_row(membership.organisation, key_share=True)
    db.session.refresh(membership)
    if membership.is_current:
        raise ConflictError(_("%(name)s is current staff: there is no end of employment to undo.",
                              name=membership.user.name))
    if not can_undo_end(membership, actor):
        raise ConflictError(_("The end of %(name)s's employment was recorded more than %(days)d days ago and can no "
                              "longer be undone. To take them back, send them a new invitation.",
                              name=membership.user.name, days=UNDO_DAYS))
    if _open_invitation_to(membership) is not None:
        raise ConflictError(_("An invitation to %(email)s is open: they are joining again through it. Withdraw the "
                              "invitation first if you want to undo the end of their employment instead.",
                              email=membership.user.email))
    ended_on = membership.employment_end
    assert ended_on is not None
    # A row ended before ending demoted managers may still say "manager": undoing never gives manager rights back.
    before = {"employment_end": ended_on, "role": membership.role}
    after = {"employment_end": None, "role": MemberRole.MEMBER}
    membership.employment_end, membership.role = after["employment_end"], after["role"]
    audit.record("membership.reinstated", membership, actor, org_id=membership.org_id,
                 **audit.changed(before, {key: value for key, value in after.items() if before[key] != value}))
    employment_began(membership, actor)  # the days after the cleared end are theirs again: own records dated then
    return ended_on


def undo_closes_at(membership: Membership) -> datetime:
    """When undoing ``membership``'s end of employment closes to its managers: :data:`UNDO_DAYS` days after the end
    was recorded (the latest ``membership.ended`` audit row), or, for an end recorded before the audit log kept it,
    :data:`UNDO_DAYS` days after the end of its last day on the organisation's calendar (:func:`_legacy_closes_at`)."""
    recorded = db.session.execute(
        select(AuditEvent.at).where(AuditEvent.object_type == "Membership", AuditEvent.object_id == membership.id,
                                    AuditEvent.action == "membership.ended")
        .order_by(AuditEvent.id.desc()).limit(1)
    ).scalar_one_or_none()
    if recorded is None:
        return _legacy_closes_at(membership)
    if recorded.tzinfo is None:  # SQLite hands back naive UTC
        recorded = recorded.replace(tzinfo=UTC)
    return recorded + timedelta(days=UNDO_DAYS)


def _legacy_closes_at(membership: Membership) -> datetime:
    """For an end with no audit row, the membership keeps no time it was recorded, only its last day; an end is
    recorded on that day at the earliest (:func:`check_end`), at an hour nobody knows. Counting from the end of that
    day where the organisation is gives the manager the benefit of the doubt, and whole days on their own calendar:
    undoing stays open through the :data:`UNDO_DAYS`-th day after the last day and closes at the midnight that ends
    it (a wall-clock midnight, so a change to or from daylight saving time moves no day)."""
    assert membership.employment_end is not None
    closing_day = membership.employment_end + timedelta(days=UNDO_DAYS + 1)
    return datetime.combine(closing_day, time(), tzinfo=ZoneInfo(membership.organisation.timezone)).astimezone(UTC)


def can_undo_end(membership: Membership, actor: User | None) -> bool:
    """Whether ``actor`` may undo ``membership``'s end of employment now: a site administrator always; anyone else
    (a manager) only until :func:`undo_closes_at`."""
    if membership.is_current:
        return False
    return bool(getattr(actor, "is_admin", False)) or utcnow() < undo_closes_at(membership)


def tell_reinstated(membership: Membership, actor: User, ended_on: date) -> None:
    """Email the person that ``actor`` undid the end of their employment on ``ended_on``: the organisation's managers
    see their records again. In their language; raises :class:`lms.notify.services.MailError`."""
    user = membership.user
    send_email(user.email, "employment_reinstated", recipient_locale(user), user=user, by=actor.name,
               org_name=membership.organisation.name, ended_on=ended_on)


def _open_invitation_to(membership: Membership) -> Invitation | None:
    return db.session.execute(
        select(Invitation).where(Invitation.org_id == membership.org_id, Invitation.email == membership.user.email,
                                 Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None),
                                 Invitation.expires_at > utcnow()).limit(1)
    ).scalar_one_or_none()
