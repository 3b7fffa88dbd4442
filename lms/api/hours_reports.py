"""API: the payroll CSV of one pay period (managers, with a browser session or a personal token).

``GET /api/v1/orgs/<org_slug>/timesheets.csv?start=YYYY-MM-DD&end=YYYY-MM-DD`` exports the period and so LOCKS it,
exactly like the Export button (see docs/payroll-export.md): a payroll system pulling the file is the export.
That takes a personal API token: with a browser session it only downloads a period already exported, because any
web page can make a signed-in browser follow a link (SameSite=Lax cookies go along), and a link must never lock a pay
period.

A ``HEAD`` request never exports, with a token or not (Flask answers HEAD with the GET view, and link checkers and
proxies send HEAD freely): for a period already exported it answers 200 with the headers of the file (its length,
ETag and SHA-256); for one not exported yet, 409 like a browser session, and nothing is locked.
"""

from __future__ import annotations

from typing import Any

from flask import Response, g, request

from lms import db
from lms.api import bp
from lms.errors import ConflictError, DomainError, json_error
from lms.hours import export, periods
from lms.i18n import _
from lms.orgs.services import get_org
from lms.security import access, current_user


@bp.get("/orgs/<org_slug>/timesheets.csv")
@access.org_manager
def org_timesheets_csv(org_slug: str):
    org = get_org(org_slug)
    start, end = periods.parse_day(request.args.get("start")), periods.parse_day(request.args.get("end"))
    if start is None or end is None:
        return json_error(400, "invalid_date", _("Give start and end as dates in the form YYYY-MM-DD."))
    try:
        export.check_period(org, start, end)
        done = _export(org, start)
    except DomainError as exc:
        return json_error(exc.status, exc.code, exc.message)
    db.session.commit()
    return Response(done.content, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{export.filename(org, done)}"',
        "ETag": f'"{done.sha256}"',
        "X-Content-SHA256": done.sha256,
        "Cache-Control": "private, no-store",
    })


def _export(org: Any, start: Any) -> Any:
    """Export with a personal token (GET only); with a browser session or HEAD, only a period already exported."""
    if g.get("lms_via_token") and request.method == "GET":
        # the call is the export, as documented: a payroll system may pull a period on its last day
        return export.export_period(org, start, current_user._get_current_object(), before_end=True)
    done = export.get_export(org, start)
    if done is None:
        raise ConflictError(_("This pay period is not exported yet. Export it with the Export button on the "
                              "timesheet page, or call this address with a personal API token."))
    return done


_DATE = {"type": "string", "format": "date"}
_PARAMETERS = [
    {"name": "org_slug", "in": "path", "required": True, "schema": {"type": "string"}},
    {"name": "start", "in": "query", "required": True, "schema": _DATE, "description": "First day of the pay period"},
    {"name": "end", "in": "query", "required": True, "schema": _DATE, "description": "Last day of the pay period"},
]
_HEADERS = {"X-Content-SHA256": {"schema": {"type": "string"}, "description": "SHA-256 of the body"}}
_ERRORS = {str(code): {"description": "Error", "content": {"application/json": {"schema": {
    "$ref": "#/components/schemas/Error"}}}} for code in (400, 401, 403, 404, 409)}

#: Merged into the OpenAPI document by lms/api/openapi.py.
OPENAPI_PATHS: dict[str, Any] = {
    "/orgs/{org_slug}/timesheets.csv": {
        "get": {
            "summary": "Payroll CSV of one pay period; exporting LOCKS the period (its managers only)",
            "description": (
                "start and end must be exactly one of the organisation's pay periods. The first call writes the "
                "file and locks the period: hours approved later are paid in the next open period. Every later "
                "call returns the identical bytes (same SHA-256, also in the ETag). Columns are documented in "
                "docs/payroll-export.md. Exporting takes a personal API token; with a browser session this only "
                "downloads a period that is already exported (409 otherwise)."
            ),
            "operationId": "exportPayrollCsv",
            "parameters": _PARAMETERS,
            "responses": {
                "200": {
                    "description": "The payroll file (UTF-8, CRLF line ends, header row first)",
                    "headers": _HEADERS,
                    "content": {"text/csv": {"schema": {"type": "string"}}},
                },
                **_ERRORS,
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
                          **{code: {"description": "Error (no body)"} for code in ("400", "401", "403", "404", "409")}},
        },
    }
}
