"""The OpenAPI 3.1 document for ``/api/v1``. Each area adds its paths and schemas here."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, jsonify, request, url_for

from lms import __version__
from lms.api.conventions import with_shared_responses
from lms.i18n import supported_locales

ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {"code": {"type": "string"}, "message": {"type": "string"},
                           "fields": {"type": "array", "items": {"type": "string"},
                                      "description": "unknown_fields: the fields sent that the operation does not take"}},
        }
    },
}


#: What every operation shares, said once at the top of the document (docs/api.md says the same).
DESCRIPTION = (
    "All timestamps (fields ending in _at) are UTC, written as RFC 3339 with Z: 2026-03-10T17:00:00Z. Dates (fields "
    "ending in _on, and activity_date, start, end) are calendar days, YYYY-MM-DD.\n\n"
    "Rate-limited operations (certificate verification) send X-RateLimit-Limit, X-RateLimit-Remaining and "
    "X-RateLimit-Reset on every answer; a 429 adds Retry-After (seconds to wait) and Cache-Control: no-store. "
    "Retry-After comes with a 429 or a 503 only.\n\n"
    "Errors are {\"error\": {\"code\": ..., \"message\": ...}}; a 405 says the methods allowed in Allow."
)


def _error_responses(*codes: int) -> dict[str, Any]:
    body = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    return {str(code): {"description": "Error", "content": body} for code in codes}


MY_MEMBERSHIP = {
    "type": "object",
    "required": ["slug", "name", "role", "current", "ended_on"],
    "properties": {
        "slug": {"type": "string"},
        "name": {"type": "string"},
        "role": {"type": ["string", "null"], "enum": ["member", "manager", None], "description": (
            "Your role there now: manager means you manage it (its manager endpoints answer you). null for ended "
            "employment, which grants nothing")},
        "current": {"type": "boolean", "description": (
            "You work there now (no end of employment recorded): true in organisations, false in "
            "former_organisations")},
        "ended_on": {"type": ["string", "null"], "format": "date", "description": (
            "Your last day there (the organisation's calendar); null while you work there")},
    },
}

ME = {
    "type": "object",
    "required": ["id", "email", "name", "role", "organisations", "former_organisations"],
    "properties": {
        "id": {"type": "integer"},
        "email": {"type": "string"},
        "name": {"type": "string"},
        "role": {"type": "string", "enum": ["trainee", "trainer", "admin"], "description": "Your site role"},
        "locale": {"type": ["string", "null"]},
        "timezone": {"type": ["string", "null"]},
        "organisations": {
            "type": "array",
            "description": "Where you work now, each with your role there, in the order you joined",
            "items": {"$ref": "#/components/schemas/MyMembership"},
        },
        "former_organisations": {
            "type": "array",
            "description": "Where your employment ended, the latest end first (role null: it grants nothing)",
            "items": {"$ref": "#/components/schemas/MyMembership"},
        },
    },
}

MEMBERS = {
    "type": "object",
    "required": ["organisation", "members"],
    "properties": {
        "organisation": {"type": "object", "properties": {"slug": {"type": "string"}, "name": {"type": "string"}}},
        "members": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id", "user_id", "name", "email", "role", "employment_type", "current",
                             "employment_end"],
                "properties": {
                    "id": {"type": "integer", "description": (
                        "The membership's id (this person's employment here), as in the web pages' member "
                        "addresses. Not a person's id: hours entries, ?person= and attendance use user_id")},
                    "user_id": {"type": "integer", "description": (
                        "The person's user id: the one hours entries (user_id), GET /orgs/{org_slug}/hours?person= "
                        "and attendance use")},
                    "name": {"type": "string"},
                    "email": {"type": "string"},
                    "role": {"type": ["string", "null"], "enum": ["member", "manager", None], "description": (
                        "Their role now; null for former staff (include_former=true), as in /me: an ended "
                        "membership grants nothing")},
                    "employee_id": {"type": ["string", "null"]},
                    "job_title": {"type": ["string", "null"]},
                    "employment_start": {"type": ["string", "null"], "format": "date"},
                    "employment_type": {"type": "string", "enum": ["employee", "contractor", "volunteer"]},
                    "current": {"type": "boolean", "description": (
                        "Works here now (no end of employment recorded); false only with include_former=true")},
                    "employment_end": {"type": ["string", "null"], "format": "date", "description": (
                        "Their last day here (the organisation's calendar; /me calls it ended_on); null for current "
                        "staff")},
                },
            },
        },
    },
}


def _json(schema_name: str) -> dict[str, Any]:
    return {"content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema_name}"}}}}


# ---------------------------------------------------------------- catalog and enrolment (lms/api/catalog.py)

_LANG = {"name": "lang", "in": "query", "required": False, "schema": {"type": "string"},
         "description": "Language of the texts (and, in the list, keep only courses readable in it); one of the "
                        "site's languages (enum)"}
_COURSE_SLUG = {"name": "course_slug", "in": "path", "required": True, "schema": {"type": "string"}}
_COURSE_FIELDS = {
    "slug": {"type": "string"},
    "title": {"type": "string"},
    "summary": {"type": "string"},
    "locale": {"type": "string", "description": "Language the title is given in"},
    "is_fallback": {"type": "boolean", "description": "Some text is in the source language, not the one asked for"},
    "kind": {"type": "string", "enum": ["core", "continuing", "specialty"]},
    "version": {"type": "string"},
    "source_locale": {"type": "string"},
    "languages": {"type": "array", "items": {"type": "string"}},
    "competency_areas": {"type": "array", "items": {"type": "string"},
                         "description": "The areas the course itself is tagged with"},
    "covered_competency_areas": {"type": "array", "items": {"type": "string"},
                                 "description": "The areas the course covers: its own and its live modules' "
                                                "(what the ?area= filter, the course page and certificates use)"},
    "credited_minutes": {"type": "integer", "minimum": 0, "description": "Sum over the required modules"},
}
COURSE_SUMMARY = {"type": "object", "required": list(_COURSE_FIELDS), "properties": _COURSE_FIELDS}
COURSE_LIST = {
    "type": "object",
    "required": ["courses"],
    "properties": {"courses": {"type": "array", "items": {"$ref": "#/components/schemas/CourseSummary"}}},
}
LESSON_REF = {
    "type": "object",
    "required": ["slug", "title", "estimated_minutes"],
    "properties": {"slug": {"type": "string"}, "title": {"type": "string"}, "estimated_minutes": {"type": "integer"}},
}
MODULE_OUTLINE = {
    "type": "object",
    "required": ["slug", "title", "kind", "required", "credited_minutes", "lessons", "has_quiz"],
    "properties": {
        "slug": {"type": "string"},
        "title": {"type": "string"},
        "summary": {"type": "string"},
        "kind": {"type": "string", "enum": ["self_paced", "live", "field"]},
        "required": {"type": "boolean"},
        "credited_minutes": {"type": "integer", "minimum": 0},
        "competency_areas": {"type": "array", "items": {"type": "string"}},
        "lessons": {"type": "array", "items": {"$ref": "#/components/schemas/LessonRef"}},
        "has_quiz": {"type": "boolean"},
        "quiz": {
            "type": ["object", "null"],
            "required": ["pass_mark", "max_attempts"],
            "properties": {"pass_mark": {"type": "integer"}, "max_attempts": {"type": ["integer", "null"]}},
        },
    },
}
COURSE_OUTLINE = {
    "type": "object",
    "required": [*_COURSE_FIELDS, "modules"],
    "properties": {**_COURSE_FIELDS,
                   "modules": {"type": "array", "items": {"$ref": "#/components/schemas/ModuleOutline"}}},
}
ENROLLMENT = {
    "type": "object",
    "required": ["course", "status", "enrolled_at", "completed_at", "percent", "modules_completed",
                 "required_modules", "required_modules_completed"],
    "properties": {
        "course": {
            "type": "object",
            "required": ["slug", "title", "version"],
            "properties": {"slug": {"type": "string"}, "title": {"type": "string"},
                           "version": {"type": "string", "description": "Version enrolled in"}},
        },
        "status": {"type": "string", "enum": ["active", "completed", "withdrawn"]},
        "enrolled_at": {"type": "string", "format": "date-time"},
        "completed_at": {"type": ["string", "null"], "format": "date-time"},
        "percent": {"type": "integer", "minimum": 0, "maximum": 100, "description": "Required modules completed"},
        "modules_completed": {"type": "integer", "minimum": 0},
        "required_modules": {"type": "integer", "minimum": 0},
        "required_modules_completed": {"type": "integer", "minimum": 0},
    },
}
ENROLLMENT_LIST = {
    "type": "object",
    "required": ["enrollments"],
    "properties": {"enrollments": {"type": "array", "items": {"$ref": "#/components/schemas/Enrollment"}}},
}
CATALOG_SCHEMAS = {"CourseSummary": COURSE_SUMMARY, "CourseList": COURSE_LIST, "LessonRef": LESSON_REF,
                   "ModuleOutline": MODULE_OUTLINE, "CourseOutline": COURSE_OUTLINE, "Enrollment": ENROLLMENT,
                   "EnrollmentList": ENROLLMENT_LIST}
CATALOG_PATHS = {
    "/courses": {
        "get": {
            "summary": "Published courses, filtered by language, kind and competency area (public)",
            "operationId": "listCourses",
            "security": [],
            "parameters": [
                _LANG,
                {"name": "kind", "in": "query", "required": False,
                 "schema": {"type": "string", "enum": ["core", "continuing", "specialty"]}},
                {"name": "area", "in": "query", "required": False, "schema": {"type": "string"},
                 "description": "A competency area code, e.g. communication"},
            ],
            "responses": {"200": {"description": "OK", **_json("CourseList")}, **_error_responses(400)},
        }
    },
    "/courses/{course_slug}": {
        "get": {
            "summary": "A course's outline: modules, lessons and quizzes (public for published courses)",
            "description": "Signing in is optional: trainers, and trainees enrolled in it, also see a course that is "
                           "not published, so a bearer token that is not valid is refused (401), never ignored.",
            "operationId": "getCourseOutline",
            "security": [{}, {"bearer": []}, {"session": []}],
            "parameters": [_COURSE_SLUG, _LANG],
            "responses": {"200": {"description": "OK", **_json("CourseOutline")}, **_error_responses(400, 404)},
        }
    },
    "/courses/{course_slug}/enrollment": {
        "post": {
            "summary": "Enrol yourself (idempotent; a browser session must send X-CSRFToken, bearer tokens need not)",
            "operationId": "enrollInCourse",
            "parameters": [_COURSE_SLUG, _LANG],
            "responses": {
                "201": {"description": "Enrolled now", **_json("Enrollment")},
                "200": {"description": "Already enrolled", **_json("Enrollment")},
                **_error_responses(400, 401, 404),
            },
        }
    },
    "/me/enrollments": {
        "get": {
            "summary": "Your enrolments with progress",
            "operationId": "listMyEnrollments",
            "parameters": [_LANG],
            "responses": {"200": {"description": "OK", **_json("EnrollmentList")}, **_error_responses(400, 401)},
        }
    },
}


def _hours_report_paths() -> dict[str, Any]:
    from lms.api.hours_reports import OPENAPI_PATHS  # defined beside its routes; imported late to avoid a cycle

    return OPENAPI_PATHS


def _attendance() -> tuple[dict[str, Any], dict[str, Any]]:
    from lms.api.attendance import OPENAPI_PATHS, OPENAPI_SCHEMAS  # beside its routes; imported late (a cycle)

    return OPENAPI_PATHS, OPENAPI_SCHEMAS


def _hours_ledger() -> tuple[dict[str, Any], dict[str, Any]]:
    from lms.api.hours_spec import OPENAPI_PATHS, OPENAPI_SCHEMAS  # beside its routes; imported late (a cycle)

    return OPENAPI_PATHS, OPENAPI_SCHEMAS


def _live_sessions() -> tuple[dict[str, Any], dict[str, Any]]:
    from lms.api.live import OPENAPI_PATHS, OPENAPI_SCHEMAS  # beside its routes; imported late (a cycle)

    return OPENAPI_PATHS, OPENAPI_SCHEMAS


def _certificates() -> tuple[dict[str, Any], dict[str, Any]]:
    from lms.api.certificates import OPENAPI_PATHS, OPENAPI_SCHEMAS  # beside its routes; imported late (a cycle)

    return OPENAPI_PATHS, OPENAPI_SCHEMAS


def _pay_periods() -> tuple[dict[str, Any], dict[str, Any]]:
    from lms.api.pay_periods import OPENAPI_PATHS, OPENAPI_SCHEMAS  # beside its routes; imported late (a cycle)

    return OPENAPI_PATHS, OPENAPI_SCHEMAS


def _with_languages(paths: dict[str, Any]) -> dict[str, Any]:
    """Every ``lang`` query parameter takes the site's languages (``LMS_LOCALES``: per app, so set per document;
    copies, never the shared module-level dicts)."""
    locales = supported_locales()

    def parameter(p: dict[str, Any]) -> dict[str, Any]:
        if p.get("in") == "query" and p.get("name") == "lang":
            return {**p, "schema": {**p["schema"], "enum": locales}}
        return p

    return {path: {method: {**op, "parameters": [parameter(p) for p in op["parameters"]]} if "parameters" in op else op
                   for method, op in operations.items()} for path, operations in paths.items()}


def server_url() -> tuple[str, bool]:
    """Where the API is, for the document's ``servers``, and whether that came from the request: ``LMS_BASE_URL``
    when set (the site's own address, as in emails), else the address this request reached (its ``Host`` header,
    which the client chooses, so such a document is answered with ``Vary: Host`` and never shared by a cache)."""
    path = url_for("lms.api.openapi").removesuffix("/openapi.json")  # the mount prefix and any SCRIPT_NAME included
    base = (current_app.config.get("LMS_BASE_URL") or "").rstrip("/")
    if base:
        return base + path, False
    return request.host_url.rstrip("/") + path, True


def document_response() -> Response:
    """The document as served: cached for a while when its server is the configured ``LMS_BASE_URL``; otherwise
    revalidated each time (``no-cache``, with an ETag) and kept apart per ``Host``."""
    server, from_request = server_url()
    response = jsonify(build_document(server))
    if from_request:
        response.headers["Cache-Control"] = "no-cache"
        response.vary.add("Host")
    else:
        response.headers["Cache-Control"] = "public, max-age=300"
    response.add_etag()
    return response.make_conditional(request)


def build_document(server: str | None = None) -> dict[str, Any]:
    """The document, with ``server`` (by default :func:`server_url`) as the one server."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "CHW Learn API", "version": __version__, "description": DESCRIPTION},
        "servers": [{"url": server or server_url()[0]}],
        "security": [{"bearer": []}, {"session": []}],
        "paths": with_shared_responses(_with_languages({
            "/me": {
                "get": {
                    "summary": "The signed-in user, where they work now (with their role) and where their employment ended",
                    "operationId": "getMe",
                    "responses": {"200": {"description": "OK", **_json("Me")}, **_error_responses(401)},
                }
            },
            "/orgs/{org_slug}/members": {
                "get": {
                    "summary": "Current staff of an organisation, and former staff if asked (its managers only)",
                    "description": (
                        "Current staff by name. With include_former=true, then former staff (an end of employment "
                        "recorded), the latest end first, with current: false, employment_end and role null: a former "
                        "employee is still in the hours lists and paid for their last period. include_former given "
                        "twice is refused (400 repeated_parameter)."),
                    "operationId": "listOrgMembers",
                    "parameters": [{"name": "org_slug", "in": "path", "required": True, "schema": {"type": "string"}},
                                   {"name": "include_former", "in": "query", "required": False,
                                    "schema": {"type": "boolean", "default": False},
                                    "description": "true to list former staff too (true or false; anything else is "
                                                   "400 invalid_parameter)"}],
                    "responses": {"200": {"description": "OK", **_json("Members")},
                                  **_error_responses(400, 401, 403, 404)},
                }
            },
            **CATALOG_PATHS,
            **_hours_report_paths(),
            **_attendance()[0],
            **_hours_ledger()[0],
            **_live_sessions()[0],
            **_certificates()[0],
            **_pay_periods()[0],
        })),
        "components": {
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "description": "Personal API token from your profile"},
                "session": {"type": "apiKey", "in": "cookie", "name": "session"},
            },
            "schemas": {"Error": ERROR, "Me": ME, "MyMembership": MY_MEMBERSHIP, "Members": MEMBERS, **CATALOG_SCHEMAS,
                        **_attendance()[1], **_hours_ledger()[1],
                        **_live_sessions()[1], **_certificates()[1], **_pay_periods()[1]},
        },
    }
