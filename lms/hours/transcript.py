"""A trainee's own view of their training hours: totals by pay period, month, source and competency area, and the
transcript of all approved training (plain data for the PDF template).

An entry tagged with several competency areas counts in full towards each of them, so the area totals can add up to
more than the overall total; the page and the transcript say so. Labels, dates, area names and the titles of
module entries follow the reader's language (:func:`lms.hours.titles.display_titles`); other titles are shown as
recorded in the ledger.

Time is shown exactly, in hours and minutes (:func:`hours_minutes`), on every row and total (the transcript is
handed to auditors: rows rounded to hundredths of an hour would not add up to an exact total, 1 h 40 min being
1.67). The one decimal figure is the overall total's, rounded once from its exact minutes (:func:`decimal_hours`),
for forms that ask for decimals.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from flask_babel import format_decimal
from sqlalchemy import select

from lms import db
from lms.accounts.models import User
from lms.catalog.areas import AREAS, area_title, specialty_title
from lms.hours.models import EntrySource, EntryStatus, HoursEntry
from lms.hours.money import hours_text
from lms.hours.pay_calendar import load_pay_calendars
from lms.hours.titles import display_titles
from lms.i18n import _
from lms.orgs.models import Organisation


def hours_minutes(minutes: int) -> str:
    """Exact time for a document's tables, short enough for a column: ``100`` → ``1 h 40 min``, ``60`` → ``1 h``,
    ``45`` → ``45 min``; a negative correction keeps its sign in front (U+2212 MINUS SIGN, as on the pages)."""
    sign = "−" if minutes < 0 else ""
    hours, rest = divmod(abs(minutes), 60)
    if hours and rest:
        # i18n: exact time in a transcript's or checklist's table ("1 h 40 min"); keep it short, it is a column.
        return sign + _("%(hours)s h %(minutes)s min", hours=format_decimal(hours), minutes=rest)
    if hours:
        # i18n: whole hours in a transcript's or checklist's table ("5 h").
        return sign + _("%(hours)s h", hours=format_decimal(hours))
    # i18n: minutes under an hour in a transcript's or checklist's table ("45 min").
    return sign + _("%(minutes)s min", minutes=rest)


def decimal_hours(minutes: int) -> str:
    """Minutes as decimal hours with two places, rounded half-up once from the exact minutes, in the reader's number
    format: ``3350`` → ``55.83`` (``55,83`` where the comma is the decimal sign)."""
    return format_decimal(Decimal(hours_text(minutes)), format="#,##0.00")


class ExactTotals:
    """What a document's ``rows`` (each with exact ``minutes``) add up to: exactly, shown in hours and minutes (never
    rounded rows that would not add up), and as decimal hours rounded once, for forms that ask for decimals."""

    @property
    def total_minutes(self) -> int:
        return sum(row.minutes for row in self.rows)  # type: ignore[attr-defined]

    @property
    def total_time(self) -> str:
        return hours_minutes(self.total_minutes)

    @property
    def total_hours(self) -> str:
        return decimal_hours(self.total_minutes)


def competency_title(code: str) -> str:
    """A core competency area's translated name, or a specialty's slug as words."""
    return area_title(code) if code in AREAS else specialty_title(code)


@dataclass(frozen=True)
class Total:
    label: str
    minutes: int
    key: object = None

    @property
    def time(self) -> str:
        return hours_minutes(self.minutes)


@dataclass(frozen=True)
class PeriodTotal:
    org_slug: str
    org_name: str
    start: date
    end: date
    minutes: int


@dataclass
class HoursSummary:
    """A trainee's approved minutes grouped four ways, what still awaits approval (pending entries of an
    organisation), and what is in their own records only (pending entries of no organisation, which nobody reviews:
    :mod:`lms.hours.own_records`), as My hours counts them."""

    total_minutes: int = 0
    pending_minutes: int = 0
    pending_count: int = 0
    own_minutes: int = 0
    own_count: int = 0
    by_period: list[PeriodTotal] = field(default_factory=list)
    by_month: list[Total] = field(default_factory=list)
    by_source: list[Total] = field(default_factory=list)
    by_area: list[Total] = field(default_factory=list)


def _user_entries(user: User, statuses: tuple[EntryStatus, ...], org_id: int | None = None) -> list[HoursEntry]:
    query = select(HoursEntry).where(HoursEntry.user_id == user.id, HoursEntry.status.in_(statuses))
    if org_id is not None:
        query = query.where(HoursEntry.org_id == org_id)
    return list(db.session.scalars(query.order_by(HoursEntry.activity_date, HoursEntry.id)))


def _orgs(ids: set[int]) -> dict[int, Organisation]:
    if not ids:
        return {}
    return {org.id: org for org in db.session.scalars(select(Organisation).where(Organisation.id.in_(ids)))}


def hours_summary(user: User) -> HoursSummary:
    """The trainee's summary page data (two queries: their entries, and the organisations that paid them with their
    payroll exports)."""
    entries = _user_entries(user, (EntryStatus.APPROVED, EntryStatus.PENDING))
    approved = [e for e in entries if e.status is EntryStatus.APPROVED]
    pending = [e for e in entries if e.status is EntryStatus.PENDING and e.org_id is not None]
    own = [e for e in entries if e.status is EntryStatus.PENDING and e.org_id is None]
    summary = _totals(approved)
    summary.total_minutes = sum(e.minutes for e in approved)
    summary.pending_minutes, summary.pending_count = sum(e.minutes for e in pending), len(pending)
    summary.own_minutes, summary.own_count = sum(e.minutes for e in own), len(own)
    summary.by_period = _by_period(approved)
    months: dict[date, int] = defaultdict(int)
    for entry in approved:
        months[entry.activity_date.replace(day=1)] += entry.minutes
    summary.by_month = [Total("", minutes, month) for month, minutes in sorted(months.items(), reverse=True)]
    return summary


def _totals(entries: list[HoursEntry]) -> HoursSummary:
    """Source and area totals of loaded approved entries (no query)."""
    summary = HoursSummary()
    sources: dict[EntrySource, int] = defaultdict(int)
    areas: dict[str, int] = defaultdict(int)
    for entry in entries:
        sources[entry.source] += entry.minutes
        for code in entry.competency_areas or ():
            areas[code] += entry.minutes
    summary.by_source = [Total(source.title, sources[source], source) for source in EntrySource if source in sources]
    summary.by_area = sorted((Total(competency_title(c), m, c) for c, m in areas.items()), key=lambda t: t.label)
    return summary


def _by_period(approved: list[HoursEntry]) -> list[PeriodTotal]:
    totals: dict[tuple[int, date], int] = defaultdict(int)
    for entry in approved:
        if entry.org_id is not None and entry.paid_period_start is not None:
            totals[(entry.org_id, entry.paid_period_start)] += entry.minutes
    # the organisations with their exports: an exported period keeps its own dates after a schedule change
    calendars = load_pay_calendars({org_id for org_id, _start in totals})
    rows = [
        PeriodTotal(calendars[org_id].org.slug, calendars[org_id].org.name, *calendars[org_id].period(start), minutes)
        for (org_id, start), minutes in totals.items()
    ]
    return sorted(rows, key=lambda row: (row.start, row.org_name), reverse=True)


# ---------------------------------------------------------------- transcript

@dataclass(frozen=True)
class TranscriptRow:
    activity_date: date
    title: str
    provider: str
    source: str
    minutes: int
    areas: list[str]

    @property
    def time(self) -> str:
        return hours_minutes(self.minutes)


@dataclass(frozen=True)
class Transcript(ExactTotals):
    """Plain data for ``lms/pdf/transcript.html``; build it inside ``force_locale`` so titles are translated."""

    name: str
    email: str
    generated_on: date
    rows: list[TranscriptRow]
    by_area: list[Total]
    by_source: list[Total]
    #: For a manager's copy: the organisation whose records it holds (and no others), and the last day of the
    #: person's work there if they left.
    org_name: str | None = None
    left_on: date | None = None


def build_transcript(user: User, today: date, locale: str, org: Organisation | None = None,
                     left_on: date | None = None) -> Transcript:
    """All of the trainee's approved training, oldest first, with totals by area and source, titled for a reader of
    ``locale`` (four queries at most). With ``org`` (a manager's copy), only the training recorded with that
    organisation: its own records, never another employer's or the person's own (``left_on``: the last day of a
    former staff member's work there, stated on the document)."""
    entries = _user_entries(user, (EntryStatus.APPROVED,), org.id if org is not None else None)
    orgs = _orgs({e.org_id for e in entries if e.org_id is not None and not e.provider})
    titles = display_titles(entries, locale)
    rows = [
        TranscriptRow(e.activity_date, titles[e.id], e.provider or (orgs[e.org_id].name if e.org_id in orgs else ""),
                      e.source.title, e.minutes, [competency_title(c) for c in e.competency_areas or ()])
        for e in entries
    ]
    summary = _totals(entries)
    return Transcript(user.name, user.email, today, rows, summary.by_area, summary.by_source,
                      org.name if org is not None else None, left_on)

