"""Payroll lines without an employee ID. Payroll matches a line to a person by its ID, and an exported file is locked,
so the manager is told before the export (the timesheet page, above its export form) and when they clear someone's
ID on the staff page. A line's ID is the one the payroll file writes (:func:`lms.orgs.history.employee_id_on`, as
:func:`lms.hours.timesheets.list_paid_lines`), so the warning names exactly the lines the file writes without one.
Exporting stays allowed: some people have no ID (volunteers, for example)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, func, select

from lms import db
from lms.accounts.models import User
from lms.hours.models import EntryStatus, HoursEntry, PayrollExport
from lms.hours.money import amount_sql
from lms.orgs.history import employee_id_on
from lms.orgs.models import Membership, Organisation


@dataclass(frozen=True)
class PersonWithoutId:
    """Someone whose lines in a period's payroll file have no employee ID, with those lines' count, time and amount;
    ``membership_id``: their staff page (None if they have no membership of the organisation)."""

    user_id: int
    name: str
    membership_id: int | None
    line_count: int
    minutes: int
    amount_cents: int


def _without_id() -> ColumnElement[bool]:
    """The line's ID in force (that of the :class:`Membership` in the query's FROM) is missing or empty."""
    return func.coalesce(employee_id_on(HoursEntry.activity_date), "") == ""


def _membership_of(org_id: int) -> ColumnElement[bool]:
    return (Membership.user_id == HoursEntry.user_id) & (Membership.org_id == org_id)


def list_paid_without_id(org: Organisation, start: date, user_id: int | None = None) -> list[PersonWithoutId]:
    """The people whose approved lines paid in the period starting ``start`` (the lines of its payroll file) are
    written without an employee ID, by name, with the count, time and amount of those lines; with ``user_id``, that
    person only (their timesheet page). One query."""
    person = [HoursEntry.user_id == user_id] if user_id is not None else []
    rows = db.session.execute(
        select(HoursEntry.user_id, User.name, Membership.id, func.count(), func.sum(HoursEntry.minutes),
               func.sum(amount_sql()))
        .join(User, User.id == HoursEntry.user_id)
        .outerjoin(Membership, _membership_of(org.id))
        .where(HoursEntry.org_id == org.id, HoursEntry.status == EntryStatus.APPROVED,
               HoursEntry.paid_period_start == start, _without_id(), *person)
        .group_by(HoursEntry.user_id, User.name, Membership.id)
        .order_by(User.name, HoursEntry.user_id)
    ).all()
    # PostgreSQL sums bigints as numeric: int() keeps the dataclass integral on every database.
    return [PersonWithoutId(uid, name, mid, int(count), int(minutes or 0), int(cents or 0))
            for uid, name, mid, count, minutes, cents in rows]


def count_unexported_without_id(membership: Membership) -> int:
    """How many of the person's entries for ``membership``'s organisation that no payroll file has yet (approved in
    a period not exported, or awaiting approval) a payroll file would write without an employee ID, as things are
    saved now (flushed). One query."""
    exported = select(PayrollExport.period_start).where(PayrollExport.org_id == membership.org_id)
    unpaid = (HoursEntry.status == EntryStatus.PENDING) | (
        (HoursEntry.status == EntryStatus.APPROVED) & HoursEntry.paid_period_start.not_in(exported))
    return db.session.scalar(
        select(func.count()).select_from(HoursEntry).join(Membership, _membership_of(membership.org_id))
        .where(HoursEntry.org_id == membership.org_id, HoursEntry.user_id == membership.user_id, unpaid,
               _without_id())) or 0
