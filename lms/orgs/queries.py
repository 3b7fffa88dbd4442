"""Reading memberships for many people at once (e.g. the administrators' list of accounts), in one query."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import case, select

from lms import db
from lms.orgs.models import MemberRole, Membership, Organisation


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
