"""API: an organisation's pay periods around today (managers), so payroll programs learn the exact dates that
``timesheets.csv`` and its draft accept (bridging periods after a schedule change included) and which periods are
exported, with each file's SHA-256 and ETag, instead of reading them from a 400 message. Read-only."""

from __future__ import annotations

from typing import Any

from flask import jsonify, url_for

from lms.api import bp
from lms.api.paging import int_arg
from lms.api.query_args import refuse_repeated, refuse_unknown
from lms.hours.period_list import MAX_PAST, PeriodOverview, PeriodState, list_periods_around
from lms.hours.unexported import MAX_LISTED, UnexportedPeriod, list_unexported_periods
from lms.live.times import iso_utc
from lms.orgs.models import Organisation
from lms.orgs.services import get_org
from lms.security import access

DEFAULT_PAST = 6


@bp.get("/orgs/<org_slug>/pay-periods")
@access.org_manager
def org_pay_periods(org_slug: str):
    org = get_org(org_slug)
    refuse_unknown("past")
    refuse_repeated()
    past = int_arg("past", DEFAULT_PAST, MAX_PAST)
    today = org.today()
    return jsonify({
        "organisation": {"slug": org.slug, "name": org.name, "timezone": org.timezone},
        "today": today.isoformat(),
        "pay_period": org.pay_period.value,
        "periods": [_period_json(org, p) for p in list_periods_around(org, today, past)],
        "unexported_periods": [_unexported_json(org, p) for p in list_unexported_periods(org, today)],
    })


def _unexported_json(org: Organisation, p: UnexportedPeriod) -> dict[str, Any]:
    dates = {"org_slug": org.slug, "start": p.start.isoformat(), "end": p.end.isoformat()}
    return {"start": p.start.isoformat(), "end": p.end.isoformat(), "line_count": p.line_count,
            "minutes": p.minutes, "amount_cents": p.amount_cents,
            "csv_url": url_for("lms.api.org_timesheets_csv", **dates),
            "draft_url": url_for("lms.api.org_timesheets_draft_csv", **dates)}


def _period_json(org: Organisation, p: PeriodOverview) -> dict[str, Any]:
    done = p.export
    dates = {"org_slug": org.slug, "start": p.start.isoformat(), "end": p.end.isoformat()}
    return {
        "start": p.start.isoformat(),
        "end": p.end.isoformat(),
        "state": p.state.value,
        "current": p.is_current,
        "bridging": p.is_bridging,
        "payroll_ran_later": p.payroll_ran_later,
        "exported_at": iso_utc(done.exported_at) if done else None,
        "exported_by": done.exported_by if done else None,
        "row_count": done.row_count if done else None,
        "sha256": done.sha256 if done else None,
        "etag": f'"{done.sha256}"' if done else None,
        "csv_url": url_for("lms.api.org_timesheets_csv", **dates),
        "draft_url": None if done else url_for("lms.api.org_timesheets_draft_csv", **dates),
    }


_DATE = {"type": "string", "format": "date"}
_NULLABLE_TEXT = {"type": ["string", "null"]}

PAY_PERIOD = {
    "type": "object",
    "required": ["start", "end", "state", "current", "bridging", "payroll_ran_later", "exported_at", "exported_by",
                 "row_count", "sha256", "etag", "csv_url", "draft_url"],
    "properties": {
        "start": {**_DATE, "description": "First day (the organisation's calendar): the start timesheets.csv takes"},
        "end": {**_DATE, "description": "Last day: the end timesheets.csv takes"},
        "state": {"type": "string", "enum": [s.value for s in PeriodState], "description": (
            "exported: locked, its file exists (perhaps exported before it ended); ended: over, not exported yet; "
            "running: holds today, not exported (exporting it needs early=true); upcoming: not started (cannot be "
            "exported)")},
        "current": {"type": "boolean", "description": "The period that holds today (exported or not)"},
        "bridging": {"type": "boolean", "description": (
            "Not exported and shorter than the pay schedule's period, because it was cut at an exported period: the "
            "bridging period after a change of pay period or anchor, or days between two exports")},
        "payroll_ran_later": {"type": "boolean", "description": (
            "Not exported, but a later period is: no approval is paid in it any more, and it can be exported only if "
            "it already pays approved hours")},
        "exported_at": {"type": ["string", "null"], "format": "date-time", "description": "When it was exported (UTC)"},
        "exported_by": {**_NULLABLE_TEXT, "description": "Who exported it (null if not exported or unknown)"},
        "row_count": {"type": ["integer", "null"], "description": "Lines in the payroll file"},
        "sha256": {**_NULLABLE_TEXT, "description": "SHA-256 of the payroll file, as in X-Content-SHA256"},
        "etag": {**_NULLABLE_TEXT, "description": "The file's ETag, for If-None-Match"},
        "csv_url": {"type": "string", "description": (
            "timesheets.csv for these dates (a GET with a token exports a period not exported yet)")},
        "draft_url": {**_NULLABLE_TEXT, "description": "The draft of a period not exported yet; null once exported"},
    },
}
PAY_PERIODS = {
    "type": "object",
    "required": ["organisation", "today", "pay_period", "periods", "unexported_periods"],
    "properties": {
        "organisation": {"type": "object", "required": ["slug", "name", "timezone"], "properties": {
            "slug": {"type": "string"}, "name": {"type": "string"},
            "timezone": {"type": "string", "description": "IANA zone: the calendar of every date here"}}},
        "today": {**_DATE, "description": "Today on the organisation's calendar"},
        "pay_period": {"type": "string", "enum": ["weekly", "biweekly", "semimonthly", "monthly"],
                       "description": "The pay schedule now (exported periods keep the dates they were exported with)"},
        "periods": {"type": "array", "items": {"$ref": "#/components/schemas/PayPeriod"},
                    "description": "Oldest first: the past periods asked for, the current one, then the next one"},
        "unexported_periods": {"type": "array", "items": {"$ref": "#/components/schemas/UnexportedPayPeriod"},
                               "description": (
                                   "Ended periods that pay approved hours but were never exported (payroll does not "
                                   f"have them), however far back, oldest first; at most {MAX_LISTED}, the latest")},
    },
}
UNEXPORTED_PAY_PERIOD = {
    "type": "object",
    "required": ["start", "end", "line_count", "minutes", "amount_cents", "csv_url", "draft_url"],
    "properties": {
        "start": _DATE, "end": _DATE,
        "line_count": {"type": "integer", "description": "Approved lines its payroll file would hold now"},
        "minutes": {"type": "integer", "description": "Their total minutes"},
        "amount_cents": {"type": "integer", "description": "Their total amount in cents"},
        "csv_url": {"type": "string", "description": "timesheets.csv for these dates (a GET with a token exports it)"},
        "draft_url": {"type": "string", "description": "Its draft"},
    },
}

#: Merged into the OpenAPI document by lms/api/openapi.py.
OPENAPI_SCHEMAS: dict[str, Any] = {"PayPeriod": PAY_PERIOD, "PayPeriods": PAY_PERIODS,
                                   "UnexportedPayPeriod": UNEXPORTED_PAY_PERIOD}
OPENAPI_PATHS: dict[str, Any] = {
    "/orgs/{org_slug}/pay-periods": {
        "get": {
            "summary": "The organisation's pay periods around today, exported ones with their file's SHA-256 (its "
                       "managers only)",
            "description": (
                "Read-only. The dates are exactly those timesheets.csv and its draft accept, after any change of pay "
                "schedule. A query parameter given twice is refused (400 repeated_parameter), one other than past and lang "
                "too (400 unknown_parameter)."
            ),
            "operationId": "listPayPeriods",
            "parameters": [
                {"name": "org_slug", "in": "path", "required": True, "schema": {"type": "string"}},
                {"name": "past", "in": "query", "required": False,
                 "schema": {"type": "integer", "minimum": 0, "maximum": MAX_PAST, "default": DEFAULT_PAST},
                 "description": f"How many periods before the current one (above {MAX_PAST} counts as {MAX_PAST})"},
            ],
            "responses": {
                "200": {"description": "OK", "content": {"application/json": {"schema": {
                    "$ref": "#/components/schemas/PayPeriods"}}}},
                **{str(code): {"description": "Error", "content": {"application/json": {"schema": {
                    "$ref": "#/components/schemas/Error"}}}} for code in (400, 401, 403, 404)},
            },
        },
    },
}
