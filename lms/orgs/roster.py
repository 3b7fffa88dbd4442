"""Roster CSV import: validate every row first, then update current staff and invite everyone else, all or nothing.

Nobody is added to an organisation without their consent: people who are not yet current staff (with or without an
account) get an emailed invitation to accept.

Accepted columns (header names are case-insensitive; spaces and hyphens count as underscores):
``email`` (required), ``name`` (required), ``employee_id``, ``job_title``, ``employment_start`` (YYYY-MM-DD; also
MM/DD/YYYY as US spreadsheets save dates, but only when it cannot be read as DD/MM/YYYY too), ``employment_type``
(employee, contractor, volunteer), ``role`` (member, manager). Cells are separated by commas, or by semicolons or tabs
(spreadsheets in Spanish and other languages with a decimal comma save "CSV" with semicolons).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from email_validator import EmailNotValidError, validate_email
from flask_babel import format_date

from lms.accounts.models import User
from lms.accounts.names import has_visible_name, normalize_name
from lms.errors import DomainError
from lms.i18n import _, format_when
from lms.orgs import employment_rules, history
from lms.orgs.invitations import get_current_membership_by_email, get_open_invitation, invite, lock_invitations
from lms.orgs.models import EmploymentType, Invitation, MemberRole, Membership, Organisation
from lms.orgs.queries import memberships_by_email
from lms.orgs.services import Employment, update_member

REQUIRED = ("email", "name")
KNOWN = (*REQUIRED, "employee_id", "job_title", "employment_start", "employment_type", "role")
SEPARATORS = (",", ";", "\t")


@dataclass
class RosterRow:
    line: int
    email: str
    name: str
    employment: Employment
    role_given: bool = False


@dataclass
class RosterPlan:
    rows: list[RosterRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)


@dataclass
class RosterResult:
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)  # current staff whose row holds the details they have
    invited: list[tuple[Invitation, str]] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)  # invited again: their earlier open invitation was replaced


def decode(data: bytes) -> str:
    """Spreadsheets save as UTF-8 (often with a BOM) or Windows-1252; accept both."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def parse_roster(text: str, max_rows: int) -> RosterPlan:
    """Check the whole file and return every row or every problem (as translated, line-numbered messages)."""
    plan = RosterPlan()
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_separator(text))
    try:
        header = [_column(name) for name in next(reader)]
    except (StopIteration, csv.Error):
        plan.errors.append(_("The file is empty. The first row must name the columns."))
        return plan
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        plan.errors.append(_("Line 1: missing column(s): %(columns)s.", columns=", ".join(missing)))
        return plan
    unknown = [name for name in header if name and name not in KNOWN]
    if unknown:
        plan.errors.append(_("Line 1: unknown column(s): %(columns)s.", columns=", ".join(unknown)))
        return plan
    seen: dict[str, int] = {}  # each email address, and each employee ID (as compared), on its first line
    try:
        for line, values in enumerate(reader, start=2):
            if not any(value.strip() for value in values):
                continue
            if len(plan.rows) + len(plan.errors) >= max_rows:
                plan.errors.append(_("The file has more than %(num)d rows. Split it into smaller files.", num=max_rows))
                break
            _parse_row(plan, line, dict(zip(header, values, strict=False)), len(values) != len(header), seen)
    except csv.Error as exc:
        plan.errors.append(_("Line %(line)d: the file is not valid CSV (%(detail)s).", line=reader.line_num, detail=str(exc)))
    if not plan.rows and not plan.errors:
        plan.errors.append(_("The file has no staff rows."))
    return plan


def _separator(text: str) -> str:
    """The separator of the header line: the one of commas, semicolons and tabs it has most of (commas on a tie)."""
    header = text.split("\n", 1)[0]
    return max(SEPARATORS, key=header.count)


def _column(name: str) -> str:
    return name.strip().lower().replace(" ", "_").replace("-", "_")


def _parse_row(plan: RosterPlan, line: int, raw: dict[str, str], wrong_width: bool, seen: dict[str, int]) -> None:
    values = {key: (value or "").strip() for key, value in raw.items()}
    problems: list[str] = []
    if wrong_width:
        problems.append(_("the number of cells does not match the header"))
    email = values.get("email", "")
    try:
        email = validate_email(email, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        problems.append(_("“%(value)s” is not a valid email address", value=email))
    if email in seen:
        problems.append(_("%(email)s is also on line %(line)d", email=email, line=seen[email]))
    seen.setdefault(email, line)
    name = normalize_name(values.get("name", ""))
    if not name:
        problems.append(_("the name is empty"))
    elif not has_visible_name(name):
        problems.append(_("the name has no letter or number"))
    elif len(name) > 200:
        problems.append(_("the name is longer than 200 characters"))
    start = _parse_date(values.get("employment_start", ""), problems)
    kind = _parse_enum(EmploymentType, values.get("employment_type", ""), EmploymentType.EMPLOYEE, problems)
    role = _parse_enum(MemberRole, values.get("role", ""), MemberRole.MEMBER, problems)
    for key, limit in (("employee_id", 64), ("job_title", 200)):
        if len(values.get(key, "")) > limit:
            problems.append(_("%(column)s is longer than %(num)d characters", column=key, num=limit))
    id_key = "\0" + employment_rules.id_key(values.get("employee_id"))  # apart from the addresses
    if id_key != "\0" and id_key in seen:
        problems.append(_("employee ID “%(id)s” is also on line %(line)d", id=values["employee_id"], line=seen[id_key]))
    if id_key != "\0":
        seen.setdefault(id_key, line)
    if problems:
        plan.errors.append(_("Line %(line)d: %(problems)s.", line=line, problems="; ".join(problems)))
        return
    employment = Employment(values.get("employee_id"), values.get("job_title"), start, kind, role)
    plan.rows.append(RosterRow(line, email, name, employment, role_given=bool(values.get("role"))))


def _parse_date(value: str, problems: list[str]) -> date | None:
    """YYYY-MM-DD; or MM/DD/YYYY, as US spreadsheets save dates, when it cannot also be read as DD/MM/YYYY (the day
    is above 12, or day and month are the same): "01/03/2025" could be 3 January or 1 March, so it is refused."""
    if not value:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        pass
    try:
        us = datetime.strptime(value, "%m/%d/%Y").date()
    except ValueError:
        us = None
    try:
        other = datetime.strptime(value, "%d/%m/%Y").date()
    except ValueError:
        other = None
    if us is not None and other is not None and us != other:
        problems.append(
            _(
                "“%(value)s” could be %(first)s or %(second)s: write the date as YYYY-MM-DD",
                value=value,
                first=format_date(us, "long"),
                second=format_date(other, "long"),
            )
        )
        return None
    if us or other:
        return us or other
    problems.append(_("“%(value)s” is not a date (use YYYY-MM-DD)", value=value))
    return None


def _parse_enum(cls, value: str, default, problems: list[str]):
    if not value:
        return default
    try:
        return cls(value.lower())
    except ValueError:
        allowed = ", ".join(member.value for member in cls)
        problems.append(_("“%(value)s” is not one of: %(allowed)s", value=value, allowed=allowed))
        return default


def apply_roster(org: Organisation, plan: RosterPlan, actor: User, max_age_days: int) -> RosterResult:
    """Update the employment details of current staff; invite everyone else. Call only with an ``ok`` plan.

    Current staff are never invited (the rule of :func:`lms.orgs.invitations.invite`); their row updates their details
    (``updated``), or changes and records nothing when it holds the details they have (``unchanged``).
    A row for someone with an open invitation replaces it with a new one (the roster states the details to use) and
    is counted in ``replaced`` so the manager is told. Every line is first checked against the organisation's
    records (:func:`check_rows`): with any problem nothing changes and :class:`RosterRefused` lists them all. May
    also raise :class:`DomainError` (e.g. the roster would leave no manager); the caller then rolls back.
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
            employment = row.employment if row.role_given else replace(row.employment, role=membership.role)
            changed = update_member(membership, employment, actor, checked=True)
            (result.updated if changed else result.unchanged).append(row.email)
            continue
        open_invitation = get_open_invitation(org, row.email)
        replaces = open_invitation.id if open_invitation is not None else None
        result.invited.append(invite(org, row.email, row.name, row.employment, actor, max_age_days, replaces,
                                     checked=True))
        if replaces is not None:
            result.replaced.append(row.email)
    return result


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
    ID that current staff or an open invitation not in the file has (the file's own people get the IDs in it), a
    start date more than a year ahead (for current staff, only a changed one), and for people who worked here before
    a start date not after their last day. Under the organisation's lock; four queries whatever the number of lines."""
    holders = employment_rules.employee_id_holders(org, except_emails=[row.email for row in plan.rows])
    members = memberships_by_email(org, [row.email for row in plan.rows])
    earlier = history.past_stints(m.id for m in members.values() if m.is_current)
    errors = []
    for row in plan.rows:
        member = members.get(row.email)
        holder = holders.get(employment_rules.id_key(row.employment.employee_id))
        problems = [holder.problem()] if holder is not None else []
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
