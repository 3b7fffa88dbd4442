"""The OpenAPI 3.1 document for ``/api/v1``. Each area describes its paths and schemas in its own module (beside its
routes, or an ``*_spec`` module: :mod:`lms.api.accounts_spec`, :mod:`lms.api.catalog_spec`,
:mod:`lms.api.hours_spec`, :mod:`lms.api.live_spec`); this one merges them. Shared pieces: :mod:`lms.api.spec_parts`."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, jsonify, request, url_for

from lms import __version__
from lms.api import accounts_spec, catalog_spec
from lms.api.conventions import TOKEN_EXPIRES_HEADER, with_shared_responses
from lms.api.spec_parts import ERROR
from lms.i18n import supported_locales

#: What every operation shares, said once at the top of the document (docs/api.md says the same).
DESCRIPTION = (
    "All timestamps (fields ending in _at) are UTC, written as RFC 3339 with Z: 2026-03-10T17:00:00Z. Dates (fields "
    "ending in _on, and activity_date, start, end) are calendar days, YYYY-MM-DD; a date sent is read in that form "
    "only, from 1900-01-01 to 2999-12-31.\n\n"
    "Rate-limited operations (certificate verification) send X-RateLimit-Limit, X-RateLimit-Remaining and "
    "X-RateLimit-Reset on every answer; a 429 adds Retry-After (seconds to wait) and Cache-Control: no-store. "
    "Retry-After comes with a 429 or a 503 only.\n\n"
    "An answer to a bearer token that expires within 7 days carries X-Token-Expires-At, the moment it expires "
    "(RFC 3339, UTC); its owner is also emailed once. Answers the same for everyone (security: []) never carry it.\n\n"
    "Errors are {\"error\": {\"code\": ..., \"message\": ...}}; a 405 says the methods allowed in Allow. Every "
    "error about a query parameter names it in parameter: invalid_parameter for a value that is not valid (a "
    "number below its minimum, a value not in the list, a range that ends before it starts), invalid_date, "
    "invalid_cursor, unknown_parameter, repeated_parameter. lang, taken everywhere, chooses the language of what is "
    "shown."
)


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
    from lms.api.live_spec import OPENAPI_PATHS, OPENAPI_SCHEMAS  # the routes are in lms.api.live

    return OPENAPI_PATHS, OPENAPI_SCHEMAS


def _certificates() -> tuple[dict[str, Any], dict[str, Any]]:
    from lms.api.certificates import OPENAPI_PATHS, OPENAPI_SCHEMAS  # beside its routes; imported late (a cycle)

    return OPENAPI_PATHS, OPENAPI_SCHEMAS


def _pay_periods() -> tuple[dict[str, Any], dict[str, Any]]:
    from lms.api.pay_periods import OPENAPI_PATHS, OPENAPI_SCHEMAS  # beside its routes; imported late (a cycle)

    return OPENAPI_PATHS, OPENAPI_SCHEMAS


def _with_languages(paths: dict[str, Any]) -> dict[str, Any]:
    """Every ``lang`` (and ``language``) query parameter takes the site's languages (``LMS_LOCALES``: per app, so set per document;
    copies, never the shared module-level dicts)."""
    locales = supported_locales()

    def parameter(p: dict[str, Any]) -> dict[str, Any]:
        if p.get("in") == "query" and p.get("name") in ("lang", "language"):
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
            **accounts_spec.OPENAPI_PATHS,
            **catalog_spec.OPENAPI_PATHS,
            **_hours_report_paths(),
            **_attendance()[0],
            **_hours_ledger()[0],
            **_live_sessions()[0],
            **_certificates()[0],
            **_pay_periods()[0],
        })),
        "components": {
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "description": (
                    "Personal API token from /tokens. Read only: 403 insufficient_scope on anything that may change "
                    "data (POST, PUT, PATCH, DELETE, and exporting payroll); or read and write. It may expire (30, "
                    "90 or 365 days, or never): then 401 invalid_token, saying when; in its last 7 days, answers carry "
                    "X-Token-Expires-At")},
                "session": {"type": "apiKey", "in": "cookie", "name": "session"},
            },
            "headers": {"X-Token-Expires-At": TOKEN_EXPIRES_HEADER},
            "schemas": {"Error": ERROR, **accounts_spec.OPENAPI_SCHEMAS, **catalog_spec.OPENAPI_SCHEMAS,
                        **_attendance()[1], **_hours_ledger()[1],
                        **_live_sessions()[1], **_certificates()[1], **_pay_periods()[1]},
        },
    }
