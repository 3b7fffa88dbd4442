"""Timesheets: the approved training hours paid in one pay period, per person and for a whole organisation.

Periods are the organisation's pay calendar (:mod:`lms.hours.pay_calendar`): exported periods as exported, and the
current schedule's periods around them. Which entries belong to a period: approved entries of the organisation whose
``paid_period_start`` is the period's start (set on approval, so an entry approved after its period was exported is
paid in a later one). Pending entries are listed apart as "awaiting approval"; they are not paid yet. A period lists
the pending entries done in it and, if it is the first period after the last export, also those done before it: payroll
has run for their dates, so approving them now pays them there. A period payroll has run for still lists the pending
entries done in it, with the period that would pay them (``paid_later_in``).

Money is integer cents. A line's amount is ``minutes * rate_cents / 60`` rounded half-up to a whole cent, per line,
in integer arithmetic; negative adjustments round the same way away from zero, so a correction cancels the line it
corrects to the cent. Totals add the rounded lines (as a payslip does). The organisation view aggregates in SQL
(GROUP BY user) with the same formula, so it costs a fixed number of queries whatever the number of people.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import BigInteger, and_, case, cast, func, select

from lms import db
from lms.accounts.models import User
from lms.hours.models import PAY_CODE, EntrySource, EntryStatus, HoursEntry
from lms.hours.pay_calendar import PayCalendar, pay_calendar
from lms.hours.periods import Period, org_today
from lms.hours.titles import display_titles
from lms.orgs.models import Membership, Organisation


def amount_cents(minutes: int, rate_cents: int) -> int:
    """Pay for ``minutes`` at ``rate_cents`` an hour, rounded half-up (away from zero) to a whole cent."""
    size = (abs(minutes) * rate_cents + 30) // 60
    return -size if minutes < 0 else size


def hundredths(numerator: int, denominator: int) -> str:
    """``numerator / denominator`` as a decimal with two places, rounded half-up (away from zero), no floats."""
    scaled = (abs(numerator) * 100 * 2 + denominator) // (2 * denominator)
    sign = "-" if numerator < 0 and scaled else ""
    return f"{sign}{scaled // 100}.{scaled % 100:02d}"


def hours_text(minutes: int) -> str:
    """Minutes as decimal hours with two places: ``90`` → ``"1.50"``, ``50`` → ``"0.83"``."""
    return hundredths(minutes, 60)


def dollars_text(cents: int) -> str:
    """Cents as dollars with two places: ``1250`` → ``"12.50"``, ``-5`` → ``"-0.05"``."""
    return hundredths(cents, 100)


def _amount_sql():
    """:func:`amount_cents` in SQL (integer division on both PostgreSQL and SQLite; operands are non-negative)."""
    minutes = cast(HoursEntry.minutes, BigInteger)
    rate = cast(func.coalesce(HoursEntry.rate_cents, 0), BigInteger)
    return case(
        (minutes >= 0, (minutes * rate + 30) // 60),
        else_=-(((-minutes) * rate + 30) // 60),
    )


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


@dataclass(frozen=True)
class Timesheet:
    """One person's timesheet for one pay period of one organisation."""

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


def _line(entry: HoursEntry, title: str | None = None) -> Line:
    rate = entry.rate_cents or 0
    return Line(entry.id, entry.activity_date, entry.source, title or entry.title, entry.minutes, rate,
                amount_cents(entry.minutes, rate), entry.status)


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
    """``user``'s timesheet for the pay period of ``org`` that contains ``day`` (three queries). With ``locale``, the
    lines are titled for a reader of that language (:func:`lms.hours.titles.display_titles`, two queries more);
    without, they keep the ledger's titles."""
    calendar, period = _sheet_of(org, day)
    entries = db.session.scalars(
        select(HoursEntry)
        .where(HoursEntry.user_id == user.id, _in_period(calendar, period["start"], period["end"]))
        .order_by(HoursEntry.activity_date, HoursEntry.id)
    ).all()
    employee_id = db.session.scalar(
        select(Membership.employee_id).where(Membership.org_id == org.id, Membership.user_id == user.id)
    )
    titles = display_titles(entries, locale) if locale else {}
    approved = [_line(e, titles.get(e.id)) for e in entries if e.status is EntryStatus.APPROVED]
    pending = [_line(e, titles.get(e.id)) for e in entries if e.status is EntryStatus.PENDING]
    return Timesheet(org=org, user_id=user.id, name=user.name, employee_id=employee_id, lines=approved,
                     pending=pending, **period)


def get_org_timesheet(org: Organisation, day: date) -> OrgTimesheet:
    """One row per person with approved or pending hours in the period containing ``day`` (two queries)."""
    calendar, period = _sheet_of(org, day)
    is_approved = HoursEntry.status == EntryStatus.APPROVED
    rows = db.session.execute(
        select(
            HoursEntry.user_id,
            User.name,
            Membership.employee_id,
            func.sum(case((is_approved, 1), else_=0)),
            func.sum(case((is_approved, HoursEntry.minutes), else_=0)),
            func.sum(case((is_approved, _amount_sql()), else_=0)),
            func.sum(case((is_approved, 0), else_=1)),
            func.sum(case((is_approved, 0), else_=HoursEntry.minutes)),
            func.sum(case((~is_approved & (HoursEntry.activity_date < period["start"]), 1), else_=0)),
            func.sum(case((is_approved, cast(HoursEntry.id, BigInteger)), else_=0)),
        )
        .join(User, User.id == HoursEntry.user_id)
        .outerjoin(Membership, (Membership.user_id == HoursEntry.user_id) & (Membership.org_id == org.id))
        .where(_in_period(calendar, period["start"], period["end"]))
        .group_by(HoursEntry.user_id, User.name, Membership.employee_id)
        .order_by(User.name, HoursEntry.user_id)
    ).all()
    # PostgreSQL sums bigints as numeric; int() keeps the dataclass integral on every database.
    people = [PersonTotals(uid, name, emp, *(int(v or 0) for v in sums)) for uid, name, emp, *sums in rows]
    return OrgTimesheet(org=org, rows=people, **period)


def list_paid_lines(org: Organisation, start: date) -> list[tuple[Line, str, str | None, int]]:
    """Every approved line paid in the period starting ``start``, with the person's name, employee ID and user id,
    in a stable order (name, person, date, entry): what the payroll export writes."""
    rows = db.session.execute(
        select(HoursEntry, User.name, Membership.employee_id)
        .join(User, User.id == HoursEntry.user_id)
        .outerjoin(Membership, (Membership.user_id == HoursEntry.user_id) & (Membership.org_id == org.id))
        .where(
            HoursEntry.org_id == org.id,
            HoursEntry.status == EntryStatus.APPROVED,
            HoursEntry.paid_period_start == start,
        )
        .order_by(User.name, HoursEntry.user_id, HoursEntry.activity_date, HoursEntry.id)
    ).all()
    return [(_line(entry), name, employee_id, entry.user_id) for entry, name, employee_id in rows]

