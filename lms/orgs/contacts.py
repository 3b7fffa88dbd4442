"""Whom a person can turn to in their organisations: for someone whose account is disabled, who cannot sign in to
ask (the sign-in page and the password-reset email name them, only to whoever knows the password or has the mailbox).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import aliased

from lms import db
from lms.accounts.models import User
from lms.orgs.models import Membership, Organisation


@dataclass(frozen=True)
class Contact:
    name: str
    org_name: str


def managers_of(user_id: int) -> list[Contact]:
    """The active managers of each organisation that employs the person now (no end of employment recorded), other
    than the person, by organisation and name. One query."""
    staff, manager = aliased(Membership), aliased(Membership)
    rows = db.session.execute(
        select(User.name, Organisation.name)
        .select_from(staff)
        .join(Organisation, Organisation.id == staff.org_id)
        .join(manager, manager.org_id == staff.org_id)
        .join(User, User.id == manager.user_id)
        .where(staff.user_id == user_id, staff.is_current, manager.is_manager, manager.user_id != user_id,
               User.is_active.is_(True))
        .order_by(Organisation.name, User.name)
    )
    return [Contact(name, org_name) for name, org_name in rows]
