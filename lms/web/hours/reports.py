"""Hours views: organisation timesheets and the payroll export (managers)."""

from __future__ import annotations

import hashlib
from datetime import date, datetime

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale

from lms import db
from lms.api.query_args import refuse_repeated
from lms.errors import DomainError
from lms.hours import export, export_totals, missing_ids, periods, sheet_check, timesheets, unexported
from lms.hours.compliance import get_member
from lms.hours.sheet_check import SheetChanged
from lms.i18n import _, current_locale
from lms.live.times import instant_text
from lms.orgs.services import get_org
from lms.security import access, current_user
from lms.timezones import zone_label
from lms.web.file_names import draft_timesheet_file_name
from lms.web.hours import bp
from lms.web.hours.day_args import day_arg, required_day_arg
from lms.web.hours.export_form import ExportForm


def requested_day(org) -> date:
    """The ``start`` query argument (any day of the wanted period), or today where the organisation is."""
    return periods.parse_day(request.args.get("start")) or periods.org_today(org)


def period_nav(sheet) -> dict[str, date]:
    """Previous and next period starts of a timesheet, for the pager."""
    return {"previous": sheet.previous[0], "next": sheet.next[0]}


def shown_day(org) -> tuple[date, list[str]]:
    """The ``start`` query argument (any day of the wanted period), or today where the organisation is, with a
    message when ``start`` is not a day (the current period is shown then, and the message says so)."""
    day, problem = day_arg("start")
    if problem:
        return periods.org_today(org), [problem, _("Showing the current pay period instead.")]
    return day or periods.org_today(org), []


@bp.get("/orgs/<org_slug>/timesheets")
@access.org_manager
def org_timesheet(org_slug: str):
    org = get_org(org_slug)
    day, notes = shown_day(org)
    return _org_sheet_page(org, timesheets.get_org_timesheet(org, day), notes=notes)


def _org_sheet_page(org, sheet, *, notes: list[str] | tuple = (), error: str | None = None, status: int = 200,
                    form: ExportForm | None = None, recheck: bool = False):
    """The organisation's timesheet, with the fingerprint of what it shows for the export form
    (:mod:`lms.hours.sheet_check`), and the people its payroll file writes without an employee ID
    (:mod:`lms.hours.missing_ids`). ``form``: the export form as sent, with its problems (else nothing ticked).
    ``recheck``: the sheet changed since the manager ticked "I have checked": the page says that tick was cleared."""
    earlier = [] if sheet.is_locked or not sheet.has_started else unexported.list_unexported_periods(
        org, periods.org_today(org), before=sheet.start)
    return render_template("lms/hours/reports/org_timesheet.html", org=org, sheet=sheet, nav=period_nav(sheet),
                           form=form or ExportForm(formdata=None), exported_at=sheet_export_text(org, sheet), notes=notes, error=error,
                           shown=sheet_check.fingerprint(sheet), earlier_unexported=earlier,
                           without_ids=missing_ids.list_paid_without_id(org, sheet.start) if sheet.line_count else [],
                           recheck=recheck), status


@bp.get("/orgs/<org_slug>/timesheets/<int:user_id>")
@access.org_manager
def person_timesheet(org_slug: str, user_id: int):
    """One person's timesheet, with the note the organisation's timesheet gives when the period's payroll file writes
    their lines without an employee ID (:mod:`lms.hours.missing_ids`)."""
    org = get_org(org_slug)
    membership = get_member(org, user_id)
    day, notes = shown_day(org)
    sheet = timesheets.get_timesheet(org, membership.user, day, current_locale())
    without_ids = missing_ids.list_paid_without_id(org, sheet.start, membership.user_id) if sheet.lines else []
    return render_template("lms/hours/reports/person_timesheet.html", org=org, sheet=sheet, nav=period_nav(sheet),
                           exported_at=sheet_export_text(org, sheet), notes=notes, without_ids=without_ids)


@bp.post("/orgs/<org_slug>/timesheets/export")
@access.org_manager
def export_payroll(org_slug: str):
    """Export and lock the period the page showed, if its approved entries are still the ones it showed (the
    hidden ``shown`` fingerprint; otherwise the sheet again, with what changed, 409); then the period's page, now
    exported and locked, with its file to download (the file is not sent in answer to the form, which left the
    page looking as if nothing had happened). Sent without the "I have checked" tick: the sheet again, the tick's
    problem at its box and the other ticks as sent (400); likewise when the service refuses (a period not over
    without "Yes, export it before it ends", earlier periods not exported without "Yes, export this period without
    them": the refusal at that tick; otherwise above the form), with nothing exported. When the sheet changed (409),
    the other ticks are kept too, but "I have checked" is cleared: it is ticked again once the new sheet is checked."""
    org = get_org(org_slug)
    start = periods.parse_day(request.form.get("start"))
    if start is None:
        abort(400)
    form = ExportForm()
    if not form.validate():  # locking is for good: the manager ticks that they checked the sheet
        return _org_sheet_page(org, timesheets.get_org_timesheet(org, start), form=form, status=400)
    already = export.get_export(org, start) is not None
    try:  # a period that has not ended: only with its own tick (what happens to the days left is on the page)
        done = export.export_period(org, start, current_user._get_current_object(), before_end=form.early.data,
                                    shown=request.form.get("shown", ""), skip_confirmed=form.skip_earlier.data)
    except SheetChanged as exc:  # the other ticks as sent; "I have checked" cleared: the sheet is another one now
        db.session.rollback()
        form.confirm.data = False
        return _org_sheet_page(org, timesheets.get_org_timesheet(org, start), error=exc.message, status=409,
                               form=form, recheck=True)
    except DomainError as exc:  # not over, earlier periods not exported...: the sheet again, the ticks as sent
        db.session.rollback()
        _export_refused(form, exc)
        return _org_sheet_page(org, timesheets.get_org_timesheet(org, start), form=form, status=exc.status)
    db.session.commit()
    flash(_("This period was already exported and locked: its file is below.") if already else
          _("Exported and locked. Download the payroll file below and give it to payroll."), "success")
    return redirect(url_for("lms.hours.org_timesheet", org_slug=org.slug, start=done.period_start.isoformat(),
                            _anchor="payroll-heading"))


#: The tick each refusal of the export asks for, beside which the page shows it.
_TICK_OF = {export.PeriodNotOver: "early", export.EarlierNotExported: "skip_earlier"}


def _export_refused(form: ExportForm, exc: DomainError) -> None:
    """The export's refusal at the tick it asks for ("Yes, export it before it ends"...), else above the form."""
    tick = _TICK_OF.get(type(exc))
    (form[tick].errors if tick else form.form_errors).append(exc.message)


@bp.get("/orgs/<org_slug>/timesheets/draft.csv")
@access.org_manager
def draft_payroll(org_slug: str):
    """A draft of the payroll file of the period holding ``?start=`` (default today), marked DRAFT; it locks
    nothing (:func:`lms.hours.export.draft_csv`). For an exported period, the exported file itself. A parameter given
    twice is refused (a 400 page saying which), as the API refuses it: payroll would act on a guess between them."""
    refuse_repeated()
    org = get_org(org_slug)
    start, end = export.period_of(org, required_day_arg("start") or periods.org_today(org))
    if export.get_export(org, start) is not None:
        return redirect(url_for("lms.hours.download_payroll", org_slug=org.slug, start=start.isoformat()))
    content = export.draft_csv(org, start, end)
    name = draft_timesheet_file_name(org.slug, start.isoformat(), end.isoformat())  # for a person: their language
    return csv_response(content, name, hashlib.sha256(content).hexdigest())


@bp.get("/orgs/<org_slug>/payroll")
@access.org_manager
def payroll_files(org_slug: str):
    """Every payroll file the organisation exported, with its own dates, to view or download again. Export times are
    on the organisation's clock, the zone named, like the periods' dates (a viewer elsewhere once read an export as
    made before its period began)."""
    org = get_org(org_slug)
    exports = export.list_exports(org)
    return render_template("lms/hours/reports/payroll_files.html", org=org, exports=exports,
                           totals=export_totals.list_file_totals(org),
                           unexported=unexported.list_unexported_periods(org, periods.org_today(org)),
                           exported_at={e.start: export_time_text(org, e.exported_at) for e in exports},
                           zone=zone_label(org.timezone, str(get_locale())))


def sheet_export_text(org, sheet) -> str | None:
    """When a timesheet's period was exported (:func:`export_time_text`), if it was."""
    return export_time_text(org, sheet.exported_at) if sheet.exported_at else None


def export_time_text(org, moment: datetime) -> str:
    """When a period was exported, on the organisation's clock with the zone's abbreviation or offset: "Dec 6, 2026,
    3:41 AM +1400"."""
    return instant_text(moment, org.timezone, str(get_locale()))


@bp.get("/orgs/<org_slug>/payroll/<start>.csv")
@access.org_manager
def download_payroll(org_slug: str, start: str):
    """The stored file of an exported period, byte for byte; 404 until the period is exported. ``?for=excel``: the
    same bytes after a byte-order mark (:func:`lms.hours.export.for_excel`), for people opening it in Excel."""
    org = get_org(org_slug)
    day = periods.parse_day(start)
    done = export.get_export(org, day) if day else None
    if done is None:
        abort(404)
    if request.args.get("for") == "excel":
        content = export.for_excel(done.content)
        return csv_response(content, export.filename(org, done, for_excel=True), hashlib.sha256(content).hexdigest())
    return csv_response(done.content, export.filename(org, done), done.sha256)


def csv_response(content: bytes, name: str, sha256: str) -> Response:
    """The file with its SHA-256 as a strong ETag; 304 Not Modified when ``If-None-Match`` names it (strong or weak)."""
    return Response(content, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{name}"',
        "X-Content-Type-Options": "nosniff",
        "ETag": f'"{sha256}"',
        "Cache-Control": "private, no-store",
    }).make_conditional(request)



# The other report views register themselves on import (from here, so the package __init__ stays untouched).
from lms.web.hours import compliance, my_reports, staff_documents  # noqa: E402,F401
