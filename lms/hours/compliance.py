"""Continuing-education (CE) compliance: each current staff member's standing in their CE year, for the
organisation's dashboard and for the person themselves.

The years, what a person owes in one and their first day are in :mod:`lms.hours.ce_years`; one standing and the
dashboard's order in :mod:`lms.hours.ce_standing`; the DHCS checklist in :mod:`lms.hours.ce_checklist`.

Which hours count: every *approved* entry of the organisation whose activity date falls in the person's CE year, from
every source (live sessions, self-paced modules, external training, supervised field experience and adjustments).
We do not filter by competency area: all training the employer approved is training in core competencies or a
specialty, and the approver is the one who judges that (see docs/payroll-export.md, "Continuing education").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Integer, and_, case, cast, extract, func, or_, select

from lms import db
from lms.accounts.models import User
from lms.errors import NotFoundError
from lms.hours import periods
from lms.hours.ce_standing import CEStatus, dashboard_order
from lms.hours.ce_years import Year, ce_year, first_day_of_work, required_minutes
from lms.hours.models import EntryStatus, HoursEntry
from lms.i18n import _
from lms.orgs import history
from lms.orgs.history import Stint
from lms.orgs.models import CEYearBasis, MemberRole, Membership, Organisation


def get_member(org: Organisation, user_id: int) -> Membership:
    """A current or former staff member of ``org`` by user id."""
    membership = db.session.execute(
        select(Membership).where(Membership.org_id == org.id, Membership.user_id == user_id)
    ).scalar_one_or_none()
    if membership is None:
        raise NotFoundError(_("No such staff member."))
    return membership


def _date_key(column):
    """A date as the integer YYYYMMDD, portable between PostgreSQL and SQLite (integer casts keep PostgreSQL off
    its slow numeric arithmetic: EXTRACT returns numeric)."""

    def part(field: str):
        return cast(extract(field, column), Integer)

    return part("year") * 10000 + part("month") * 100 + part("day")


def _anniversary_starts(org: Organisation, today: date):
    """Per staff member, the YYYYMMDD key of the start of their CE year containing ``today``, matching
    :func:`~lms.hours.ce_years.ce_year` (keys make 29 February fall before 1 March without date arithmetic in SQL).
    A subquery, so PostgreSQL computes it once per person rather than once per entry."""
    start = Membership.employment_start
    start_md = cast(extract("month", start), Integer) * 100 + cast(extract("day", start), Integer)
    today_md = today.month * 100 + today.day
    start_key = case(
        (start.is_(None), today.year * 10000 + 101),
        (start > today, _date_key(start)),  # not started yet: their first CE year, as in ce_year()
        (start_md <= today_md, today.year * 10000 + start_md),
        else_=(today.year - 1) * 10000 + start_md,
    )
    return select(Membership.user_id, start_key.label("start_key")).where(Membership.org_id == org.id).subquery()


def _started_late(org: Organisation, today: date, start: date | None) -> bool:
    """Whether someone who started on ``start`` started after their CE year containing ``today`` began: only then
    can earlier periods of employment (:func:`~lms.hours.ce_years.first_day_of_work`) change what they owe."""
    return start is not None and start > ce_year(org, today, start)[0]


def _staff_query(org: Organisation):
    return (
        select(Membership.user_id, User.name, Membership.job_title, Membership.employee_id, Membership.employment_start,
               User.is_active, Membership.created_at, Membership.id)
        .join(User, User.id == Membership.user_id)
        .where(Membership.org_id == org.id, Membership.employment_end.is_(None), Membership.role == MemberRole.MEMBER)
    )


def _done_by_user(org: Organisation, today: date, user_id: int | None = None) -> dict[int, int]:
    """Approved CE minutes per person in each one's CE year containing ``today`` (one GROUP BY query)."""
    query = (
        select(HoursEntry.user_id, func.sum(HoursEntry.minutes))
        .where(HoursEntry.org_id == org.id, HoursEntry.status == EntryStatus.APPROVED)
        .group_by(HoursEntry.user_id)
    )
    if org.ce_year_basis is CEYearBasis.ANNIVERSARY:
        starts, key = _anniversary_starts(org, today), _date_key(HoursEntry.activity_date)
        query = query.join(starts, starts.c.user_id == HoursEntry.user_id).where(
            # every window contains today, so this range holds them all and lets the index narrow the scan
            HoursEntry.activity_date.between(today - timedelta(days=366), today + timedelta(days=366)),
            key >= starts.c.start_key,
            key < starts.c.start_key + 10000,
        )
    else:
        query = query.where(HoursEntry.activity_date.between(*ce_year(org, today)))
    if user_id is not None:
        query = query.where(HoursEntry.user_id == user_id)
    return {uid: int(total or 0) for uid, total in db.session.execute(query)}


def _status(org: Organisation, today: date, user_id: int, name: str, title: str | None, employee_id: str | None,
            start: date | None, done: int, earlier: Iterable[Stint] = (), joined: datetime | None = None) -> CEStatus:
    """One person's standing; ``joined`` (when their membership was made) stands for a start date not recorded."""
    year = ce_year(org, today, start)
    first = first_day_of_work(start, year, earlier)
    joined_on = joined.astimezone(ZoneInfo(org.timezone)).date() if joined is not None else None
    counted = first or (joined_on if joined_on is not None and year[0] <= joined_on <= min(today, year[1]) else None)
    return CEStatus(user_id, name, title, employee_id, *year, today, done, required_minutes(org, year, counted), first,
                    joined_on=joined_on)


def list_ce_status(org: Organisation, today: date) -> list[CEStatus]:
    """Every current staff member's CE standing in the dashboard's order (:func:`dashboard_order`): behind first,
    then on track, just started, complete, and people who have not started yet last, by start date.

    Two queries whatever the number of people: the staff list, and the minutes aggregated per person in SQL; a third
    for earlier periods of employment when someone started during their CE year."""
    staff = db.session.execute(_staff_query(org)).all()
    done = _done_by_user(org, today)
    earlier = history.past_stints(row[-1] for row in staff if _started_late(org, today, row[4]))
    rows = [replace(_status(org, today, uid, name, title, employee_id, start, done.get(uid, 0),
                            earlier.get(membership_id, ()), joined), is_active=active)
            for uid, name, title, employee_id, start, active, joined, membership_id in staff]
    return sorted(rows, key=dashboard_order)


def ce_status(org: Organisation, membership: Membership, today: date) -> CEStatus | None:
    """One person's CE standing; None for managers and former staff, who are not on the CE list (:func:`list_ce_status`)."""
    if membership.role is not MemberRole.MEMBER or not membership.is_current:
        return None
    done = _done_by_user(org, today, membership.user_id).get(membership.user_id, 0)
    late = _started_late(org, today, membership.employment_start)
    earlier = history.past_stints([membership.id]).get(membership.id, ()) if late else ()
    return _status(org, today, membership.user_id, membership.user.name, membership.job_title,
                   membership.employee_id, membership.employment_start, done, earlier, membership.created_at)


# ---------------------------------------------------------------- a person's own standing


@dataclass(frozen=True)
class OwnCEStatus:
    """A person's CE standing in one organisation whose staff they are (their hours page and home page)."""

    org_slug: str
    org_name: str
    status: CEStatus


def list_own_ce_status(memberships: Iterable[Membership], today: date | None = None) -> list[OwnCEStatus]:
    """One person's CE standing in each organisation whose current staff they are, by organisation name: the same
    people, years and minutes as the organisation's dashboard (:func:`list_ce_status`; managers and former staff
    have none), plus the pending minutes that would count if approved. ``memberships`` are the person's (as
    ``lms.orgs.services.list_user_memberships`` loads them, organisation included); ``today`` defaults to each
    organisation's own today, as on its dashboard.

    One query whatever the number of organisations, and none for someone on no staff; one more for earlier periods
    of employment when they started during a CE year."""
    staff = [m for m in memberships if m.role is MemberRole.MEMBER and m.employment_end is None]
    if not staff:
        return []
    days = {m.org_id: today or periods.org_today(m.organisation) for m in staff}
    years = {m.org_id: ce_year(m.organisation, days[m.org_id], m.employment_start) for m in staff}
    minutes = _own_minutes(staff[0].user_id, years)
    earlier = history.past_stints(m.id for m in staff if _started_late(m.organisation, days[m.org_id],
                                                                        m.employment_start))
    rows = [
        OwnCEStatus(m.organisation.slug, m.organisation.name, replace(
            _status(m.organisation, days[m.org_id], m.user_id, m.user.name, m.job_title, m.employee_id,
                    m.employment_start, minutes.get((m.org_id, EntryStatus.APPROVED), 0), earlier.get(m.id, ()),
                    m.created_at),
            pending_minutes=minutes.get((m.org_id, EntryStatus.PENDING), 0)))
        for m in staff
    ]
    return sorted(rows, key=lambda row: (row.org_name.casefold(), row.org_slug))


def _own_minutes(user_id: int, years: dict[int, Year]) -> dict[tuple[int, EntryStatus], int]:
    """Approved and pending minutes of one person per organisation, each in its own CE year (one GROUP BY)."""
    windows = [and_(HoursEntry.org_id == org_id, HoursEntry.activity_date.between(start, end))
               for org_id, (start, end) in years.items()]
    query = (
        select(HoursEntry.org_id, HoursEntry.status, func.sum(HoursEntry.minutes))
        .where(HoursEntry.user_id == user_id, HoursEntry.status.in_((EntryStatus.APPROVED, EntryStatus.PENDING)),
               or_(*windows))
        .group_by(HoursEntry.org_id, HoursEntry.status)
    )
    return {(org_id, status): int(total or 0) for org_id, status, total in db.session.execute(query)}

