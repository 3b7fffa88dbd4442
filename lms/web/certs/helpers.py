"""Shared by the certificate pages and the certificates API: rate limits, the logged look-up, display data and
response headers."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from flask import current_app, g, request

from lms.catalog.areas import area_title, in_order
from lms.certificates.bulk import STATUS_TITLES, valid_until
from lms.certificates.codes import display, looks_like_number
from lms.certificates.verification import Verdict, verify_codes, verify_each
from lms.i18n import current_locale
from lms.limiter import limiter
from lms.web.urls import external_url


def _looked_up(_response: object) -> bool:
    """Whether the request looked codes up (:func:`verdicts`, :func:`lookup_each`): a bulk request refused before
    that (an empty or unreadable file, too many codes, a body that is not a list of codes) costs nothing."""
    return bool(g.get("lms_looked_up"))


#: Single look-ups (page, API, credential) share one budget per client; bulk look-ups share another, which only
#: requests that looked codes up count towards (a refused file is sent again, corrected, at once).
verify_limit = limiter.shared_limit(lambda: current_app.config["LMS_VERIFY_LIMIT"], scope="lms-verify")
bulk_limit = limiter.shared_limit(lambda: current_app.config["LMS_VERIFY_BULK_LIMIT"], scope="lms-verify-bulk",
                                  methods=["POST"], deduct_when=_looked_up)

HTTP_STATUS = {"valid": 200, "expired": 200, "revoked": 200, "not_found": 404, "invalid": 400}
DATE_FIELDS = ("started_on", "completed_on", "issued_on", "expires_on", "revoked_on")


def verdicts(queries: Iterable[str]) -> list[Verdict]:
    """Look codes up; each look-up is logged with this client's address, hashed with the secret key."""
    g.lms_looked_up = True
    return verify_codes(queries, request.remote_addr or "unknown", current_app.config["SECRET_KEY"])


def lookup(queries: Iterable[str]) -> list[dict[str, Any]]:
    """What may be shown of each look-up: ``Verdict.public`` plus the ``query`` as sent. Built before the caller
    commits, so no certificate is loaded twice."""
    locale = current_locale()
    return [{**verdict.public(locale), "query": verdict.query} for verdict in verdicts(queries)]


def lookup_each(queries: Sequence[str]) -> list[dict[str, Any]]:
    """The bulk API's results: one per query in the order sent (:func:`verify_each`), each with its ``index`` and
    the ``query`` exactly as sent (spaces and line breaks included), so a program matches them by either."""
    locale = current_locale()
    g.lms_looked_up = True
    found = verify_each(queries, request.remote_addr or "unknown", current_app.config["SECRET_KEY"])
    return [{"index": index, **verdict.public(locale), "query": query}
            for index, (query, verdict) in enumerate(zip(queries, found, strict=True))]


def shown(result: dict[str, Any]) -> dict[str, Any]:
    """Template data for one result: dates as dates, competency areas by name, the status in words, and the date it is
    valid until (none once revoked)."""
    data = {**result, "status_text": str(STATUS_TITLES.get(result["status"], result["status"]))}
    data["is_number"] = result["status"] == "invalid" and looks_like_number(str(result.get("query") or ""))
    for name in DATE_FIELDS:
        if data.get(name):
            data[name] = date.fromisoformat(data[name])
    data["valid_until"] = valid_until(data)
    data["area_titles"] = [area_title(code) for code in in_order(result.get("competency_areas") or [])]
    course = result.get("course")
    if course:  # the language the title is in (the viewer's, or the course's source language as a fallback)
        data["course_lang"] = next((lang for lang, title in course["titles"].items() if title == course["title"]), "")
    return data


def verify_url(code: str) -> str:
    """The public verification page of a certificate code (as printed and encoded in the QR code)."""
    return external_url("lms.certificates.verify_page", code=display(code))


def credential_base_url() -> str:
    """The LMS root URL (with its mount prefix) that credential IDs are built on."""
    return external_url("lms.main.home").rstrip("/")


def wants_json() -> bool:
    """The client asks for JSON (or JSON-LD) rather than a page: an Open Badges verifier following a credential's
    ``credentialStatus``. Browsers, and clients that accept anything, get the page."""
    best = request.accept_mimetypes.best_match(["text/html", "application/json", "application/ld+json"])
    return best in ("application/json", "application/ld+json")


def no_store(response: Any) -> Any:
    """Verification answers must never be cached: a revocation shows at once."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


def download_headers(filename: str) -> dict[str, str]:
    """A file download: never displayed inline, never sniffed, never kept by a shared cache."""
    return {
        "Content-Disposition": f'attachment; filename="{filename}"',
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "private, no-store",
    }
