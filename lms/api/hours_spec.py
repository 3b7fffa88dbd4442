"""The OpenAPI description of the hours ledger API (:mod:`lms.api.hours`), merged by :mod:`lms.api.openapi`; the
request schemas are also the fields the endpoints take (:func:`lms.api.bodies.json_object`)."""

from __future__ import annotations

from typing import Any

from lms.api import paging
from lms.hours import external_training, ledger
from lms.hours.models import EntrySource, EntryStatus


def _ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{name}"}


def _ok(description: str, schema: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ref(schema)}}}


def _errors(*codes: int) -> dict[str, Any]:
    body = {"application/json": {"schema": _ref("Error")}}
    return {str(code): {"description": "Error", "content": body} for code in codes}


_REPEAT = ("Safe to retry: the same manager repeating the same decision on an entry they already {decision} changes "
           "nothing and answers 200 with the entry. An entry decided otherwise, or by someone else, answers 409.")
_NULLABLE_INT = {"type": ["integer", "null"]}
_NULLABLE_STR = {"type": ["string", "null"]}
_HOURS_ENTRY_FIELDS: dict[str, Any] = {
    "id": {"type": "integer"},
    "user_id": {"type": "integer"},
    "org_id": {**_NULLABLE_INT, "description": "The organisation that employed the person on the date; null if none"},
    "source": {"type": "string", "enum": [s.value for s in EntrySource]},
    "status": {"type": "string", "enum": [s.value for s in EntryStatus]},
    "activity_date": {"type": "string", "format": "date"},
    "minutes": {"type": "integer", "description": "Paid minutes; negative only for adjustments"},
    "measured_minutes": {**_NULLABLE_INT, "description": "Measured time (attendance, time on lessons)"},
    "title": {"type": "string"},
    "provider": _NULLABLE_STR,
    "description": _NULLABLE_STR,
    "competency_areas": {"type": "array", "items": {"type": "string"}},
    "course_id": _NULLABLE_INT,
    "module_id": _NULLABLE_INT,
    "session_id": _NULLABLE_INT,
    "corrects_id": {**_NULLABLE_INT, "description": "The entry this adjustment corrects"},
    "supervisor_name": _NULLABLE_STR,
    "supervisor_title": _NULLABLE_STR,
    "has_evidence": {"type": "boolean"},
    "created_at": {"type": "string", "format": "date-time"},
    "decided_at": {"type": ["string", "null"], "format": "date-time"},
    "decided_by_id": _NULLABLE_INT,
    "rejection_reason": _NULLABLE_STR,
    "rate_cents": {**_NULLABLE_INT, "description": "Hourly training pay rate in cents, set on approval"},
    "paid_period_start": {"type": ["string", "null"], "format": "date",
                          "description": "Start of the (open) pay period the entry is paid in, set on approval"},
    "person": {"type": "object", "description": "In organisation lists only",
               "properties": {"id": {"type": "integer"}, "name": {"type": "string"}, "email": {"type": "string"}}},
}
OPENAPI_SCHEMAS: dict[str, Any] = {
    "HoursEntry": {"type": "object", "required": [k for k in _HOURS_ENTRY_FIELDS if k != "person"],
                   "properties": _HOURS_ENTRY_FIELDS},
    "HoursEntryList": {
        "type": "object", "required": ["entries", "next_cursor", "next_offset"],
        "properties": {"entries": {"type": "array", "items": _ref("HoursEntry")}, **paging.OPENAPI_FIELDS,
                       "organisation": {"type": "object", "properties": {"slug": {"type": "string"},
                                                                          "name": {"type": "string"}}}},
    },
    "ExternalTraining": {
        "type": "object", "required": ["title", "activity_date", "minutes"], "additionalProperties": False,
        "properties": {
            "title": {"type": "string", "minLength": 1, "maxLength": 300,
                      "description": "One line: line breaks and runs of spaces become one space"},
            "provider": {"type": ["string", "null"], "maxLength": 200,
                         "description": "Optional: null or absent means none; any other type than a string is refused"},
            "activity_date": {"type": "string", "format": "date"},
            "minutes": {"type": "integer", "minimum": 1, "maximum": external_training.MAX_EXTERNAL_MINUTES},
            "competency_areas": {"type": "array", "items": {"type": "string"}},
            "org_slug": {"type": "string", "description": "Only if you worked for several organisations that day"},
        },
    },
    "Rejection": {"type": "object", "required": ["reason"], "additionalProperties": False,
                  "properties": {"reason": {"type": "string"}}},
    "Approval": {"type": "object", "additionalProperties": False, "properties": {},
                 "description": "Approving takes no field: send no body, or {}"},
}
_PAGING = paging.OPENAPI_PARAMETERS
_STRICT = ("A query parameter this list does not take (a misspelt stauts) is a 400 unknown_parameter naming it "
           "(parameter), and one given more than once a 400 repeated_parameter, rather than ignored or read as its "
           "first value. lang is taken everywhere (messages follow the account's language for a signed-in caller). "
           "Dates are YYYY-MM-DD only, 1900-01-01 to 2999-12-31 (400 invalid_date otherwise). Any other value that "
           "is not valid (status=bogus, limit=abc, offset=-1, to before from) is a 400 invalid_parameter; every error "
           "about a query parameter names it in parameter.")
_KEY_REUSED = {"description": "The Idempotency-Key was first sent with other details (code idempotency_key_reused; "
                              "entry_id names that entry). Nothing was saved: send new training with a new key. "
                              "Or the body has fields this operation does not take (code unknown_fields; fields "
                              "names them). Nothing was saved.",
               "content": {"application/json": {"schema": _ref("Error")}}}
_ORG = {"name": "org_slug", "in": "path", "required": True, "schema": {"type": "string"}}
_ENTRY = {"name": "entry_id", "in": "path", "required": True, "schema": {"type": "integer"}}
OPENAPI_PATHS: dict[str, Any] = {
    "/me/hours": {
        "get": {"summary": "My training-hours entries, newest first", "operationId": "listMyHours",
                "description": _STRICT,
                "parameters": _PAGING,
                "responses": {"200": _ok("OK", "HoursEntryList"), **_errors(400, 401)}},
        "post": {
            "summary": "Submit external training (pending until a manager approves it)",
            "operationId": "submitMyHours",
            "parameters": [{"name": "Idempotency-Key", "in": "header", "required": True,
                            "schema": {"type": "string", "maxLength": ledger.KEY_MAX},
                            "description": "A new random string for each training. Resending the same key with "
                                           "the same details returns the first entry (200); with other details "
                                           "(title, provider, date, minutes, areas, organisation) it is refused "
                                           "(422)"}],
            "requestBody": {"required": True, "content": {"application/json": {"schema": _ref("ExternalTraining")}}},
            "responses": {"201": _ok("Created", "HoursEntry"), "200": _ok("Already received (replay)", "HoursEntry"),
                          "422": _KEY_REUSED, **_errors(400, 401)},
        },
    },
    "/orgs/{org_slug}/hours": {
        "get": {
            "summary": "An organisation's entries (its managers only), oldest activity first",
            "description": _STRICT,
            "operationId": "listOrgHours",
            "parameters": [_ORG, *_PAGING,
                           {"name": "status", "in": "query", "required": False,
                            "schema": {"type": "string", "enum": [*(s.value for s in EntryStatus), "all"],
                                       "default": "all"}},
                           {"name": "source", "in": "query", "required": False,
                            "schema": {"type": "string", "enum": [s.value for s in EntrySource]}},
                           {"name": "from", "in": "query", "required": False,
                            "schema": {"type": "string", "format": "date"},
                            "description": "Entries whose activity_date (the day the training was done) is on or "
                                           "after this day. Not the pay period: an entry approved late is paid in "
                                           "a later period than its activity date; use paid_period to reconcile "
                                           "with payroll"},
                           {"name": "to", "in": "query", "required": False,
                            "schema": {"type": "string", "format": "date"},
                            "description": "Entries whose activity_date is on or before this day (inclusive); not "
                                           "before from (400 invalid_parameter naming to)"},
                           {"name": "paid_period", "in": "query", "required": False,
                            "schema": {"type": "string", "format": "date"},
                            "description": "The start of a pay period, as GET /orgs/{org_slug}/pay-periods lists "
                                           "it: exactly the entries the payroll export of that period pays (status "
                                           "approved and paid_period_start equal to it, whatever their "
                                           "activity_date), so their minutes add up to the file's. Combines with "
                                           "the other filters (from and to still narrow by activity date). A day "
                                           "that does not start a period is a 400 naming the period holding it"},
                           {"name": "person", "in": "query", "required": False,
                            "schema": {"type": "integer", "minimum": 0}}],
            "responses": {"200": _ok("OK", "HoursEntryList"), **_errors(400, 401, 403, 404)},
        },
    },
    "/orgs/{org_slug}/hours/{entry_id}/approve": {
        "post": {"summary": "Approve a pending entry (locks it with the pay rate and pay period)",
                 "description": _REPEAT.format(decision="approved") + " The body is optional: none, or the JSON "
                                "object {}. Any other body is refused as on every endpoint (415 not JSON, 400 "
                                "unreadable, 422 unknown_fields), and nothing is approved.",
                 "operationId": "approveHours", "parameters": [_ORG, _ENTRY],
                 "requestBody": {"required": False,
                                 "content": {"application/json": {"schema": _ref("Approval")}}},
                 "responses": {"200": _ok("Approved", "HoursEntry"), **_errors(400, 401, 403, 404, 409)}},
    },
    "/orgs/{org_slug}/hours/{entry_id}/reject": {
        "post": {"summary": "Reject a pending entry with a reason", "operationId": "rejectHours",
                 "description": _REPEAT.format(decision="rejected"),
                 "parameters": [_ORG, _ENTRY],
                 "requestBody": {"required": True, "content": {"application/json": {"schema": _ref("Rejection")}}},
                 "responses": {"200": _ok("Rejected", "HoursEntry"), **_errors(400, 401, 403, 404, 409)}},
    },
}
