"""Payroll export: one CSV per organisation and pay period; exporting locks the period (see docs/payroll-export.md).

The first export of a period writes the file from the approved lines paid in it, stores the exact bytes with their
SHA-256 in a ``PayrollExport`` row, and from then on the period is locked: approvals land in the next open period,
and every later export serves the stored bytes, so payroll always gets the identical file. Only a period of the
organisation's pay calendar can be exported (:mod:`lms.hours.pay_calendar`), and those never overlap an export.
A period that has not ended is only exported when the caller says so (``before_end``): everything approved after
the export, training done on the period's remaining days included, is then paid in the next period.

A *draft* (:func:`draft_csv`) is what the export would write now, for people to check: marked DRAFT in its first line
and its file name, it locks nothing and is not an export.
"""

from __future__ import annotations

import csv
import hashlib
import io
from codecs import BOM_UTF8
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from lms import audit, db
from lms.accounts.models import User
from lms.db import utcnow
from lms.errors import DomainError
from lms.hours import sheet_check
from lms.hours.models import PayrollExport
from lms.hours.money import dollars_text, hours_text
from lms.hours.pay_calendar import PayCalendar, pay_calendar
from lms.hours.periods import lock_for_export, org_today
from lms.hours.timesheets import get_org_timesheet, list_paid_lines
from lms.hours.unexported import UnexportedPeriod, list_unexported_periods
from lms.i18n import _, format_when
from lms.orgs.models import Organisation

#: The columns, in this order, forever: payroll imports map them by position or name. Add new ones at the end.
COLUMNS = (
    "employee_id", "name", "period_start", "period_end", "date", "pay_code", "minutes", "hours", "rate", "amount",
    "entry_id", "source", "title", "corrects_entry_id",
)

#: A spreadsheet treats a cell starting with one of these as a formula (or strips them into one).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str | None) -> str:
    """A text cell that a spreadsheet could run as a formula gets a leading apostrophe (OWASP CSV injection).

    Only text cells pass through here; numeric columns are written by the exporter from integers, so a negative
    adjustment stays the number ``-30`` that payroll can add up."""
    text = text or ""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def employee_ids_changed_on_export(employee_ids: Iterable[str | None]) -> list[tuple[str, str]]:
    """The employee IDs (as saved: stripped) that the payroll file writes otherwise, each with what it writes: one
    starting with ``=`` ``+`` ``-`` ``@`` gets the leading apostrophe of :func:`neutralise`, so it no longer matches
    the HR system's ID as typed. For warning the manager who saves one; each ID once, in the order given."""
    changed: dict[str, str] = {}
    for raw in employee_ids:
        value = (raw or "").strip()
        if value and neutralise(value) != value:
            changed.setdefault(value, neutralise(value))
    return list(changed.items())


class Number(str):
    """A cell the exporter wrote from an integer (minutes, hours, money, IDs, ISO dates): written as is."""


def write_csv(rows: Iterable[Iterable[str | None]]) -> bytes:
    """UTF-8 CSV with CRLF line ends; every cell that is not a :class:`Number` is neutralised."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow([cell if isinstance(cell, Number) else neutralise(cell) for cell in row])
    return buffer.getvalue().encode("utf-8")


def _rows(org: Organisation, start: date, end: date) -> list[list[str | None]]:
    return [
        [
            employee_id, name, Number(start.isoformat()), Number(end.isoformat()),
            Number(line.activity_date.isoformat()), line.pay_code, Number(line.minutes), Number(hours_text(line.minutes)),
            Number(dollars_text(line.rate_cents)), Number(dollars_text(line.amount_cents)), Number(line.entry_id),
            line.source.value, line.title, Number(line.corrects_id or ""),
        ]
        for line, name, employee_id, _user_id in list_paid_lines(org, start)
    ]


def build_csv(org: Organisation, start: date, end: date) -> tuple[bytes, int]:
    """The CSV file (UTF-8, CRLF, header row first) of the approved lines paid in the period, and its row count."""
    rows = _rows(org, start, end)
    return write_csv([COLUMNS, *rows]), len(rows)


def get_export(org: Organisation, start: date) -> PayrollExport | None:
    return db.session.execute(
        select(PayrollExport).where(PayrollExport.org_id == org.id, PayrollExport.period_start == start)
    ).scalar_one_or_none()


def check_period(org: Organisation, start: date, end: date | None = None) -> tuple[date, date]:
    """``start`` (and ``end`` if given) must be exactly one period of the organisation's pay calendar: an exported
    period as exported, or one of the schedule's periods around the exports (never one overlapping an export)."""
    return _checked(org, start, end)[1]


def _checked(org: Organisation, start: date, end: date | None) -> tuple[PayCalendar, tuple[date, date]]:
    calendar = pay_calendar(org)
    period = calendar.period(start)
    if period[0] != start or (end is not None and period[1] != end):
        raise DomainError(
            _("Choose exactly one pay period: %(start)s to %(end)s contains that date.",
              start=period[0].isoformat(), end=period[1].isoformat())
        )
    return calendar, period


class PeriodNotOver(DomainError):
    """The period has not ended, and the caller did not confirm exporting it early."""

    code = "period_not_over"


class EarlierNotExported(DomainError):
    """Earlier ended periods pay approved hours but were never exported, and the caller did not confirm skipping them."""

    code = "earlier_not_exported"


def periods_text(found: Iterable[UnexportedPeriod]) -> str:
    """The periods' dates for a message: "Nov 9, 2026 to Nov 22, 2026; ..." """
    # i18n: one pay period in a list of them, e.g. "Nov 9, 2026 to Nov 22, 2026".
    return "; ".join(_("%(start)s to %(end)s", start=format_when(p.start), end=format_when(p.end)) for p in found)


def export_period(org: Organisation, start: date, actor: User | None, today: date | None = None, *,
                  before_end: bool = False, shown: str | None = None,
                  skip_confirmed: bool | None = None) -> PayrollExport:
    """Export (and so lock) the pay period starting ``start``; if it was exported already, return that export.
    ``before_end``: the caller confirmed exporting a period whose last day has not passed yet (otherwise
    :class:`PeriodNotOver`); anything approved afterwards, training done later in the period included, is paid in the
    next period. ``shown``: the fingerprint of the timesheet the caller checked (:mod:`lms.hours.sheet_check`);
    when the period's approved entries are no longer those, :class:`~lms.hours.sheet_check.SheetChanged` and
    nothing is exported, or, for a period exported already, the file is not the sheet checked (None: no such
    check, as for the API; an empty one, which no page sends, is refused unless the period is exported already).
    ``skip_confirmed``: False when the caller did not confirm exporting while earlier ended periods that pay approved
    hours are not exported (:mod:`lms.hours.unexported`): then :class:`EarlierNotExported` if there are any (None: no
    such check, as for the API, which reports them instead).

    Takes the organisation's export lock first, so no approval can slip into the period between reading its lines
    and locking it (see :func:`lms.hours.periods.lock_for_approval`), and the period is checked against the exports
    and schedule as they are once the lock is held (a schedule change or another export may have just committed)."""
    lock_for_export(org)
    db.session.refresh(org)
    calendar, (start, end) = _checked(org, start, None)
    today = today or org_today(org)
    if start > today:
        raise DomainError(_("This pay period has not started yet, so it cannot be exported."))
    existing = get_export(org, start)
    if shown is not None and (existing is None or shown):  # under the lock: no approval lands between check and file
        sheet_check.check_unchanged(get_org_timesheet(org, start), shown)
    if existing is not None:
        return existing
    if end >= today and not before_end:
        # i18n: quotes the checkbox "Yes, export it before it ends" of the timesheet page: translate it alike.
        raise PeriodNotOver(_("Nothing was exported: this pay period runs until %(date)s. To export it before it "
                              "ends, also tick “Yes, export it before it ends”. Hours approved afterwards, training "
                              "done on the remaining days included, are then paid in the next period.",
                              date=format_when(end, "long")))
    if skip_confirmed is False and (skipped := list_unexported_periods(org, today, before=start)):
        # i18n: quotes the checkbox "Yes, export this period without them" of the timesheet page: translate it alike.
        raise EarlierNotExported(_("Nothing was exported: earlier pay periods with approved hours were never "
                                   "exported (%(periods)s). Export them first, or, to export this one anyway, also "
                                   "tick “Yes, export this period without them”.", periods=periods_text(skipped)))
    content, count = build_csv(org, start, end)
    if count == 0 and calendar.paid_later_in((start, end)) is not None:
        # a period payroll already ran past, never exported: only worth a file if it pays something
        raise DomainError(_("Payroll has already run for a later period and no approved hours are paid in this one, "
                            "so there is nothing to export."))
    export = PayrollExport(org_id=org.id, period_start=start, period_end=end, content=content,
                           sha256=hashlib.sha256(content).hexdigest(), row_count=count,
                           exported_by_id=actor.id if actor else None)
    try:
        with db.session.begin_nested():
            db.session.add(export)
    except IntegrityError:  # another export of the same period won the race (SQLite has no row lock)
        return get_export(org, start)  # type: ignore[return-value]
    audit.record("payroll.exported", export, actor, org_id=org.id, period_start=start.isoformat(),
                 rows=count, sha256=export.sha256)
    return export


@dataclass(frozen=True)
class ExportSummary:
    """One payroll file of an organisation, without its bytes (for the list of files)."""

    start: date
    end: date
    exported_at: datetime
    exported_by: str | None
    row_count: int
    sha256: str


def list_exports(org: Organisation) -> list[ExportSummary]:
    """Every payroll file of the organisation, newest period first, with its own dates whatever the pay schedule
    is now (one query; the files' bytes are not loaded)."""
    rows = db.session.execute(
        select(PayrollExport.period_start, PayrollExport.period_end, PayrollExport.exported_at, User.name,
               PayrollExport.row_count, PayrollExport.sha256)
        .outerjoin(User, User.id == PayrollExport.exported_by_id)
        .where(PayrollExport.org_id == org.id)
        .order_by(PayrollExport.period_start.desc())
    ).all()
    return [ExportSummary(*row) for row in rows]


def period_of(org: Organisation, day: date) -> tuple[date, date]:
    """The pay period of the organisation's calendar that holds ``day`` (an exported one as it was exported)."""
    return pay_calendar(org).period(day)


def draft_csv(org: Organisation, start: date, end: date) -> bytes:
    """A draft of the period's payroll file, for people to check before exporting: the rows and columns the export
    would write now, after a first line saying DRAFT (so a payroll import expecting the header first refuses it
    rather than paying from it), with a byte-order mark for Excel, cells neutralised like the real file's. It locks
    nothing and records nothing: reading it changes no pay."""
    # i18n: the first line of a draft payroll CSV file; keep "DRAFT" first and in capitals, in your language.
    note = _("DRAFT, not locked, not a payroll file: %(org)s, pay period %(start)s to %(end)s, as of %(when)s. It can "
             "change until the period is exported.", org=org.name, start=format_when(start), end=format_when(end),
             when=format_when(utcnow()))
    return BOM_UTF8 + write_csv([[note], COLUMNS, *_rows(org, start, end)])


def draft_filename(org: Organisation, start: date, end: date) -> str:
    """The draft's name in the API (English, like the payroll files'); the site names it in the reader's language
    (:func:`lms.web.file_names.draft_timesheet_file_name`)."""
    return f"DRAFT-timesheet-{org.slug}-{start.isoformat()}-{end.isoformat()}.csv"


def filename(org: Organisation, export: PayrollExport, *, for_excel: bool = False) -> str:
    suffix = "-excel" if for_excel else ""
    return f"payroll-{org.slug}-{export.period_start.isoformat()}-{export.period_end.isoformat()}{suffix}.csv"


def for_excel(content: bytes) -> bytes:
    """A copy of a stored payroll file to open in Excel: the same bytes after a UTF-8 byte-order mark. Without the
    mark Excel reads the file as Windows-1252 and shows "MarÃ­a" for "María"; payroll imports take the file as
    stored, which has no mark."""
    return BOM_UTF8 + content
