"""Employment history: the earlier periods of someone who left an organisation and joined it again.

A person has one membership per organisation; it holds their current (or last) period of employment. When former
staff join again (an accepted invitation: ``lms.orgs.services.add_member``), the ended period is first kept here as an
:class:`~lms.orgs.models.EmploymentPeriod` (its dates, job title, employee ID, type, and who recorded the end and
when), then the membership takes the new period. Periods never overlap: a new period starts after the last day of
the one before (``lms.orgs.employment_rules``).

Everything that asks "was this person on this organisation's staff on day D" reads every period
(:func:`employers_on`): the organisation an hours entry belongs to (``lms.hours.entry_orgs.employers_on``), managers'
adjustments, approving an entry (``lms.hours.approvals.check_employed``), and the continuing-education standing and
checklist (``lms.hours.compliance``, ``lms.hours.ce_checklist``).
Timesheets and payroll files write the employee ID in force on each entry's date (:func:`employee_id_on`,
``lms.hours.timesheets``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, func, or_, select, union_all
from sqlalchemy.orm import joinedload

from lms import db
from lms.audit import AuditEvent
from lms.orgs.models import EmploymentPeriod, EmploymentType, Membership, Organisation


@dataclass(frozen=True)
class Stint:
    """One period of employment: the membership's own (``end`` None while they work there) or an earlier one."""

    start: date | None
    end: date | None
    job_title: str | None
    employee_id: str | None
    employment_type: EmploymentType

    def holds(self, day: date) -> bool:
        """Whether they were employed on ``day`` in this period (an unrecorded start counts as employed)."""
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


def keep_ended_period(membership: Membership) -> EmploymentPeriod:
    """Keep ``membership``'s ended period (they are joining again): its details, and who recorded the end and when
    (the latest ``membership.ended`` audit row; none for an end recorded before the audit log kept it)."""
    assert membership.employment_end is not None, "only an ended period is kept"
    ended = _end_recorded(membership)
    period = EmploymentPeriod(
        membership_id=membership.id, employee_id=membership.employee_id, job_title=membership.job_title,
        employment_type=membership.employment_type, employment_start=membership.employment_start,
        employment_end=membership.employment_end, ended_by_id=ended.actor_id if ended else None,
        ended_at=ended.at if ended else None,
    )
    db.session.add(period)
    db.session.flush()
    return period


def _end_recorded(membership: Membership) -> AuditEvent | None:
    return db.session.execute(
        select(AuditEvent).where(AuditEvent.object_type == "Membership", AuditEvent.object_id == membership.id,
                                 AuditEvent.action == "membership.ended")
        .order_by(AuditEvent.id.desc()).limit(1)
    ).scalar_one_or_none()


def list_past_periods(membership: Membership) -> list[EmploymentPeriod]:
    """``membership``'s earlier periods, the latest first, with who recorded each end (one query)."""
    return list(db.session.execute(
        select(EmploymentPeriod).options(joinedload(EmploymentPeriod.ended_by))
        .where(EmploymentPeriod.membership_id == membership.id)
        .order_by(EmploymentPeriod.employment_end.desc(), EmploymentPeriod.id.desc())
    ).scalars())


def last_end(membership: Membership) -> date | None:
    """The last day of ``membership``'s latest earlier period, if they left and joined again (one query)."""
    return db.session.scalar(select(EmploymentPeriod.employment_end)
                             .where(EmploymentPeriod.membership_id == membership.id)
                             .order_by(EmploymentPeriod.employment_end.desc()).limit(1))


def current_stint(membership: Membership) -> Stint:
    return Stint(membership.employment_start, membership.employment_end, membership.job_title,
                 membership.employee_id, membership.employment_type)


def _stint(period: EmploymentPeriod) -> Stint:
    return Stint(period.employment_start, period.employment_end, period.job_title, period.employee_id,
                 period.employment_type)


def past_stints(membership_ids: Iterable[int]) -> dict[int, list[Stint]]:
    """The earlier periods of each of these memberships, oldest first; memberships without any are left out. One
    query whatever the number of memberships, none for no membership."""
    ids = sorted(set(membership_ids))
    if not ids:
        return {}
    found: dict[int, list[Stint]] = {}
    for period in db.session.execute(
        select(EmploymentPeriod).where(EmploymentPeriod.membership_id.in_(ids))
        .order_by(EmploymentPeriod.membership_id, EmploymentPeriod.employment_end, EmploymentPeriod.id)
    ).scalars():
        found.setdefault(period.membership_id, []).append(_stint(period))
    return found


def stints(membership: Membership) -> list[Stint]:
    """Every period of ``membership``, oldest first: the earlier ones, then its own (one query)."""
    return [*past_stints([membership.id]).get(membership.id, []), current_stint(membership)]


def stint_on(periods: list[Stint], day: date) -> tuple[Stint, date | None]:
    """The period (of ``periods``, oldest first) in force on ``day`` — the latest one started by then, else the
    first — and the start of the period after it (None for the last)."""
    index = 0
    for number, stint in enumerate(periods):
        if stint.start is None or stint.start <= day:
            index = number
    following = periods[index + 1].start if index + 1 < len(periods) else None
    return periods[index], following


def employee_id_on(day: ColumnElement[date]) -> ColumnElement[str | None]:
    """SQL for the employee ID in force on ``day`` (a date column) for the :class:`Membership` of the enclosing query
    (which must have it in its FROM): that of the earlier period holding the day, if any and if it recorded one, else
    the membership's own. Why: a rehired person may have a new ID, and a payroll line belongs to the employment its
    training was done in. A correlated subquery (at most one period holds a day), so rows are never multiplied."""
    earlier = (
        select(EmploymentPeriod.employee_id)
        .where(EmploymentPeriod.membership_id == Membership.id,
               or_(EmploymentPeriod.employment_start.is_(None), EmploymentPeriod.employment_start <= day),
               EmploymentPeriod.employment_end >= day)
        .order_by(EmploymentPeriod.employment_end.desc()).limit(1)
        .scalar_subquery()
    )
    return func.coalesce(earlier, Membership.employee_id)


def employers_on(user_id: int, day: date) -> list[Organisation]:
    """The organisations that employed the person on ``day``, in their current period or an earlier one, the one
    they first started with first. The order reads each organisation's FIRST period (its start; an unrecorded start
    counts as the earliest), not the period holding ``day``, so leaving an organisation and joining it again does not
    change which one comes first; equal starts go by the oldest membership (created first, then its id). One query."""
    current = select(Membership.org_id, Membership.id.label("mid")).where(
        Membership.user_id == user_id,
        or_(Membership.employment_start.is_(None), Membership.employment_start <= day),
        or_(Membership.employment_end.is_(None), Membership.employment_end >= day))
    earlier = select(Membership.org_id, Membership.id).join(
        EmploymentPeriod, EmploymentPeriod.membership_id == Membership.id).where(
        Membership.user_id == user_id,
        or_(EmploymentPeriod.employment_start.is_(None), EmploymentPeriod.employment_start <= day),
        EmploymentPeriod.employment_end >= day)
    periods = union_all(current, earlier).subquery()
    # The first period of a membership is its oldest kept one (periods never overlap), else its own.
    oldest = (select(EmploymentPeriod.id).where(EmploymentPeriod.membership_id == Membership.id)
              .order_by(EmploymentPeriod.employment_end, EmploymentPeriod.id).limit(1).correlate(Membership))
    first_start = (select(EmploymentPeriod.employment_start).where(EmploymentPeriod.id == oldest.scalar_subquery())
                   .correlate(Membership).scalar_subquery())
    rows = db.session.execute(
        select(Organisation, Membership.employment_start, Membership.created_at, Membership.id,
               oldest.exists().label("rehired"), first_start.label("first_start"))
        .join(periods, periods.c.org_id == Organisation.id).join(Membership, Membership.id == periods.c.mid)).all()
    rows.sort(key=lambda row: ((row.first_start if row.rehired else row.employment_start) or date.min,
                               row.created_at, row.id))
    found: dict[int, Organisation] = {}
    for row in rows:
        found.setdefault(row[0].id, row[0])
    return list(found.values())


def employed_by(user_id: int, org_id: int, day: date) -> bool:
    """Whether ``org_id`` employed the person on ``day``, in any of their periods there (the rule for which
    organisation an entry may belong to and be approved by). One query."""
    return org_id in {org.id for org in employers_on(user_id, day)}
