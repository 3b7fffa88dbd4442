"""Absolute links for emails. They never come from the request's Host header, which an attacker controls."""

from __future__ import annotations

from typing import Any

from flask import current_app, url_for


def external_url(endpoint: str, **values: Any) -> str:
    """``LMS_BASE_URL`` + the endpoint's path; without it, ``SERVER_NAME`` must be set (Flask builds the URL)."""
    base = (current_app.config.get("LMS_BASE_URL") or "").rstrip("/")
    if base:
        return base + url_for(endpoint, **values)
    if not current_app.config.get("SERVER_NAME"):
        raise RuntimeError("Set LMS_BASE_URL (or SERVER_NAME) so emailed links point at this site.")
    return url_for(endpoint, _external=True, **values)
