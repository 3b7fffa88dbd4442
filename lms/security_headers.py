"""Response headers for security: the Content-Security-Policy, the other security headers, HSTS over HTTPS, and
``no-store`` for a signed-in person's pages.

``form-action 'self'`` holds on every page: the Join button of a live session posts to the site, which answers with
a page of its own that opens the meeting (:func:`lms.web.live.checkins.joined`), never with a redirect off the site
(Chromium applies ``form-action`` to each redirect that answers a form, and meeting links redirect on to other
origins: a provider's sign-in page, a short link)."""

from __future__ import annotations

from typing import Any

from flask import g, request

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; "
    "font-src 'self'; frame-src https://www.youtube-nocookie.com https://player.vimeo.com; "
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'"
)


#: Sent with every response that does not set its own (lower-case name, name, value).
SECURITY_HEADERS = tuple((name.lower(), name, value) for name, value in (
    ("Content-Security-Policy", CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ("X-Frame-Options", "DENY"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
))
HSTS = ("strict-transport-security", "Strict-Transport-Security", "max-age=31536000; includeSubDomains")
#: What a page served to a signed-in person says to caches: keep nothing (Back after signing out on a shared computer
#: then shows nothing of theirs). A response that chose its own ``Cache-Control`` (a static file, a public
#: revocation list) keeps it.
PRIVATE_CACHE_CONTROL = ("cache-control", "Cache-Control", "no-store")


def add_security_headers(response: Any) -> Any:
    """The security headers, and ``Cache-Control: no-store`` for a signed-in person's pages and files, each unless
    the response set it already. One pass over the headers: ``Headers.setdefault`` scans them all for each name."""
    headers = response.headers
    present = {name.lower() for name, _value in headers.items()}
    wanted = [*SECURITY_HEADERS, HSTS] if request.is_secure else SECURITY_HEADERS
    if g.get("lms_user") is not None:
        wanted = [*wanted, PRIVATE_CACHE_CONTROL]
    for lowered, name, value in wanted:
        if lowered not in present:
            headers.add(name, value)
    return response
