"""Hours ledger API: my entries, submitting external training (idempotent), an organisation's entries, decisions.

``POST /me/hours`` needs an ``Idempotency-Key`` header: the first request with a key creates the entry (201), any
later one with the same key and the same details returns that entry (200) and creates nothing; the same key with
other details is refused (422 ``idempotency_key_reused``), since that is another training. The lists page with an
opaque ``cursor`` (:mod:`lms.api.paging`); ``offset`` still works for older clients.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import jsonify, request, url_for

from lms import db
from lms.api import bodies, bp, paging
from lms.errors import DomainError
from lms.hours import approvals, ledger
from lms.hours.approvals import QueueFilters
from lms.hours.models import EntrySource, EntryStatus, HoursEntry
from lms.i18n import _
from lms.orgs import services as org_services
from lms.security import access, current_user
from lms.web.hours.sent_back import tell_sent_back


def entry_json(entry: HoursEntry, person: Any = None) -> dict[str, Any]:
    data = {
        "id": entry.id,
        "user_id": entry.user_id,
        "org_id": entry.org_id,
        "source": entry.source.value,
        "status": entry.status.value,
        "activity_date": entry.activity_date.isoformat(),
        "minutes": entry.minutes,
        "measured_minutes": entry.measured_minutes,
        "title": entry.title,
        "provider": entry.provider,
        "description": entry.description,
        "competency_areas": list(entry.competency_areas or []),
        "course_id": entry.course_id,
        "module_id": entry.module_id,
        "session_id": entry.session_id,
        "corrects_id": entry.corrects_id,
        "supervisor_name": entry.supervisor_name,
        "supervisor_title": entry.supervisor_title,
        "has_evidence": entry.evidence_id is not None,
        "created_at": entry.created_at.isoformat(),
        "decided_at": entry.decided_at.isoformat() if entry.decided_at else None,
        "decided_by_id": entry.decided_by_id,
        "rejection_reason": entry.rejection_reason,
        "rate_cents": entry.rate_cents,
        "paid_period_start": entry.paid_period_start.isoformat() if entry.paid_period_start else None,
    }
    if person is not None:
        data["person"] = {"id": person.id, "name": person.name, "email": person.email}
    return data


def _date_arg(name: str) -> date | None:
    value = request.args.get(name)
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        raise DomainError(_("%(name)s must be a date (YYYY-MM-DD).", name=name)) from None


def _choice_arg(name: str, enum: Any, default: Any = None, everything: str | None = None) -> Any:
    """One of ``enum``'s values; ``everything`` (e.g. ``all``) is also accepted and means no filter (None)."""
    value = request.args.get(name)
    if not value:
        return default
    if everything is not None and value == everything:
        return None
    allowed = [m.value for m in enum] + ([everything] if everything else [])
    if value not in allowed:
        raise DomainError(_("%(name)s must be one of: %(values)s.", name=name, values=", ".join(allowed)))
    return enum(value)


@bp.get("/me/hours")
@access.signed_in
def my_hours():
    pages = paging.paging_args()
    page = ledger.list_user_entries(current_user, pages.limit, pages.offset, after=pages.after)
    last = ledger.key_of(page.entries[-1]) if page.entries else None
    return jsonify({"entries": [entry_json(e) for e in page.entries],
                    **paging.page_json(pages.limit, pages, page.has_more, last)})


@bp.post("/me/hours")
@access.signed_in
def submit_hours():
    body = bodies.json_object(OPENAPI_SCHEMAS["ExternalTraining"]["properties"])
    key = (request.headers.get("Idempotency-Key") or "").strip()
    if not key or len(key) > ledger.KEY_MAX:
        raise DomainError(_("Send an Idempotency-Key header (a random string of at most %(num)d characters).",
                            num=ledger.KEY_MAX))
    try:
        entry, created = ledger.submit_external(current_user._get_current_object(), _external(body), key)
    except ledger.IdempotencyKeyReused as exc:
        return _key_reused(exc)
    db.session.commit()
    response = jsonify(entry_json(entry))
    response.status_code = 201 if created else 200
    response.headers["Location"] = url_for("lms.api.my_hours")
    return response


def _key_reused(exc: ledger.IdempotencyKeyReused) -> Any:
    """422, in words for a program (the service's message speaks of a web form), with the first entry's id."""
    db.session.rollback()
    entry = ledger.load_entry(exc.details["entry_id"])
    message = _("This Idempotency-Key was already used for another entry (%(title)s, %(date)s, %(minutes)d "
                "minutes), so nothing was saved. Send each new training with a new key.",
                title=entry.title, date=entry.activity_date.isoformat(), minutes=entry.minutes)
    response = jsonify({"error": {"code": exc.code, "message": message, "entry_id": entry.id}})
    response.status_code = 422
    return response


def _external(body: dict[str, Any]) -> ledger.ExternalTraining:
    day = body.get("activity_date")
    try:
        day = date.fromisoformat(day) if isinstance(day, str) else None
    except ValueError:
        day = None
    areas = body.get("competency_areas") or []
    if not isinstance(areas, list) or not all(isinstance(a, str) for a in areas):
        raise DomainError(_("competency_areas must be a list of area codes."))
    org_id = None
    if body.get("org_slug"):
        org = org_services.find_org(str(body["org_slug"]))
        if org is None:
            raise DomainError(_("You were not on the staff of that organisation on that date."))
        org_id = org.id
    text = {name: body.get(name) if isinstance(body.get(name), str) else None for name in ("title", "provider")}
    return ledger.ExternalTraining(title=text["title"] or "", provider=text["provider"], activity_date=day,
                                   minutes=body.get("minutes"), competency_areas=tuple(areas), org_id=org_id)


@bp.get("/orgs/<org_slug>/hours")
@access.org_manager
def org_hours(org_slug: str):
    org = org_services.get_org(org_slug)
    filters = QueueFilters(
        user_id=paging.int_arg("person", 0, 2**31 - 1) or None, start=_date_arg("from"), end=_date_arg("to"),
        source=_choice_arg("source", EntrySource), status=_choice_arg("status", EntryStatus, everything="all"),
    )
    pages = paging.paging_args()
    page = approvals.list_queue(org, filters, pages.limit, pages.offset, after=pages.after)
    last = ledger.key_of(page.rows[-1][0]) if page.rows else None
    return jsonify({"organisation": {"slug": org.slug, "name": org.name},
                    "entries": [entry_json(e, person) for e, person in page.rows],
                    **paging.page_json(pages.limit, pages, page.has_more, last)})


@bp.post("/orgs/<org_slug>/hours/<int:entry_id>/approve")
@access.org_manager
def approve_hours(org_slug: str, entry_id: int):
    entry = approvals.get_org_entry(org_services.get_org(org_slug), entry_id)
    approvals.approve(entry, current_user._get_current_object())
    db.session.commit()
    return jsonify(entry_json(entry))


@bp.post("/orgs/<org_slug>/hours/<int:entry_id>/reject")
@access.org_manager
def reject_hours(org_slug: str, entry_id: int):
    entry = approvals.get_org_entry(org_services.get_org(org_slug), entry_id)
    body = bodies.json_object(OPENAPI_SCHEMAS["Rejection"]["properties"])
    reason = body.get("reason") if isinstance(body.get("reason"), str) else None
    decision = approvals.reject(entry, current_user._get_current_object(), reason)
    db.session.commit()
    if not decision.repeated:  # after the commit: the rejection stands even if the email cannot be sent
        tell_sent_back([decision.entry, *decision.also_rejected], show=False)
    return jsonify(entry_json(entry))


# ---------------------------------------------------------------- OpenAPI (merged by lms/api/openapi.py)

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
            "provider": {"type": "string", "maxLength": 200},
            "activity_date": {"type": "string", "format": "date"},
            "minutes": {"type": "integer", "minimum": 1, "maximum": ledger.MAX_EXTERNAL_MINUTES},
            "competency_areas": {"type": "array", "items": {"type": "string"}},
            "org_slug": {"type": "string", "description": "Only if you worked for several organisations that day"},
        },
    },
    "Rejection": {"type": "object", "required": ["reason"], "additionalProperties": False,
                  "properties": {"reason": {"type": "string"}}},
}
_PAGING = paging.OPENAPI_PARAMETERS
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
            "operationId": "listOrgHours",
            "parameters": [_ORG, *_PAGING,
                           {"name": "status", "in": "query", "required": False,
                            "schema": {"type": "string", "enum": [*(s.value for s in EntryStatus), "all"],
                                       "default": "all"}},
                           {"name": "source", "in": "query", "required": False,
                            "schema": {"type": "string", "enum": [s.value for s in EntrySource]}},
                           {"name": "from", "in": "query", "required": False,
                            "schema": {"type": "string", "format": "date"}},
                           {"name": "to", "in": "query", "required": False,
                            "schema": {"type": "string", "format": "date"}},
                           {"name": "person", "in": "query", "required": False, "schema": {"type": "integer"}}],
            "responses": {"200": _ok("OK", "HoursEntryList"), **_errors(400, 401, 403, 404)},
        },
    },
    "/orgs/{org_slug}/hours/{entry_id}/approve": {
        "post": {"summary": "Approve a pending entry (locks it with the pay rate and pay period)",
                 "description": _REPEAT.format(decision="approved"),
                 "operationId": "approveHours", "parameters": [_ORG, _ENTRY],
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
