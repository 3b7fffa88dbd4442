"""The DHCS Annual Continuing Training Checklist of one staff member for one continuing-education (CE) year, as plain
data and as CSV (the PDF renders the same data from a template): Section A names the CHW and the supervising provider,
Section B lists the approved trainings of the year.

Section A gives the FIRST start date of employment with the organisation and every period of employment up to the
end of the year (someone who left and was rehired has several; the trainings listed may come from an earlier one),
e.g. "Feb 1, 2026 (en dash) Nov 20, 2026; Dec 1, 2026 (en dash)". The CE year itself follows the period in force on the day asked.
"""

from __future__ import annotations

from codecs import BOM_UTF8
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import aliased

from lms import db
from lms.accounts.models import User
from lms.hours.ce_years import ce_year, first_day_of_work, required_minutes
from lms.hours.export import Number, write_csv
from lms.hours.models import EntryStatus, HoursEntry
from lms.hours.money import hours_text
from lms.hours.titles import display_titles
from lms.hours.transcript import ExactTotals, hours_minutes
from lms.i18n import _
from lms.orgs import history
from lms.orgs.models import CEYearBasis, Membership, Organisation


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
class Checklist(ExactTotals):
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
    #: Every period of employment with the organisation started by the end of the year, oldest first: (start, last
    #: day); a start None was not recorded, a last day None means they still work there.
    employment_periods: tuple[tuple[date | None, date | None], ...] = ()

    @property
    def first_start(self) -> date | None:
        """The first day of their first period with the organisation (the period in force's start without any)."""
        return self.employment_periods[0][0] if self.employment_periods else self.employment_start

    def periods_text(self, show: Callable[[date], str]) -> str:
        """The periods of employment as text, each day written by ``show``, separated by
        semicolons (see the module docstring)."""
        return "; ".join(period_text(start, end, show) for start, end in self.employment_periods)


def period_text(start: date | None, end: date | None, show: Callable[[date], str]) -> str:
    """One period of employment: its start and last day joined by an en dash, or its start and a dash while it
    lasts."""
    # i18n: the day a period of employment started, when the organisation did not record it.
    first = show(start) if start else _("start not recorded")
    if end is None:
        # i18n: a period of employment still going on (no last day yet); %(start)s is its first day.
        return _("%(start)s –", start=first)
    # i18n: a period of employment, from its first to its last day.
    return _("%(start)s – %(end)s", start=first, end=show(end))


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
    job title and type and its CE year (``lms.orgs.history``; on the anniversary basis an earlier period's last CE year ends
    where the next period starts). Each training's supervising provider is the manager who approved it, or the
    organisation's supervising provider."""
    supervisor, supervisor_title = supervising_provider(org)
    stints = history.stints(membership)
    stint, following = history.stint_on(stints, day)
    start, end = ce_year(org, day, stint.start)
    if following is not None and org.ce_year_basis is CEYearBasis.ANNIVERSARY:
        end = min(end, following - timedelta(days=1))
    first = first_day_of_work(stint.start, (start, end), stints)
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
    rows = _fold_corrections([
        (entry, ChecklistRow(
            titles.get(entry.id, entry.title),
            _brief(entry.description) or _describe(entry),
            entry.minutes,
            entry.activity_date,
            entry.supervisor_name or approved_by or supervisor,
        ))
        for entry, approved_by in entries
    ])
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
        tuple((s.start, s.end) for s in stints if s is stint or s.start is None or s.start <= end),
    )


def _fold_corrections(rows: list[tuple[HoursEntry, ChecklistRow]]) -> list[ChecklistRow]:
    """One row per training (DHCS Section B): an approved correction of a training listed in the same year is added
    to that training's row (a training corrected to no time at all is left out); one whose training is in another
    year stays a row of its own, its topic saying it is a correction. The total is the same either way."""
    parent = {entry.id: entry.corrects_id for entry, _row in rows}

    def training_of(entry_id: int) -> int:  # a correction of a correction counts towards the training itself
        while parent[entry_id] in parent:
            entry_id = parent[entry_id]  # type: ignore[assignment]
        return entry_id

    added: dict[int, int] = {}
    for entry, _row in rows:
        if entry.corrects_id in parent:
            added[training_of(entry.id)] = added.get(training_of(entry.id), 0) + entry.minutes
    folded = []
    for entry, row in rows:
        if entry.corrects_id in parent:
            continue
        if entry.corrects_id is not None:
            # i18n: a checklist row of a correction whose training is in another CE year; %(title)s is the training.
            row = replace(row, topic=_("Correction: %(title)s", title=row.topic))
        if entry.id in added:
            row = replace(row, minutes=row.minutes + added[entry.id])
            if row.minutes == 0:
                continue
        folded.append(row)
    return folded


def _describe(entry: HoursEntry) -> str:
    if entry.provider:
        return _("%(kind)s by %(provider)s", kind=entry.source.title, provider=entry.provider)
    return entry.source.title


def checklist_csv(checklist: Checklist) -> bytes:
    """The checklist as CSV: a Section A block of label/value rows, a blank row, then Section B with a header row,
    one row per training and a total. Text cells are neutralised against spreadsheet formulas.

    Time is in numbers a spreadsheet can add up: "Hours" as decimal hours with two places and an ASCII minus ("1.67",
    "-0.50"), as in the payroll file, and a last column of whole minutes. The exact figure is the minutes: hours are
    rounded per row, so their sum may differ by a hundredth from the total row, which is rounded once from the exact
    total minutes.

    People open this file in a spreadsheet, so it starts with a UTF-8 byte-order mark: without one Excel reads it as
    Windows-1252 and shows "LÃ³pez". (The payroll CSV has none: payroll imports want its exact documented bytes.)"""
    section_a = [
        [_("Section A")],
        [_("CHW name"), checklist.chw_name],
        [_("CHW title"), checklist.chw_title],
        [_("Supervising provider name"), checklist.supervisor_name],
        [_("Supervising provider title"), checklist.supervisor_title],
        [_("Supervising provider organisation"), checklist.organisation],
        [_("Employment start date"), checklist.first_start.isoformat() if checklist.first_start else ""],
        [_("Periods of employment"), checklist.periods_text(date.isoformat)],
        [_("Type of employment"), checklist.employment_type],
        [_("Continuing-education year"), f"{checklist.year_start.isoformat()}/{checklist.year_end.isoformat()}"],
    ]
    section_b = [
        [_("Section B")],
        [_("Training topic"), _("Brief description"), _("Hours"), _("Date completed"), _("Supervising provider"),
         _("Minutes")],
        *([r.topic, r.description, Number(hours_text(r.minutes)), Number(r.completed_on.isoformat()),
           r.supervising_provider, Number(r.minutes)] for r in checklist.rows),
        [_("Total"), "", Number(hours_text(checklist.total_minutes)), "", "", Number(checklist.total_minutes)],
    ]
    return BOM_UTF8 + write_csv([*section_a, [], *section_b])
