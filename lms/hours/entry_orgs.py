"""Which organisation an hours entry belongs to.

The one that employed the person on the activity date (a membership whose ``employment_start`` is empty or on/before
the date, and whose ``employment_end`` is empty or on/after it — an empty start means "start not recorded" and counts
as employed), or one of its earlier periods for someone who left and joined again (``lms.orgs.history``). No
employer → ``org_id`` is empty and the entry shows only in the person's own records. Several employers → the person
chooses when submitting; automatic entries (attendance, modules) go to the one they first started with (the start of
their first period there; empty starts first, then the oldest membership), so the choice is stable, also after a
rehire (``lms.orgs.history.employers_on``). Approval follows the same dates (``lms.hours.approvals.check_employed``).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from lms import db
from lms.errors import DomainError
from lms.i18n import _
from lms.orgs import history
from lms.orgs.models import Membership, Organisation


def employers_on(user_id: int, day: date) -> list[Organisation]:
    """Organisations that employed the person on ``day``, first-started first (see the module docstring), in
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
