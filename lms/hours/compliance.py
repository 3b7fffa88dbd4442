"""Continuing-education (CE) compliance: each person's CE year, hours done, what remains, and the DHCS checklist.

DHCS asks for at least 6 hours of continuing education a year "in core competencies and/or specialty areas" without
saying what a year is, so each organisation chooses (``Organisation.ce_year_basis``): the calendar year, a fiscal year
starting on the 1st of ``ce_fiscal_start_month``, or each person's employment anniversary (``Membership.
employment_start``; a 29 February start has its anniversary on 1 March in common years; no start date falls back
to the calendar year). The minimum is ``Organisation.ce_annual_minimum_minutes`` (default 360).

People who start during a CE year (calendar or fiscal basis; an anniversary year starts on the first day of work)
owe the minimum pro rata for the days of the year they are employed, rounded up to the minute, and the even pace
that "behind" measures runs from their first day. DHCS does not say what a partial first year owes; pro rata keeps
a December hire from being overdue for a year they mostly did not work. People whose employment starts after
today owe nothing yet and are shown with their start date, after everyone else. Someone with no start date recorded
who joined the staff during the CE year (``Membership.created_at``, on the organisation's calendar) counts from that
day as if they started then, and is shown "first year", never behind, until the year's deadline: nothing says how
long they have worked there.

Someone who left and joined again (``lms.orgs.history``) starts a new employment: on the anniversary basis their
anniversary is the new start date, so their CE years begin again from it, and hours done before it stay in the
earlier years. On the calendar and fiscal bases the year is everyone's; their first day in it is the start of the
earliest period of employment that overlaps it (a gap between two periods is not taken off what they owe). The DHCS
checklist of a day describes the period of employment in force on that day.

Nobody is "behind" in the first days of their pace (:data:`PACE_GRACE_DAYS`): at an even pace of 6 hours a year,
one day without training is already a minute short, and training comes in sessions of an hour or more, so the pace
rule would call a newcomer behind on their second day. The status reads "just started" then, with the same minutes
required and still needed; the rule's numbers do not change.

Which hours count: every *approved* entry of the organisation whose activity date falls in the person's CE year, from
every source (live sessions, self-paced modules, external training, supervised field experience and adjustments).
We do not filter by competency area: all training the employer approved is training in core competencies or a
specialty, and the approver is the one who judges that (see docs/payroll-export.md, "Continuing education").
"""

from __future__ import annotations

from codecs import BOM_UTF8
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Integer, and_, case, cast, extract, func, or_, select
from sqlalchemy.orm import aliased

from lms import db
from lms.accounts.models import User
from lms.errors import NotFoundError
from lms.hours import periods
from lms.hours.export import Number, write_csv
from lms.hours.models import EntryStatus, HoursEntry
from lms.hours.titles import display_titles
from lms.hours.transcript import decimal_hours, hours_minutes
from lms.i18n import _
from lms.orgs import history
from lms.orgs.history import Stint
from lms.orgs.models import CEYearBasis, MemberRole, Membership, Organisation

Year = tuple[date, date]

#: The first days of a person's pace (their CE year, or their work when they started during it) in which they are
#: shown as "just started", never as behind: 30 days, but at most a quarter of the days of that pace (at least the
#: first day), so a short first year (someone hired in December) still warns in time.
PACE_GRACE_DAYS = 30


def _anniversary(year: int, like: date) -> date:
    """``like``'s month and day in ``year``; 29 February becomes 1 March in common years."""
    try:
        return like.replace(year=year)
    except ValueError:
        return date(year, 3, 1)


def ce_year(org: Organisation, day: date, employment_start: date | None = None) -> Year:
    """The CE year (inclusive start and end) containing ``day`` for a person of ``org``."""
    basis = org.ce_year_basis
    if basis is CEYearBasis.ANNIVERSARY and employment_start is not None:
        day = max(day, employment_start)  # before the first day of work: the first CE year
        year = day.year if _anniversary(day.year, employment_start) <= day else day.year - 1
        return _anniversary(year, employment_start), _anniversary(year + 1, employment_start) - timedelta(days=1)
    if basis is CEYearBasis.FISCAL:
        month = org.ce_fiscal_start_month
        year = day.year if day.month >= month else day.year - 1
        return date(year, month, 1), date(year + 1, month, 1) - timedelta(days=1)
    return date(day.year, 1, 1), date(day.year, 12, 31)


def required_minutes(org: Organisation, year: Year, employment_start: date | None) -> int:
    """The CE minimum a person owes for ``year``: the organisation's minimum, pro rata by the days employed in it
    when they started during the year (rounded up, so never less than the share)."""
    start, end = year
    minimum = org.ce_annual_minimum_minutes
    if employment_start is None or employment_start <= start:
        return minimum
    if employment_start > end:
        return 0
    return -(-minimum * ((end - employment_start).days + 1) // ((end - start).days + 1))


@dataclass(frozen=True)
class CEStatus:
    """Where one person stands in their current CE year."""

    user_id: int
    name: str
    job_title: str | None
    employee_id: str | None
    year_start: date
    year_end: date
    today: date
    done_minutes: int
    required_minutes: int
    employment_start: date | None = None
    #: Pending minutes of the organisation dated in the year: they count once approved (filled for the person's own
    #: view, :func:`list_own_ce_status`; the dashboard leaves it 0).
    pending_minutes: int = 0
    #: False when the person's account is disabled (the dashboard marks them, as the organisation's page does).
    is_active: bool = True
    #: The day they joined the staff (accepted their invitation, in the organisation's calendar): their first day
    #: when no start date is recorded (:attr:`joined_this_year`).
    joined_on: date | None = None

    @property
    def joined_this_year(self) -> bool:
        """No start date is recorded and they joined during this CE year, by today: it is their first, counted from
        the day they joined, and no pace is measured before its end, the first deadline (state ``first_year``). (On
        a day before they joined, nothing says when they started: the whole year counts, as without a date.)"""
        return self.employment_start is None and self.joined_on is not None and (
            self.year_start <= self.joined_on <= min(self.today, self.year_end))

    @property
    def first_day(self) -> date | None:
        """The day their CE years count from: the recorded start, else the day they joined this year, if so."""
        return self.employment_start or (self.joined_on if self.joined_this_year else None)

    @property
    def has_started(self) -> bool:
        """False for someone whose employment starts after today: they owe nothing yet."""
        return self.employment_start is None or self.employment_start <= self.today

    @property
    def is_prorated(self) -> bool:
        """They started during this CE year, so they owe a share of the minimum (:func:`required_minutes`)."""
        return self.first_day is not None and self.year_start < self.first_day <= self.year_end

    @property
    def remaining_minutes(self) -> int:
        if not self.has_started:
            return 0
        return max(0, self.required_minutes - self.done_minutes)

    @property
    def days_left(self) -> int:
        return max(0, (self.year_end - self.today).days)

    @property
    def pace_start(self) -> date:
        """The first day of the even pace: the year's first day, or the first day of work for someone who started
        during the year."""
        return max(self.year_start, self.first_day or self.year_start)

    @property
    def is_first_year(self) -> bool:
        """This CE year began with their work (they started during it, or on its first day)."""
        return self.employment_start is not None and self.employment_start == self.pace_start

    @property
    def expected_minutes(self) -> int:
        """What an even pace would have reached by today (the minimum spread over the year's days, from the first
        day of work for someone who started during the year)."""
        first = self.pace_start
        total = (self.year_end - first).days + 1
        elapsed = min(total, max(0, (self.today - first).days + 1))
        return self.required_minutes * elapsed // total if total > 0 else 0

    @property
    def is_just_started(self) -> bool:
        """Within the grace days at the start of the pace (:data:`PACE_GRACE_DAYS`), not complete yet."""
        total = (self.year_end - self.pace_start).days + 1
        grace = max(1, min(PACE_GRACE_DAYS, total // 4))
        return self.has_started and not self.is_complete and (self.today - self.pace_start).days < grace

    @property
    def is_complete(self) -> bool:
        return self.remaining_minutes == 0

    @property
    def is_behind(self) -> bool:
        return (not self.is_complete and not self.is_just_started and not self.joined_this_year
                and self.done_minutes < self.expected_minutes)

    @property
    def state(self) -> str:
        if not self.has_started:
            return "not_started"
        if self.is_complete:
            return "complete"
        if self.joined_this_year:
            return "first_year"
        return "just_started" if self.is_just_started else "behind" if self.is_behind else "on_track"


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
    :func:`ce_year` (keys make 29 February fall before 1 March without date arithmetic in SQL). A subquery, so
    PostgreSQL computes it once per person rather than once per entry."""
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
    can earlier periods of employment (:func:`_first_day`) change what they owe."""
    return start is not None and start > ce_year(org, today, start)[0]


def _first_day(start: date | None, year: Year, periods: Iterable[Stint]) -> date | None:
    """The first day of work counted in ``year`` for someone whose period starts on ``start``: the earliest start
    of ``periods`` (their earlier ones) that overlap the year, when earlier; None (the whole year) when such a
    period's start was not recorded."""
    first = start
    for period in periods:
        if period.end is not None and period.end >= year[0] and (period.start is None or period.start <= year[1]):
            if period.start is None:
                return None
            first = period.start if first is None or period.start < first else first
    return first


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
    first = _first_day(start, year, earlier)
    joined_on = joined.astimezone(ZoneInfo(org.timezone)).date() if joined is not None and first is None else None
    counted = first or (joined_on if joined_on is not None and year[0] <= joined_on <= min(today, year[1]) else None)
    return CEStatus(user_id, name, title, employee_id, *year, today, done, required_minutes(org, year, counted), first,
                    joined_on=joined_on)


#: The dashboard's order of states, who needs attention first (:func:`dashboard_order`).
STATE_ORDER = ("behind", "on_track", "just_started", "first_year", "complete", "not_started")


def dashboard_order(status: CEStatus) -> tuple:
    """Sort key of the dashboard: by state (:data:`STATE_ORDER`), then by what the state means. Behind: furthest
    behind the even pace first, then fewest days left. On track: fewest days left, then most still needed. Just
    started (no pace measured yet): most still needed, then fewest days left. Complete: by name. Not started yet:
    by start date. Ties by name."""
    state = status.state
    within: tuple = ()
    if state == "behind":
        within = (status.done_minutes - status.expected_minutes, status.days_left)
    elif state == "on_track":
        within = (status.days_left, -status.remaining_minutes)
    elif state in ("just_started", "first_year"):
        within = (-status.remaining_minutes, status.days_left)
    elif state == "not_started" and status.employment_start is not None:
        within = (status.employment_start.toordinal(),)
    return STATE_ORDER.index(state), *within, status.name.casefold(), status.user_id


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


# ---------------------------------------------------------------- the DHCS Annual Continuing Training Checklist


@dataclass(frozen=True)
class ChecklistRow:
    topic: str
    description: str
    minutes: int
    completed_on: date
    supervising_provider: str

    @property
    def time(self) -> str:
        return hours_minutes(self.minutes)


@dataclass(frozen=True)
class Checklist:
    """Plain data for the checklist: Section A (the CHW and the supervising provider) and Section B (trainings)."""

    chw_name: str
    chw_title: str
    supervisor_name: str
    supervisor_title: str
    organisation: str
    employment_start: date | None
    employment_type: str
    year_start: date
    year_end: date
    required_minutes: int
    rows: list[ChecklistRow]

    @property
    def total_minutes(self) -> int:
        """The exact sum of the rows, which show hours and minutes (never rounded rows that would not add up)."""
        return sum(row.minutes for row in self.rows)

    @property
    def total_time(self) -> str:
        return hours_minutes(self.total_minutes)

    @property
    def total_hours(self) -> str:
        """The total as decimal hours, rounded once from the exact minutes, for forms that ask for decimals."""
        return decimal_hours(self.total_minutes)


def supervising_provider(org: Organisation) -> tuple[str, str]:
    """The organisation's signatory if set, else its first manager (name and job title)."""
    if org.signatory_name:
        return org.signatory_name, org.signatory_title or ""
    row = db.session.execute(
        select(User.name, Membership.job_title)
        .join(User, User.id == Membership.user_id)
        .where(Membership.org_id == org.id, Membership.is_manager)
        .order_by(Membership.created_at, Membership.id)
        .limit(1)
    ).first()
    return (row[0], row[1] or "") if row else ("", "")


def _brief(text: str | None, limit: int = 200) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def build_checklist(org: Organisation, membership: Membership, day: date, locale: str | None = None) -> Checklist:
    """The checklist for the CE year containing ``day`` (three queries; two more for the titles of module entries in
    ``locale``, which without it keep the ledger's titles), for the period of employment in force on ``day``: its
    start, job title and type (``lms.orgs.history``; on the anniversary basis an earlier period's last CE year ends
    where the next period starts). Each training's supervising provider is the manager who approved it, or the
    organisation's supervising provider."""
    supervisor, supervisor_title = supervising_provider(org)
    stints = history.stints(membership)
    stint, following = history.stint_on(stints, day)
    start, end = ce_year(org, day, stint.start)
    if following is not None and org.ce_year_basis is CEYearBasis.ANNIVERSARY:
        end = min(end, following - timedelta(days=1))
    first = _first_day(stint.start, (start, end), stints)
    approver = aliased(User)
    entries = db.session.execute(
        select(HoursEntry, approver.name)
        .outerjoin(approver, approver.id == HoursEntry.decided_by_id)
        .where(
            HoursEntry.org_id == org.id,
            HoursEntry.user_id == membership.user_id,
            HoursEntry.status == EntryStatus.APPROVED,
            HoursEntry.activity_date.between(start, end),
        )
        .order_by(HoursEntry.activity_date, HoursEntry.id)
    ).all()
    titles = display_titles([entry for entry, _approved_by in entries], locale) if locale else {}
    rows = [
        ChecklistRow(
            titles.get(entry.id, entry.title),
            _brief(entry.description) or _describe(entry),
            entry.minutes,
            entry.activity_date,
            entry.supervisor_name or approved_by or supervisor,
        )
        for entry, approved_by in entries
    ]
    return Checklist(
        membership.user.name,
        stint.job_title or "",
        supervisor,
        supervisor_title,
        org.name,
        stint.start,
        stint.employment_type.title,
        start,
        end,
        required_minutes(org, (start, end), first),
        rows,
    )


def _describe(entry: HoursEntry) -> str:
    if entry.provider:
        return _("%(kind)s by %(provider)s", kind=entry.source.title, provider=entry.provider)
    return entry.source.title


def checklist_csv(checklist: Checklist) -> bytes:
    """The checklist as CSV: a Section A block of label/value rows, a blank row, then Section B with a header row,
    one row per training and a total. Text cells are neutralised against spreadsheet formulas.

    Time is exact, as on the PDF: "Hours" in hours and minutes ("1 h 40 min"), and a last column of whole minutes
    that a spreadsheet can add up to the total row (decimal hours rounded per row would not add up).

    People open this file in a spreadsheet, so it starts with a UTF-8 byte-order mark: without one Excel reads it as
    Windows-1252 and shows "LÃ³pez". (The payroll CSV has none: payroll imports want its exact documented bytes.)"""
    section_a = [
        [_("Section A")],
        [_("CHW name"), checklist.chw_name],
        [_("CHW title"), checklist.chw_title],
        [_("Supervising provider name"), checklist.supervisor_name],
        [_("Supervising provider title"), checklist.supervisor_title],
        [_("Supervising provider organisation"), checklist.organisation],
        [_("Employment start date"), checklist.employment_start.isoformat() if checklist.employment_start else ""],
        [_("Type of employment"), checklist.employment_type],
        [_("Continuing-education year"), f"{checklist.year_start.isoformat()}/{checklist.year_end.isoformat()}"],
    ]
    section_b = [
        [_("Section B")],
        [_("Training topic"), _("Brief description"), _("Hours"), _("Date completed"), _("Supervising provider"),
         _("Minutes")],
        *([r.topic, r.description, r.time, r.completed_on.isoformat(), r.supervising_provider, Number(r.minutes)]
          for r in checklist.rows),
        [_("Total"), "", checklist.total_time, "", "", Number(checklist.total_minutes)],
    ]
    return BOM_UTF8 + write_csv([*section_a, [], *section_b])
