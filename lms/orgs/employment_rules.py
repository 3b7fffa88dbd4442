"""The rules employment details keep, wherever they are set (a staff member's page, an invitation, a roster import,
joining again):

- **Employee IDs are unique** among an organisation's current staff and open invitations (expired ones included:
  they can be sent again), compared trimmed and ignoring case ("e-1001 " is "E-1001"): payroll matches hours to people
  by it. Former staff keep theirs in the records, and it may be given to someone else.
- **A start date at most a year ahead** (:data:`MAX_YEARS_AHEAD`), on the organisation's calendar: further is taken
  for a typo (2126 for 2026). Only a changed date is checked, so an old record can still be edited.
- **Periods do not overlap**: someone who worked here before (``lms.orgs.history``) starts their new period after
  the last day of the earlier one.

The checks read under the organisation's lock (``lms.orgs.invitations.lock_invitations``), which inviting, accepting,
importing and saving a staff member's details all take, so two managers cannot give one ID to two people at once.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from lms import db
from lms.accounts.models import User
from lms.errors import ConflictError, DomainError
from lms.i18n import _, format_when
from lms.orgs.models import Invitation, Membership, Organisation

MAX_YEARS_AHEAD = 1


@dataclass(frozen=True)
class Holder:
    """Who has an employee ID now: a current staff member or an open invitation."""

    employee_id: str
    name: str | None
    email: str
    is_invitation: bool

    @property
    def who(self) -> str:
        if not self.name:
            return self.email
        # i18n: a person in a message: their name, then their email address
        return _("%(name)s (%(email)s)", name=self.name, email=self.email)

    def message(self) -> str:
        if self.is_invitation:
            return _("The open invitation to %(who)s already has employee ID “%(id)s”. Payroll matches hours to people "
                     "by this ID, so two people cannot share it. If that invitation has the wrong ID, withdraw it and "
                     "invite them again.", who=self.who, id=self.employee_id)
        return _("%(who)s, on your current staff, already has employee ID “%(id)s”. Payroll matches hours to people "
                 "by this ID, so two people cannot share it.", who=self.who, id=self.employee_id)

    def problem(self) -> str:
        """The same, as one of the problems of a roster line."""
        if self.is_invitation:
            return _("the open invitation to %(who)s already has employee ID “%(id)s”", who=self.who,
                     id=self.employee_id)
        return _("%(who)s, on your current staff, already has employee ID “%(id)s”", who=self.who,
                 id=self.employee_id)


class EmployeeIdTakenError(ConflictError):
    """Another current staff member or open invitation has this employee ID (:class:`Holder`)."""

    code = "employee_id_taken"

    def __init__(self, holder: Holder) -> None:
        super().__init__(holder.message(), field="employee_id")
        self.holder = holder


def id_key(employee_id: str | None) -> str:
    """An employee ID as compared: trimmed, ignoring case."""
    return (employee_id or "").strip().casefold()


def employee_id_holders(org: Organisation, *, except_emails: Collection[str] = (),
                        except_membership: int | None = None) -> dict[str, Holder]:
    """Who has each employee ID in ``org`` (by :func:`id_key`): current staff, then open invitations; leaving out
    the people with these addresses and this membership (those whose ID is being set). Two queries."""
    skip = {email.strip().lower() for email in except_emails}
    found: dict[str, Holder] = {}
    staff = db.session.execute(
        select(Membership.id, Membership.employee_id, User.name, User.email).join(User, User.id == Membership.user_id)
        .where(Membership.org_id == org.id, Membership.is_current, Membership.employee_id.is_not(None))
        .order_by(Membership.id))
    for membership_id, employee_id, name, email in staff:
        if membership_id != except_membership and email not in skip:
            found.setdefault(id_key(employee_id), Holder(employee_id, name, email, is_invitation=False))
    invited = db.session.execute(
        select(Invitation.employee_id, Invitation.name, Invitation.email)
        .where(Invitation.org_id == org.id, Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None),
               Invitation.employee_id.is_not(None))
        .order_by(Invitation.id))
    for employee_id, name, email in invited:
        if email not in skip:
            found.setdefault(id_key(employee_id), Holder(employee_id, name, email, is_invitation=True))
    return found


def check_employee_id(org: Organisation, employee_id: str | None, *, email: str | None = None,
                      membership: Membership | None = None) -> None:
    """Refuse (:class:`EmployeeIdTakenError`) an employee ID someone else has: current staff other than
    ``membership``, or an open invitation to another address than ``email`` (the person's own is being accepted or
    replaced)."""
    key = id_key(employee_id)
    if not key:
        return
    emails = [email] if email else []
    holder = employee_id_holders(org, except_emails=emails,
                                 except_membership=membership.id if membership is not None else None).get(key)
    if holder is not None:
        raise EmployeeIdTakenError(holder)


def latest_start(org: Organisation) -> date:
    """The latest start date accepted: a year from today on the organisation's calendar (29 February: 1 March)."""
    today = org.today()
    try:
        return today.replace(year=today.year + MAX_YEARS_AHEAD)
    except ValueError:
        return date(today.year + MAX_YEARS_AHEAD, 3, 1)


def start_too_far(org: Organisation, start: date | None) -> bool:
    return start is not None and start > latest_start(org)


def check_start(org: Organisation, start: date | None) -> None:
    """Refuse (on ``employment_start``) a start date more than :data:`MAX_YEARS_AHEAD` ahead."""
    if start_too_far(org, start):
        raise DomainError(_("The start date %(date)s is more than a year from today. Check the year: a start date can "
                            "be at most a year ahead.", date=format_when(start, "long")), field="employment_start")


def starts_after(start: date | None, last_day: date | None) -> bool:
    """Whether a period starting on ``start`` comes after an earlier one ending on ``last_day`` (if any)."""
    return last_day is None or (start is not None and start > last_day)


def check_starts_after(name: str, start: date | None, last_day: date | None) -> None:
    """Refuse (on ``employment_start``) a new period of someone who worked here until ``last_day`` that does not
    start after it (an empty start would count them as employed all along)."""
    if not starts_after(start, last_day):
        assert last_day is not None
        raise DomainError(_("%(name)s worked here until %(date)s: enter the start date of their new employment, after "
                            "that day.", name=name, date=format_when(last_day, "long")), field="employment_start")
