"""API: the payroll CSV of one pay period, and its draft (managers, with a browser session or a personal token).

``GET /api/v1/orgs/<org_slug>/timesheets.csv?start=YYYY-MM-DD&end=YYYY-MM-DD`` exports the period and so LOCKS it,
exactly like the Export button (see docs/payroll-export.md): a payroll system pulling the file is the export.
That takes a personal API token: with a browser session it only downloads a period already exported, because any
web page can make a signed-in browser follow a link (SameSite=Lax cookies go along), and a link must never lock a pay
period. A period that has not ended is exported only with ``early=true``, as the page asks for a second tick;
otherwise 409 ``period_not_over``, pointing to the draft.

``GET /api/v1/orgs/<org_slug>/timesheets/draft.csv`` (same arguments) is what the export would write now, with the
same columns and bytes, marked ``X-Draft: true`` and named ``DRAFT-…``: it locks nothing and records nothing, like
the page's draft.

A ``HEAD`` request never exports, with a token or not (Flask answers HEAD with the GET view, and link checkers and
proxies send HEAD freely): for a period already exported it answers 200 with the headers of the file (its length,
ETag and SHA-256); for one not exported yet, 409 like a browser session, and nothing is locked. Every file answers
``If-None-Match`` (strong or weak ETag) with 304. Any query parameter given twice is refused (400).
"""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

from flask import Response, g, request, url_for

from lms import db
from lms.api import bp, dates
from lms.api.query_args import flag_arg, refuse_repeated, refuse_unknown
from lms.errors import ConflictError
from lms.hours import export, periods, unexported
from lms.hours.models import PayrollExport
from lms.i18n import _
from lms.orgs.models import Organisation
from lms.orgs.services import get_org
from lms.security import access, current_user
from lms.web.auth import refuse_read_only_token


class EarlyExportRefused(ConflictError):
    """A token GET of a period that has not ended, without ``early=true``."""

    code = "period_not_over"


class PeriodExported(ConflictError):
    """A draft of a period that is exported: it has its file instead."""

    code = "period_exported"


@bp.get("/orgs/<org_slug>/timesheets.csv")
@access.org_manager
def org_timesheets_csv(org_slug: str):
    org = get_org(org_slug)
    refuse_repeated()
    refuse_unknown("start", "end", "early")
    start, end = _period_args(org)
    done = _export(org, start, end, early=flag_arg("early"))
    db.session.commit()
    response = _csv_response(done.content, export.filename(org, done), done.sha256, draft=False)
    # earlier ended periods paying approved hours that payroll never got (GET /pay-periods lists them in JSON)
    skipped = unexported.list_unexported_periods(org, periods.org_today(org), before=start)
    response.headers["X-Unexported-Earlier-Periods"] = ", ".join(f"{p.start}/{p.end}" for p in skipped)
    return response


@bp.get("/orgs/<org_slug>/timesheets/draft.csv")
@access.org_manager
def org_timesheets_draft_csv(org_slug: str):
    """The period's payroll file as an export would write it now; locks nothing, records nothing."""
    org = get_org(org_slug)
    refuse_repeated()
    refuse_unknown("start", "end")
    start, end = _period_args(org)
    if export.get_export(org, start) is not None:
        # i18n: %(url)s is the address of the payroll file in the API.
        raise PeriodExported(_("This pay period is exported, so it has no draft: its payroll file is at %(url)s.",
                               url=_address("lms.api.org_timesheets_csv", org, start, end)))
    content, _count = export.build_csv(org, start, end)
    return _csv_response(content, export.draft_filename(org, start, end), hashlib.sha256(content).hexdigest(),
                         draft=True)


def _period_args(org: Organisation) -> tuple[date, date]:
    """``start`` and ``end``, each given once, ``end`` not before ``start``, exactly one pay period of the
    organisation, within the days this site supports (:mod:`lms.api.dates`)."""
    refuse_repeated()
    start, end = _day_arg("start"), _day_arg("end")
    dates.refuse_reversed("start", start, "end", end)  # else "choose exactly one pay period", with no parameter
    return dates.checked_period(org, "start", start, end)


def _day_arg(name: str) -> date:
    """A day in the form YYYY-MM-DD within the supported days: a real date outside them (``0001-01-01``) is told
    so, not asked for in another form."""
    malformed = _("Give start and end as dates in the form YYYY-MM-DD.")
    day = dates.date_arg(name, malformed)
    if day is None:
        raise dates.InvalidDate(malformed, parameter=name)
    return day


def _export(org: Organisation, start: date, end: date, *, early: bool) -> PayrollExport:
    """Export with a personal token (GET only; a period that has not ended only if ``early``); with a browser session
    or HEAD, only a period already exported."""
    if g.get("lms_via_token") and request.method == "GET":
        if g.lms_api_token.is_read_only:
            return _exported_for_read_only_token(org, start, end)
        try:
            return export.export_period(org, start, current_user._get_current_object(), before_end=early)
        except export.PeriodNotOver:
            # i18n: for a program's author; keep early=true as it is (a query parameter); %(end)s is YYYY-MM-DD.
            raise EarlyExportRefused(_(
                "This pay period runs until %(end)s, so exporting it now would lock it before it ends: hours approved "
                "afterwards, training done on its remaining days included, would be paid in the next period. To see "
                "its lines without locking anything, get the draft: %(url)s. To export it now anyway, add early=true.",
                end=end.isoformat(), url=_address("lms.api.org_timesheets_draft_csv", org, start, end))) from None
    done = export.get_export(org, start)
    if done is None:
        raise ConflictError(_("This pay period is not exported yet. Export it with the Export button on the "
                              "timesheet page, or call this address with a personal API token."))
    return done


def _exported_for_read_only_token(org: Organisation, start: date, end: date) -> PayrollExport:
    """A read-only token may fetch a period's file once it is exported, never export (and lock) it."""
    done = export.get_export(org, start)
    if done is None:
        # i18n: for a program's author; %(url)s is the address of the draft payroll file in the API.
        refuse_read_only_token(_("This API token is read only, and getting this pay period's payroll file now would "
                                 "export it and lock the period. To see its lines without locking anything, get the "
                                 "draft: %(url)s. To export it, use a token with read and write access.",
                                 url=_address("lms.api.org_timesheets_draft_csv", org, start, end)))
    return done


def _address(endpoint: str, org: Organisation, start: date, end: date) -> str:
    return url_for(endpoint, org_slug=org.slug, start=start.isoformat(), end=end.isoformat())


def _csv_response(content: bytes, name: str, sha256: str, *, draft: bool) -> Response:
    """The file with its SHA-256 (also the strong ETag); 304 when ``If-None-Match`` names that ETag."""
    response = Response(content, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{name}"',
        "ETag": f'"{sha256}"',
        "X-Content-SHA256": sha256,
        "X-Draft": "true" if draft else "false",
        "Cache-Control": "private, no-store",
    })
    return response.make_conditional(request)


_DATE = {"type": "string", "format": "date"}
_PARAMETERS = [
    {"name": "org_slug", "in": "path", "required": True, "schema": {"type": "string"}},
    {"name": "start", "in": "query", "required": True, "schema": _DATE, "description": "First day of the pay period"},
    {"name": "end", "in": "query", "required": True, "schema": _DATE, "description": "Last day of the pay period"},
    {"name": "If-None-Match", "in": "header", "required": False, "schema": {"type": "string"},
     "description": "An ETag received before (strong or weak): 304 without a body if the file is still that one"},
]
_EARLY = {"name": "early", "in": "query", "required": False, "schema": {"type": "boolean", "default": False},
          "description": ("true to export (and lock) a period that has not ended yet, today being its last day or "
                          "earlier on the organisation's calendar; without it such a period is not exported (409 "
                          "period_not_over): get its draft instead")}
_HEADERS = {
    "ETag": {"schema": {"type": "string"}, "description": "The SHA-256 of the body, in quotes (a strong ETag)"},
    "X-Content-SHA256": {"schema": {"type": "string"}, "description": "SHA-256 of the body"},
    "X-Draft": {"schema": {"type": "string", "enum": ["true", "false"]},
                "description": "true for a draft (locks nothing, can change), false for the payroll file"},
}
_CSV = {"text/csv": {"schema": {"type": "string"}}}
_NOT_MODIFIED = {"304": {"description": "If-None-Match names the file's ETag: not modified, no body",
                         "headers": {"ETag": _HEADERS["ETag"]}}}
_REFUSALS = ("400: a date missing or malformed, a query parameter given twice (repeated_parameter) or one this "
             "address does not take (unknown_parameter), an end before the start (invalid_parameter, parameter "
             "end), or dates that are not exactly one pay period. ")


def _errors(*codes: int, **descriptions: str) -> dict[str, Any]:
    body = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    return {str(code): {"description": descriptions.get(f"e{code}", "Error"), "content": body} for code in codes}


#: Merged into the OpenAPI document by lms/api/openapi.py.
OPENAPI_PATHS: dict[str, Any] = {
    "/orgs/{org_slug}/timesheets.csv": {
        "get": {
            "summary": "Payroll CSV of one pay period; exporting LOCKS the period (its managers only)",
            "description": (
                "start and end must be exactly one of the organisation's pay periods (GET /orgs/{org_slug}/pay-periods "
                "lists them). The first call writes the file and locks the period: hours approved later are paid in "
                "the next open period. Every later call returns the identical bytes (same SHA-256, also in the ETag). "
                "Columns are documented in docs/payroll-export.md. Exporting takes a personal API token with read "
                "and write access; with a browser session this only downloads a period that is already exported (409 "
                "otherwise), and with a read-only token too (403 insufficient_scope otherwise: it may fetch files and "
                "drafts, never lock a period). A period "
                "that has not ended is exported only with early=true (409 period_not_over otherwise, nothing "
                "locked; its draft is at /orgs/{org_slug}/timesheets/draft.csv). " + _REFUSALS
            ),
            "operationId": "exportPayrollCsv",
            "parameters": [*_PARAMETERS, _EARLY],
            "responses": {
                "200": {
                    "description": "The payroll file (UTF-8, CRLF line ends, header row first); X-Draft: false",
                    "headers": {**_HEADERS, "X-Unexported-Earlier-Periods": {
                        "schema": {"type": "string"}, "description": (
                            "Earlier pay periods that have ended and pay approved hours but were never exported, as "
                            "ISO 8601 intervals start/end separated by \", \" (empty if none; at most 12, the latest): "
                            "payroll does not have them. GET /orgs/{org_slug}/pay-periods lists them as "
                            "unexported_periods")}},
                    "content": _CSV,
                },
                **_NOT_MODIFIED,
                **_errors(400, 401, 403, 404, 409, e409=(
                    "period_not_over: the period has not ended and early=true was not given (nothing exported); "
                    "conflict: with a browser session, the period is not exported yet")),
            },
        },
        "head": {
            "summary": "Whether a pay period's payroll CSV exists; never exports or locks anything",
            "description": (
                "Safe for link checkers: with a token or a browser session, HEAD only looks. 200 with the headers of "
                "the file (Content-Length, ETag, X-Content-SHA256) when the period is already exported; 409 when it "
                "is not (nothing is exported: use GET with a personal API token for that)."
            ),
            "operationId": "checkPayrollCsv",
            "parameters": _PARAMETERS,
            "responses": {"200": {"description": "The period is exported; headers as for GET, no body",
                                  "headers": _HEADERS},
                          **_NOT_MODIFIED,
                          **{code: {"description": "Error (no body)"} for code in ("400", "401", "403", "404", "409")}},
        },
    },
    "/orgs/{org_slug}/timesheets/draft.csv": {
        "get": {
            "summary": "Draft of a pay period's payroll CSV; locks nothing (its managers only)",
            "description": (
                "What exporting the period would write now: the payroll file's columns, order and values, as bytes "
                "in the same format (UTF-8 without byte-order mark, CRLF, header row first), to check before "
                "exporting. Marked as a draft by the X-Draft: true header and the file name "
                "DRAFT-timesheet-<org>-<start>-<end>.csv; it can change until the period is exported. Nothing is "
                "exported, locked or recorded, with a token or a browser session. " + _REFUSALS
            ),
            "operationId": "getPayrollDraftCsv",
            "parameters": _PARAMETERS,
            "responses": {
                "200": {"description": "The draft; X-Draft: true", "headers": _HEADERS, "content": _CSV},
                **_NOT_MODIFIED,
                **_errors(400, 401, 403, 404, 409, e409=(
                    "period_exported: the period is exported, so it has no draft; get its file from timesheets.csv")),
            },
        },
    },
}
