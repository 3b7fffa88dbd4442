"""PDF documents of the hours area (transcript, CE checklist), rendered by a locked-down WeasyPrint.

Templates under ``templates/lms/pdf/`` get plain data (dataclasses, strings, dates), never ORM objects. The URL
fetcher refuses everything but files inside the LMS static folder, so a document can never reach the network or the
file system (a title such as ``<img src="file:///etc/passwd">`` is escaped by Jinja anyway; this is the second
wall). One ``FontConfiguration`` per process: a new one per render leaks memory, and sharing one across threads is
unsafe (see ARCHITECTURE.md), so renders in one process take turns.
"""

from __future__ import annotations

import mimetypes
import os
import threading
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from flask import render_template
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from lms.i18n import current_locale, is_rtl
from lms.resources import resource_path

_FONTS: dict[int, FontConfiguration] = {}
#: One render at a time per process (certificates too): a FontConfiguration used by two threads at once corrupts memory.
RENDER_LOCK = threading.Lock()


def font_config() -> FontConfiguration:
    """This process's one font configuration, shared by every PDF it renders (hours documents and certificates)."""
    pid = os.getpid()  # a forked worker must not reuse its parent's configuration
    if pid not in _FONTS:
        _FONTS.clear()
        _FONTS[pid] = FontConfiguration()
    return _FONTS[pid]


def static_root() -> Path:
    return Path(resource_path("static")).resolve()


class StaticOnlyFetcher(URLFetcher):
    """Serve only the LMS's own static files; refuse any other URL (network, other files, data: URLs)."""

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        parsed = urlparse(url)
        if parsed.scheme == "file" and not parsed.netloc:
            path = Path(unquote(parsed.path)).resolve()
            if path.is_relative_to(static_root()) and path.is_file():
                content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": content_type})
        raise ValueError(f"refused to fetch {url[:200]!r} while rendering a PDF")


def render_pdf(template: str, **context: Any) -> bytes:
    """Render ``template`` with plain ``context`` to PDF bytes, in the current locale."""
    html = render_template(template, lang=current_locale().replace("_", "-"), rtl=is_rtl(), **context)
    document = HTML(string=html, base_url=static_root().as_uri() + "/", url_fetcher=StaticOnlyFetcher())
    with RENDER_LOCK:
        return document.write_pdf(font_config=font_config())


def download_headers(filename: str) -> dict[str, str]:
    """Headers for a file download (attachment, no sniffing, not kept by shared caches)."""
    return {
        "Content-Disposition": f'attachment; filename="{filename}"',
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "private, no-store",
    }
