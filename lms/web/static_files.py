"""Versioned static files: ``lms_static("lms.css")`` in a template gives ``/static/lms.css?v=<hash of the file>``.

The address changes when the file's content does, so a browser or a proxy may keep a versioned response for a year
without asking again (``immutable``); an address without the version, or with an old one, gets the file with a short
lifetime. docs/deploy.md, "Static files".
"""

from __future__ import annotations

import hashlib
import os
import threading

from lms.resources import PACKAGE_DIR
from lms.web.urls import link

STATIC_DIR = PACKAGE_DIR / "static"
#: Lifetime of a versioned response (one year, the longest HTTP caches honour).
VERSIONED_MAX_AGE = 365 * 24 * 3600
#: Lifetime of an unversioned (or outdated) one.
PLAIN_MAX_AGE = 3600

_versions: dict[str, tuple[int, int, str]] = {}  # filename -> (mtime_ns, size, version)
_lock = threading.Lock()


def version(filename: str) -> str | None:
    """The first 12 hex digits of the file's SHA-256, recomputed when its size or modification time changes; None
    when there is no such file (the view answers 404)."""
    path = STATIC_DIR / filename
    try:
        found = os.stat(path)
    except (OSError, ValueError):
        return None
    known = _versions.get(filename)
    if known is not None and known[:2] == (found.st_mtime_ns, found.st_size):
        return known[2]
    try:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    except OSError:
        return None
    with _lock:
        _versions[filename] = (found.st_mtime_ns, found.st_size, digest)
    return digest


def static_url(filename: str) -> str:
    """The address of a static file, with its version when the file exists."""
    current = version(filename)
    if current is None:
        return link("lms.main.static", filename=filename)
    return link("lms.main.static", filename=filename, v=current)
