"""Absolute links for emails (they never come from the request's Host header, which an attacker controls), and the
layout's links built once per process."""

from __future__ import annotations

from typing import Any

from flask import current_app, url_for
from flask.globals import _cv_request  # the request context itself: what ``url_for`` reads, without two proxies

_MAX_LINKS = 1024


def link(endpoint: str, **values: Any) -> str:
    """``url_for(endpoint, **values)`` for the links every page shows (the menu, the stylesheet), built once per
    process for each endpoint, values and URL adapter (host, script root, subdomain, scheme) instead of on every page
    (about 15 µs each, a dozen per page). Anything that could make Flask build it differently is passed to
    ``url_for`` as it is: a relative endpoint, ``_external`` and the other options, unhashable values, no request, or
    an application with ``url_defaults`` functions (they may add values per request)."""
    context = _cv_request.get(None)
    adapter = context.url_adapter if context is not None else None
    if (adapter is None or endpoint[:1] == "." or any(name[:1] == "_" for name in values)
            or any(context.app.url_default_functions.values())):
        return url_for(endpoint, **values)
    built = context.app.extensions["lms"].links  # per application: its URL map
    try:
        key = (endpoint, *values.items(), adapter.server_name, adapter.script_name, adapter.subdomain,
               adapter.url_scheme)
        found = built.get(key)
    except TypeError:  # a value that cannot be a key
        return url_for(endpoint, **values)
    if found is None:
        found = url_for(endpoint, **values)
        if len(built) >= _MAX_LINKS:
            built.clear()
        built[key] = found
    return found


def external_url(endpoint: str, **values: Any) -> str:
    """``LMS_BASE_URL`` + the endpoint's path; without it, ``SERVER_NAME`` must be set (Flask builds the URL)."""
    base = (current_app.config.get("LMS_BASE_URL") or "").rstrip("/")
    if base:
        return base + url_for(endpoint, **values)
    if not current_app.config.get("SERVER_NAME"):
        raise RuntimeError("Set LMS_BASE_URL (or SERVER_NAME) so emailed links point at this site.")
    return url_for(endpoint, _external=True, **values)
