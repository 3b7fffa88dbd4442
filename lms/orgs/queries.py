"""Reading memberships for many people or organisations at once (the administrators' list of accounts, their list of
organisations), a fixed number of queries; and who manages what (``lms.orgs.services`` names these too)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import case, func, literal, select, union_all
from sqlalchemy.orm import aliased

from lms import db
from lms.accounts.models import User
from lms.db import utcnow
from lms.orgs.models import Invitation, MemberRole, Membership, Organisation


@dataclass(frozen=True)
class OrgRole:
    """A person's current place in one organisation."""

    org_slug: str
    org_name: str
    role: MemberRole

    @property
    def is_manager(self) -> bool:
        return self.role is MemberRole.MANAGER


def org_roles_by_user(user_ids: Iterable[int]) -> dict[int, list[OrgRole]]:
    """Current memberships (employment not ended) of each of these people, managed organisations first, then by
    organisation name; people without any are left out. One query, whatever the number of people."""
    ids = sorted(set(user_ids))
    if not ids:
        return {}
    rows = db.session.execute(
        select(Membership.user_id, Organisation.slug, Organisation.name, Membership.role)
        .join(Organisation, Organisation.id == Membership.org_id)
        .where(Membership.user_id.in_(ids), Membership.employment_end.is_(None))
        .order_by(case((Membership.role == MemberRole.MANAGER, 0), else_=1), Organisation.name, Organisation.id)
    )
    found: dict[int, list[OrgRole]] = {}
    for user_id, slug, name, role in rows:
        found.setdefault(user_id, []).append(OrgRole(slug, name, role))
    return found


def list_former_members(org: Organisation) -> list[Membership]:
    """Former staff (an end of employment recorded), the most recent leavers first. One query."""
    return list(db.session.execute(
        select(Membership).join(Membership.user)
        .where(Membership.org_id == org.id, ~Membership.is_current)
        .order_by(Membership.employment_end.desc(), User.name, Membership.id)
    ).scalars())


def memberships_by_email(org: Organisation, emails: Iterable[str]) -> dict[str, Membership]:
    """The membership in ``org`` (current or former) of each person with one of these addresses. One query."""
    wanted = sorted({email.strip().lower() for email in emails})
    if not wanted:
        return {}
    return {m.user.email: m for m in db.session.execute(
        select(Membership).join(User, User.id == Membership.user_id)
        .where(Membership.org_id == org.id, User.email.in_(wanted))).scalars()}


def member_ids_by_user(org: Organisation) -> dict[int, int]:
    """Membership id of each person (user id) of ``org``, current or former, to link to their staff page. One query."""
    return dict(db.session.execute(select(Membership.user_id, Membership.id).where(Membership.org_id == org.id)).all())


@dataclass
class OrgOverview:
    """One organisation in the administrators' list: its current managers (names), the addresses invited to manage
    it whose invitations are still open and unexpired, and how many current staff it has (managers included, as on
    its page)."""

    org: Organisation
    staff_count: int
    managers: list[str] = field(default_factory=list)
    invited_managers: list[str] = field(default_factory=list)


def list_org_overviews() -> list[OrgOverview]:
    """Every organisation by name, for site administrators. Two queries whatever the number of organisations: the
    organisations with their staff counts, then their managers and open manager invitations together."""
    staff = (select(func.count(Membership.id)).where(Membership.org_id == Organisation.id, Membership.is_current)
             .correlate(Organisation).scalar_subquery())
    found = {org.id: OrgOverview(org, count) for org, count in db.session.execute(
        select(Organisation, staff).order_by(Organisation.name, Organisation.id))}
    if not found:
        return []
    managers = (select(Membership.org_id, User.name.label("who"), literal(0).label("invited"))
                .join(User, User.id == Membership.user_id).where(Membership.is_manager))
    invited = (select(Invitation.org_id, Invitation.email, literal(1))
               .where(Invitation.role == MemberRole.MANAGER, Invitation.accepted_at.is_(None),
                      Invitation.revoked_at.is_(None), Invitation.expires_at > utcnow()))
    people = union_all(managers, invited).subquery()
    for org_id, who, is_invited in db.session.execute(
            select(people.c.org_id, people.c.who, people.c.invited).order_by(people.c.org_id, people.c.who)):
        overview = found.get(org_id)
        if overview is not None:
            (overview.invited_managers if is_invited else overview.managers).append(who)
    return list(found.values())


def current_memberships(user: User) -> list[Membership]:
    """``user``'s memberships whose employment has not ended, by organisation name (the organisation loaded with
    each). One query."""
    return list(db.session.execute(
        select(Membership).join(Organisation, Organisation.id == Membership.org_id)
        .where(Membership.user_id == user.id, Membership.is_current)
        .order_by(Organisation.name, Organisation.id)
    ).scalars())


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


def has_other_manager(org_id: int, user_id: int) -> bool:
    """Whether the organisation has a manager now, other than ``user_id``, whose account is active: someone who can
    decide that person's training hours (nobody decides their own). One query."""
    return db.session.execute(
        select(Membership.id).join(User, User.id == Membership.user_id)
        .where(Membership.org_id == org_id, Membership.is_manager, Membership.user_id != user_id,
               User.is_active.is_(True)).limit(1)
    ).first() is not None


# A membership gives manager rights only while it is current (``Membership.is_manager``): these are what the access
# policies, sign-in sessions (``lms.accounts.login_sessions.user_for_session`` uses the same expression), API tokens
# and the certificate and evidence checks read.

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
