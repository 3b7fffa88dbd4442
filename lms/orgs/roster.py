"""Roster CSV import: validate every row first, then update current staff and invite everyone else, all or nothing.

Nobody is added to an organisation without their consent: people who are not yet current staff (with or without an
account) get an emailed invitation to accept. Reading the file (its columns, in English or Spanish, and the values they
take): :mod:`lms.orgs.roster_file`, whose names are named here too.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from lms.accounts.models import User
from lms.accounts.names import normalize_name, optional_name
from lms.db import utcnow
from lms.errors import DomainError
from lms.i18n import _, format_when
from lms.orgs import employment_rules, history
from lms.orgs.invitations import get_current_membership_by_email, get_open_invitation, invite, lock_invitations
from lms.orgs.models import Invitation, Membership, Organisation
from lms.orgs.queries import memberships_by_email
from lms.orgs.roster_file import KNOWN as KNOWN
from lms.orgs.roster_file import SAMPLE as SAMPLE
from lms.orgs.roster_file import SPANISH_COLUMNS as SPANISH_COLUMNS
from lms.orgs.roster_file import RosterPlan as RosterPlan
from lms.orgs.roster_file import RosterRow as RosterRow
from lms.orgs.roster_file import decode as decode
from lms.orgs.roster_file import parse_roster as parse_roster
from lms.orgs.services import Employment, change_member


@dataclass
class RosterResult:
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)  # current staff whose row holds the details they have
    #: Current staff whose row names them otherwise than their account does: names are each person's own (their
    #: account's), so a roster never changes them.
    other_name: list[str] = field(default_factory=list)
    invited: list[tuple[Invitation, str]] = field(default_factory=list)  # every invitation issued (to email)
    #: Open invitations whose row holds the details they have: left as they are (no email, their link still works).
    kept: list[Invitation] = field(default_factory=list)
    #: New invitations that replace an open one whose details the row changes (its earlier link no longer works).
    replaced: list[Invitation] = field(default_factory=list)
    #: New invitations, with the same details, that replace an open one that had expired (as "Send again" does).
    renewed: list[Invitation] = field(default_factory=list)
    #: How many pending entries of current staff's own hours records went to the organisation's review queue: a row
    #: that moved a start date earlier (or set or cleared it) made their employment cover those days
    #: (:func:`lms.orgs.services.employment_began`).
    sent_for_review: int = 0


def apply_roster(org: Organisation, plan: RosterPlan, actor: User, max_age_days: int) -> RosterResult:
    """Update the employment details of current staff; invite everyone else. Call only with an ``ok`` plan.

    Current staff are never invited (the rule of :func:`lms.orgs.invitations.invite`); their row updates their
    employment details (``updated``), or changes and records nothing when its filled cells hold the details they have
    (``unchanged``). Their name is their account's: a row naming them otherwise changes nothing (``other_name``).
    A row for someone with an open invitation leaves it as it is when it holds the invitation's details (``kept``: no
    email, the link still works), and replaces it with a new one when a detail differs (``replaced``, so the manager
    is told whose) or the invitation has expired (``renewed``). Details a row does not carry (:func:`_over`) keep the
    ones the staff member or the invitation has: an empty cell never clears a detail. Every line is first checked
    against the organisation's records (:func:`check_rows`): with any problem nothing changes and
    :class:`RosterRefused` lists them all. May also raise :class:`DomainError` (e.g. the roster would leave no
    manager); the caller then rolls back.
    """
    assert plan.ok, "apply_roster needs a valid plan"
    result = RosterResult()
    lock_invitations(org)  # before reading who is invited: another manager may be inviting one of these people now
    errors = check_rows(org, plan)
    if errors:
        raise RosterRefused(errors)
    for row in plan.rows:
        membership = get_current_membership_by_email(org, row.email)
        if membership is not None:
            changed, sent = change_member(membership, _over(membership, row), actor, checked=True)
            result.sent_for_review += sent
            (result.updated if changed else result.unchanged).append(row.email)
            if normalize_name(row.name) != normalize_name(membership.user.name or ""):
                result.other_name.append(row.email)
            continue
        _invite_row(org, row, actor, max_age_days, result)
    return result


def _invite_row(org: Organisation, row: RosterRow, actor: User, max_age_days: int, result: RosterResult) -> None:
    """Invite the person of ``row``; an open invitation to them is left as it is when the row holds its details, and
    replaced otherwise (or when it has expired)."""
    open_invitation = get_open_invitation(org, row.email)
    if open_invitation is None:
        result.invited.append(invite(org, row.email, row.name, row.employment, actor, max_age_days, checked=True))
        return
    employment = _over(open_invitation, row)
    same = _details(open_invitation) == (optional_name(row.name), employment)
    expired = utcnow() > open_invitation.expires_at
    if same and not expired:
        result.kept.append(open_invitation)
        return
    issued = invite(org, row.email, row.name, employment, actor, max_age_days, open_invitation.id, checked=True)
    result.invited.append(issued)
    (result.renewed if same else result.replaced).append(issued[0])


def _over(record: Invitation | Membership, row: RosterRow) -> Employment:
    """The row's details over those of an open invitation or a current staff member: a detail the row does not carry
    (no such column, or an empty cell) keeps the one ``record`` has."""
    kept = {key: getattr(record, key) for key in ("employee_id", "job_title", "employment_start",
                                                      "employment_type", "role") if key not in row.given}
    theirs = replace(row.employment, **kept)
    return replace(theirs, employee_id=(theirs.employee_id or "").strip() or None,
                   job_title=(theirs.job_title or "").strip() or None)


def _details(invitation: Invitation) -> tuple[str | None, Employment]:
    return invitation.name, Employment(invitation.employee_id, invitation.job_title, invitation.employment_start,
                                       invitation.employment_type, invitation.role)


class RosterRefused(DomainError):
    """Lines of a roster that the organisation's records refuse (``errors``, line-numbered messages)."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__(errors[0])
        self.errors = errors


def all_problems(org: Organisation, plan: RosterPlan) -> list[str]:
    """Every problem of a file that has some: those of reading it, then those of the lines that could be read with
    the organisation's records (:func:`check_rows`), so one upload lists them all. Empty for a file without any
    problem of reading (:func:`apply_roster` checks the records again, under the lock)."""
    return [*plan.errors, *check_rows(org, plan)] if plan.errors and plan.rows else list(plan.errors)


def check_rows(org: Organisation, plan: RosterPlan) -> list[str]:
    """The problems of each line with what the organisation holds (:mod:`lms.orgs.employment_rules`): an employee
    ID that current staff or an open invitation has, unless the file gives them another one (a person whose ID cell
    is empty keeps theirs), a start date more than a year ahead (for current staff, only a changed one), and for
    people who worked here before a start date not after their last day. Under the organisation's lock; four queries
    whatever the number of lines."""
    holders = employment_rules.employee_id_holders(
        org, except_emails=[row.email for row in plan.rows if "employee_id" in row.given])
    members = memberships_by_email(org, [row.email for row in plan.rows])
    earlier = history.past_stints(m.id for m in members.values() if m.is_current)
    errors = []
    for row in plan.rows:
        member = members.get(row.email)
        holder = holders.get(employment_rules.id_key(row.employment.employee_id))
        problems = [holder.problem()] if holder is not None else []
        if "employment_start" in row.given:  # else the start date they have is kept
            problems += _start_problems(org, row.employment.employment_start, member, earlier)
        if problems:
            errors.append(_("Line %(line)d: %(problems)s.", line=row.line, problems="; ".join(problems)))
    return errors


def _start_problems(org: Organisation, start: date | None, member: Membership | None,
                    earlier: dict[int, list[history.Stint]]) -> list[str]:
    current = member is not None and member.is_current
    if current and start == member.employment_start:
        return []
    if employment_rules.start_too_far(org, start):
        return [_("the start date %(date)s is more than a year from today", date=format_when(start, "long"))]
    if member is None:
        return []
    if current:
        periods = earlier.get(member.id)
        last_day = periods[-1].end if periods else None
    else:  # joining again: with no start date, they start on the day they accept
        last_day = member.employment_end if start is not None else None
    if employment_rules.starts_after(start, last_day):
        return []
    return [_("%(name)s worked here until %(date)s: the start date must be after that day", name=member.user.name,
              date=format_when(last_day, "long"))]
