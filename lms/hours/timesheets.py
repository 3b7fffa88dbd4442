"""Timesheets: the approved training hours paid in one pay period, per person and for a whole organisation.

Periods are the organisation's pay calendar (:mod:`lms.hours.pay_calendar`): exported periods as exported, and the
current schedule's periods around them. Which entries belong to a period: approved entries of the organisation whose
``paid_period_start`` is the period's start (set on approval, so an entry approved after its period was exported is
paid in a later one). Pending entries are listed apart as "awaiting approval"; they are not paid yet. A period lists
the pending entries done in it and, if it is the first period after the last export, also those done before it: payroll
has run for their dates, so approving them now pays them there. A period payroll has run for still lists the pending
entries done in it, with the period that would pay them (``paid_later_in``).

Money is integer cents, each line rounded to the cent (:mod:`lms.hours.money`); totals add the rounded lines (as a
payslip does). The organisation view aggregates in SQL (GROUP BY user) with the same formula, so it costs a fixed
number of queries whatever the number of people.

Every line carries the employee ID in force on its date (:func:`lms.orgs.history.employee_id_on`): the ID of an earlier
period of employment for training done in it (a rehired person may have a new ID), else the membership's. A person's
row and sheet name the IDs of their lines, so the page says what the payroll file writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import BigInteger, and_, case, cast, func, select
from sqlalchemy.orm import aliased

from lms import db
from lms.accounts.models import User
from lms.hours.models import PAY_CODE, EntrySource, EntryStatus, HoursEntry
from lms.hours.money import amount_cents, amount_sql
from lms.hours.pay_calendar import PayCalendar, pay_calendar
from lms.hours.periods import Period, org_today
from lms.hours.titles import display_titles
from lms.orgs.history import employee_id_on
from lms.orgs.models import Membership, Organisation


@dataclass(frozen=True)
class Line:
    entry_id: int
    activity_date: date
    source: EntrySource
    title: str
    minutes: int
    rate_cents: int
    amount_cents: int
    status: EntryStatus
    pay_code: str = PAY_CODE
    #: The employee ID in force on the line's date (the payroll file's ``employee_id``).
    employee_id: str | None = None
    #: The entry a correction (adjustment) corrects (the payroll file's ``corrects_entry_id``), else None.
    corrects_id: int | None = None
    #: The date of the entry it corrects (timesheet pages say which entry a correction corrects), when loaded.
    corrects_date: date | None = None


@dataclass(frozen=True)
class Timesheet:
    """One person's timesheet for one pay period of one organisation. ``employee_id``: the IDs its lines carry
    (:func:`ids_text`), or the membership's when it has none."""

    org: Organisation
    user_id: int
    name: str
    employee_id: str | None
    start: date
    end: date
    lines: list[Line]
    pending: list[Line]
    exported_at: datetime | None
    #: Where the pending entries would be paid if approved now, when it is another period (payroll ran for this one).
    paid_later_in: Period | None = None
    previous: Period | None = None
    next: Period | None = None

    @property
    def total_minutes(self) -> int:
        return sum(line.minutes for line in self.lines)

    @property
    def total_cents(self) -> int:
        return sum(line.amount_cents for line in self.lines)

    @property
    def pending_minutes(self) -> int:
        return sum(line.minutes for line in self.pending)

    @property
    def employee_ids(self) -> list[str | None]:
        """The employee IDs of the lines, approved first, each once, in order of date (None: lines without one)."""
        return _distinct_ids([*self.lines, *self.pending])

    @property
    def has_several_ids(self) -> bool:
        """Whether the lines carry more than one employee ID (training done in an earlier employment)."""
        return len(self.employee_ids) > 1

    @property
    def has_late_pending(self) -> bool:
        """True if some pending entries were done before this period (in periods payroll has run for)."""
        return any(line.activity_date < self.start for line in self.pending)

    @property
    def is_locked(self) -> bool:
        return self.exported_at is not None


@dataclass(frozen=True)
class PersonTotals:
    user_id: int
    name: str
    #: The IDs of the person's lines (:func:`ids_text`): approved ones, else those awaiting approval.
    employee_id: str | None
    line_count: int = 0
    minutes: int = 0
    amount_cents: int = 0
    pending_count: int = 0
    pending_minutes: int = 0
    #: Pending entries done before the period (listed on the first period after the last export).
    late_pending_count: int = 0
    #: The sum of the ids of the approved entries: with the count and totals it tells one set of entries from another
    #: (what a timesheet page showed, :mod:`lms.hours.sheet_check`).
    approved_id_sum: int = 0
    #: The employee IDs the approved lines carry, each once, in order of date (None: lines without one).
    paid_ids: tuple[str | None, ...] = ()


@dataclass(frozen=True)
class OrgTimesheet:
    """Every person paid (or awaiting approval) in one pay period of an organisation, with totals."""

    org: Organisation
    start: date
    end: date
    rows: list[PersonTotals]
    exported_at: datetime | None
    paid_later_in: Period | None = None
    previous: Period | None = None
    next: Period | None = None

    @property
    def total_minutes(self) -> int:
        return sum(row.minutes for row in self.rows)

    @property
    def has_started(self) -> bool:
        """Whether the period has begun on the organisation's calendar (one that has not cannot be exported)."""
        return self.start <= org_today(self.org)

    @property
    def is_running(self) -> bool:
        """Whether the period has begun and its last day has not passed (exporting it then needs its own tick)."""
        return self.start <= org_today(self.org) <= self.end

    @property
    def total_cents(self) -> int:
        return sum(row.amount_cents for row in self.rows)

    @property
    def pending_count(self) -> int:
        return sum(row.pending_count for row in self.rows)

    @property
    def line_count(self) -> int:
        return sum(row.line_count for row in self.rows)

    @property
    def late_pending_count(self) -> int:
        return sum(row.late_pending_count for row in self.rows)

    @property
    def is_locked(self) -> bool:
        return self.exported_at is not None


def _line(entry: HoursEntry, title: str | None = None, employee_id: str | None = None,
          corrects_date: date | None = None) -> Line:
    rate = entry.rate_cents or 0
    return Line(entry.id, entry.activity_date, entry.source, title or entry.title, entry.minutes, rate,
                amount_cents(entry.minutes, rate), entry.status, employee_id=employee_id, corrects_id=entry.corrects_id,
                corrects_date=corrects_date)


def _distinct_ids(lines: list[Line]) -> list[str | None]:
    """The employee IDs of ``lines`` each once, approved lines first, then by date."""
    ordered = sorted(lines, key=lambda line: (line.status is not EntryStatus.APPROVED, line.activity_date))
    return list(dict.fromkeys(line.employee_id for line in ordered))


def ids_text(ids: list[str | None]) -> str | None:
    """Employee IDs for a page: the ones set, comma-separated (``"E-1001, E-2040"``), or None if none is."""
    return ", ".join(i for i in ids if i) or None


def _membership_of(org: Organisation):
    """The join of an entry's person to their membership of ``org`` (for :func:`employee_id_on`)."""
    return (Membership.user_id == HoursEntry.user_id) & (Membership.org_id == org.id)


def _in_period(calendar: PayCalendar, start: date, end: date):
    """Approved entries paid in the period, and the pending ones it lists (see the module docstring)."""
    done_by_end = HoursEntry.activity_date <= end
    pending_here = done_by_end if calendar.is_first_open((start, end)) else HoursEntry.activity_date.between(start, end)
    return and_(
        HoursEntry.org_id == calendar.org.id,
        ((HoursEntry.status == EntryStatus.APPROVED) & (HoursEntry.paid_period_start == start))
        | ((HoursEntry.status == EntryStatus.PENDING) & pending_here),
    )


def _sheet_of(org: Organisation, day: date) -> tuple[PayCalendar, dict]:
    """The calendar and the period fields of a timesheet for the period holding ``day`` (one query)."""
    calendar = pay_calendar(org)
    period = calendar.period(day)
    return calendar, {"start": period[0], "end": period[1], "exported_at": calendar.exported_at(period[0]),
                      "paid_later_in": calendar.paid_later_in(period), "previous": calendar.previous(period),
                      "next": calendar.next(period)}


def get_timesheet(org: Organisation, user: User, day: date, locale: str | None = None) -> Timesheet:
    """``user``'s timesheet for the pay period of ``org`` that contains ``day`` (at most three queries). With ``locale``, the
    lines are titled for a reader of that language (:func:`lms.hours.titles.display_titles`, two queries more);
    without, they keep the ledger's titles. A correction's line has the date of the entry it corrects (same query)."""
    calendar, period = _sheet_of(org, day)
    corrected = aliased(HoursEntry)
    rows = db.session.execute(
        select(HoursEntry, employee_id_on(HoursEntry.activity_date), corrected.activity_date)
        .outerjoin(Membership, _membership_of(org))
        .outerjoin(corrected, corrected.id == HoursEntry.corrects_id)
        .where(HoursEntry.user_id == user.id, _in_period(calendar, period["start"], period["end"]))
        .order_by(HoursEntry.activity_date, HoursEntry.id)
    ).all()
    entries = [entry for entry, _id, _corrected in rows]
    titles = display_titles(entries, locale) if locale else {}
    lines = [_line(e, titles.get(e.id), employee_id, corrects_date) for e, employee_id, corrects_date in rows]
    approved = [line for line in lines if line.status is EntryStatus.APPROVED]
    pending = [line for line in lines if line.status is EntryStatus.PENDING]
    employee_id = ids_text(_distinct_ids(approved) or _distinct_ids(pending)) if lines else db.session.scalar(
        select(Membership.employee_id).where(Membership.org_id == org.id, Membership.user_id == user.id))
    return Timesheet(org=org, user_id=user.id, name=user.name, employee_id=employee_id, lines=approved,
                     pending=pending, **period)


def get_org_timesheet(org: Organisation, day: date) -> OrgTimesheet:
    """One row per person with approved or pending hours in the period containing ``day`` (two queries). The
    entries are summed per person and employee ID in force (:func:`lms.orgs.history.employee_id_on`), then per
    person, so a row names the IDs its lines are paid under."""
    calendar, period = _sheet_of(org, day)
    entries = (
        select(HoursEntry.user_id, HoursEntry.status, HoursEntry.minutes, HoursEntry.activity_date,
               amount_sql().label("amount"), cast(HoursEntry.id, BigInteger).label("entry_id"),
               employee_id_on(HoursEntry.activity_date).label("paid_id"))
        .outerjoin(Membership, _membership_of(org))
        .where(_in_period(calendar, period["start"], period["end"]))
        .subquery()
    )
    is_approved = entries.c.status == EntryStatus.APPROVED
    rows = db.session.execute(
        select(
            entries.c.user_id,
            User.name,
            entries.c.paid_id,
            func.min(case((is_approved, entries.c.activity_date))),
            func.min(entries.c.activity_date),
            func.sum(case((is_approved, 1), else_=0)),
            func.sum(case((is_approved, entries.c.minutes), else_=0)),
            func.sum(case((is_approved, entries.c.amount), else_=0)),
            func.sum(case((is_approved, 0), else_=1)),
            func.sum(case((is_approved, 0), else_=entries.c.minutes)),
            func.sum(case((~is_approved & (entries.c.activity_date < period["start"]), 1), else_=0)),
            func.sum(case((is_approved, entries.c.entry_id), else_=0)),
        )
        .join(User, User.id == entries.c.user_id)
        .group_by(entries.c.user_id, User.name, entries.c.paid_id)
        .order_by(User.name, entries.c.user_id)
    ).all()
    return OrgTimesheet(org=org, rows=_per_person(rows), **period)


def _per_person(rows) -> list[PersonTotals]:
    """The sums per person and employee ID (in person order) added up per person; the IDs in order of date."""
    groups: dict[int, list] = {}
    for row in rows:
        groups.setdefault(row[0], []).append(row)
    people = []
    for user_id, parts in groups.items():
        # PostgreSQL sums bigints as numeric; int() keeps the dataclass integral on every database.
        sums = [sum(int(part[n] or 0) for part in parts) for n in range(5, 12)]
        paid = tuple(part[2] for part in sorted((p for p in parts if p[3] is not None), key=lambda p: p[3]))
        waiting = [part[2] for part in sorted(parts, key=lambda p: p[4])]
        people.append(PersonTotals(user_id, parts[0][1], ids_text(list(paid) or waiting), *sums, paid_ids=paid))
    return people


def list_paid_lines(org: Organisation, start: date) -> list[tuple[Line, str, str | None, int]]:
    """Every approved line paid in the period starting ``start``, with the person's name, the employee ID in force on
    the line's date and user id, in a stable order (name, person, date, entry): what the payroll export writes."""
    rows = db.session.execute(
        select(HoursEntry, User.name, employee_id_on(HoursEntry.activity_date))
        .join(User, User.id == HoursEntry.user_id)
        .outerjoin(Membership, _membership_of(org))
        .where(
            HoursEntry.org_id == org.id,
            HoursEntry.status == EntryStatus.APPROVED,
            HoursEntry.paid_period_start == start,
        )
        .order_by(User.name, HoursEntry.user_id, HoursEntry.activity_date, HoursEntry.id)
    ).all()
    return [(_line(entry, employee_id=employee_id), name, employee_id, entry.user_id)
            for entry, name, employee_id in rows]

