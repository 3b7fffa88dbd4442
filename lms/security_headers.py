"""Response headers for security: the Content-Security-Policy (with a page's extra ``form-action`` origin), the
other security headers, HSTS over HTTPS, and ``no-store`` for a signed-in person's pages."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

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


_ORIGIN = re.compile(r"https?://(?:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?")


def web_origin(url: str) -> str | None:
    """``scheme://host[:port]`` of an http(s) address, without user name or path; None for anything else (another
    scheme, a host with characters a CSP source may not hold)."""
    parts = urlsplit(url)
    host = f"[{parts.hostname}]" if parts.hostname and ":" in parts.hostname else parts.hostname
    try:
        origin = f"{parts.scheme.lower()}://{host}" + (f":{parts.port}" if parts.port else "")
    except ValueError:  # a port out of range
        return None
    return origin if host and _ORIGIN.fullmatch(origin) else None


def allow_form_action(url: str) -> None:
    """Let this response's page submit a form to ``url``'s origin as well as to the site (CSP ``form-action``). For a
    form whose POST is answered with a redirect off the site (the Join button sends the trainee on to the meeting):
    Chromium checks ``form-action`` on every redirect of a form submission. Only the page holding that form calls it;
    every other page keeps ``form-action 'self'``."""
    origin = web_origin(url)
    if origin:
        g.setdefault("lms_form_action", set()).add(origin)


def _csp() -> str:
    extra = g.get("lms_form_action")
    if not extra:
        return CSP
    return CSP.replace("form-action 'self'", " ".join(["form-action 'self'", *sorted(extra)]))


def add_security_headers(response: Any) -> Any:
    """The security headers, and ``Cache-Control: no-store`` for a signed-in person's pages and files, each unless
    the response set it already. One pass over the headers: ``Headers.setdefault`` scans them all for each name."""
    headers = response.headers
    present = {name.lower() for name, _value in headers.items()}
    wanted = [*SECURITY_HEADERS, HSTS] if request.is_secure else SECURITY_HEADERS
    if g.get("lms_form_action"):
        wanted = [("content-security-policy", "Content-Security-Policy", _csp()), *wanted[1:]]
    if g.get("lms_user") is not None:
        wanted = [*wanted, PRIVATE_CACHE_CONTROL]
    for lowered, name, value in wanted:
        if lowered not in present:
            headers.add(name, value)
    return response
