"""Reading a roster CSV file into rows, or every problem of it (applying it: :mod:`lms.orgs.roster`).

Accepted columns (:mod:`lms.orgs.roster_columns`: header names are case- and accent-insensitive; spaces and hyphens
count as underscores; each may also be named in Spanish or by the add-member form's label): ``email`` (required),
``name`` (required), ``employee_id``, ``job_title``, ``employment_start`` (YYYY-MM-DD; also MM/DD/YYYY as US
spreadsheets save dates, but only when it cannot be read as DD/MM/YYYY too), ``employment_type`` (employee,
contractor, volunteer), ``role`` (member, manager). ``role`` and ``employment_type`` take the code or the label the
invitation form shows, in any language the site offers ("Staff member", "Gerente", "Empleada"). Cells are separated
by commas, or by semicolons or tabs (spreadsheets in Spanish and other languages with a decimal comma save "CSV" with
semicolons), or by the separator an Excel ``sep=`` first line names (that line is skipped, as Excel hides it: the
header is line 1). An empty cell carries nothing: the person's detail is kept (:attr:`RosterRow.given`). The
template's example row (:data:`SAMPLE`) is refused: it is nobody on the staff.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import format_date

from lms.accounts.email_rules import ascii_address, is_email_address
from lms.accounts.names import has_visible_name, normalize_name
from lms.i18n import _
from lms.orgs import employment_rules
from lms.orgs.models import EmploymentType, MemberRole
from lms.orgs.roster_columns import KNOWN as KNOWN
from lms.orgs.roster_columns import REQUIRED as REQUIRED
from lms.orgs.roster_columns import SPANISH_COLUMNS as SPANISH_COLUMNS
from lms.orgs.roster_columns import Header, fold, read_header, split_separator_line, value_labels
from lms.orgs.services import Employment
from lms.text_encoding import NotText, utf16_text

#: The example row of the roster template (``lms.web.org_roster``), in the order of :data:`KNOWN`.
SAMPLE = {
    "email": "maria@example.org", "name": "María López", "employee_id": "E1001", "job_title": "Community Health Worker",
    "employment_start": "2025-03-01", "employment_type": "employee", "role": "member",
}


@dataclass
class RosterRow:
    line: int
    email: str
    name: str
    employment: Employment
    #: The details the row carries: its filled cells. An empty cell, or a column the file lacks, keeps the detail
    #: current staff or an open invitation has (a value is cleared on the person's staff page, not by a roster).
    given: frozenset[str] = frozenset(KNOWN)

    @property
    def role_given(self) -> bool:
        return "role" in self.given


@dataclass
class RosterPlan:
    rows: list[RosterRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)


def decode(data: bytes) -> str:
    """Spreadsheets save as UTF-8 (often with a BOM) or Windows-1252, and Excel's "Unicode Text" as UTF-16 (read as
    :func:`lms.text_encoding.utf16_text` reads it); accept them all."""
    try:
        text = utf16_text(data)
    except NotText:
        text = None  # binary: read as below, its header names no column
    if text is not None:
        return text.removeprefix("\ufeff")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def parse_roster(text: str, max_rows: int, labels: Mapping[str, object] | None = None) -> RosterPlan:
    """Check the whole file and return every row or every problem (as translated, line-numbered messages).
    ``labels``: the add-member form's label of each column, which may head it (:mod:`lms.orgs.roster_columns`)."""
    plan = RosterPlan()
    text, separator = split_separator_line(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    try:
        header = read_header(next(reader), labels)
    except (StopIteration, csv.Error):
        plan.errors.append(_("The file is empty. The first row must name the columns."))
        return plan
    if isinstance(header, str):
        plan.errors.append(header)
        return plan
    seen: dict[str, int] = {}  # each email address, and each employee ID (as compared), on its first line
    words = {cls: value_labels(cls) for cls in (EmploymentType, MemberRole)}
    try:
        for line, values in enumerate(reader, start=2):
            if not any(value.strip() for value in values):
                continue
            if len(plan.rows) + len(plan.errors) >= max_rows:
                plan.errors.append(_("The file has more than %(num)d rows. Split it into smaller files.", num=max_rows))
                break
            _parse_row(plan, line, header, values, seen, words)
    except csv.Error as exc:
        plan.errors.append(_("Line %(line)d: the file is not valid CSV (%(detail)s).", line=reader.line_num, detail=str(exc)))
    if not plan.rows and not plan.errors:
        plan.errors.append(_("The file has no staff rows."))
    return plan


def _parse_row(plan: RosterPlan, line: int, header: Header, cells: list[str], seen: dict[str, int],
               labels: dict) -> None:
    values = {key: (value or "").strip() for key, value in zip(header.columns, cells, strict=False)}
    problems: list[str] = []
    if len(cells) != len(header.columns):
        problems.append(_("the number of cells does not match the header"))
    email = values.get("email", "")
    if not is_email_address(email):
        local = email.strip().rpartition("@")[0]
        problems.append(_("“%(value)s” has accented or other special letters before the @: the LMS cannot send mail "
                          "to it", value=email) if local and not local.isascii()
                        else _("“%(value)s” is not a valid email address", value=email))
    else:
        email = ascii_address(email).lower()  # the domain in ASCII (IDNA) form, as the forms keep it
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
    if _is_sample(email, name, values.get("employee_id")):
        problems.append(_("this is the template's example row (%(name)s, %(email)s): replace it with your staff, or "
                          "delete it", name=SAMPLE["name"], email=SAMPLE["email"]))
    start = _parse_date(values.get("employment_start", ""), problems)
    kind = _parse_enum(labels[EmploymentType], values.get("employment_type", ""), EmploymentType.EMPLOYEE, problems)
    role = _parse_enum(labels[MemberRole], values.get("role", ""), MemberRole.MEMBER, problems)
    for key, limit in (("employee_id", 64), ("job_title", 200)):
        if len(values.get(key, "")) > limit:
            problems.append(_("%(column)s is longer than %(num)d characters", column=header.named(key), num=limit))
    id_key = "\0" + employment_rules.id_key(values.get("employee_id"))  # apart from the addresses
    if id_key != "\0" and id_key in seen:
        problems.append(_("employee ID “%(id)s” is also on line %(line)d", id=values["employee_id"], line=seen[id_key]))
    if id_key != "\0":
        seen.setdefault(id_key, line)
    if problems:
        plan.errors.append(_("Line %(line)d: %(problems)s.", line=line, problems="; ".join(problems)))
        return
    employment = Employment(values.get("employee_id"), values.get("job_title"), start, kind, role)
    given = frozenset(key for key in values if key in KNOWN and values[key])
    plan.rows.append(RosterRow(line, email, name, employment, given))


def _is_sample(email: str, name: str, employee_id: str | None) -> bool:
    """The template's example row, even with a cell or two changed: its address with its name or its employee ID."""
    if email != SAMPLE["email"]:
        return False
    return fold(name) == fold(SAMPLE["name"]) or employment_rules.id_key(employee_id) == employment_rules.id_key(
        SAMPLE["employee_id"])


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


def _parse_enum(labels: dict, value: str, default, problems: list[str]):
    """The member a cell names by its code or its label (``labels``: :func:`lms.orgs.roster_columns.value_labels`);
    ``default`` for an empty one."""
    if not value:
        return default
    member = labels.get(fold(value))
    if member is None:
        members = dict.fromkeys(labels.values())
        # i18n: a value a roster cell may hold: its code, then how the invitation form says it ("member (Staff member)")
        allowed = ", ".join(_("%(code)s (%(label)s)", code=m.value, label=m.title) for m in members)
        problems.append(_("“%(value)s” is not one of: %(allowed)s", value=value, allowed=allowed))
        return default
    return member
