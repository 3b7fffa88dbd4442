"""Certificate PDFs: WeasyPrint from a template file and plain data, locked down and cached by content hash.

One ``FontConfiguration`` per process, shared with the hours PDFs (``lms.hours.pdf.font_config``: a new one per
render leaks memory) and used by one render at a time (``RENDER_LOCK``: sharing one across threads corrupts memory);
the stylesheets are parsed once for it. The URL fetcher refuses everything except the project's own static files and
the QR code. The QR code is a one-pixel-per-module PNG (segno) drawn without interpolation, so it stays sharp at any
size (as a vector SVG, WeasyPrint spent about 6 ms per page parsing and drawing its ~700 path commands). It is made
only when a PDF is actually rendered: it follows from the verification URL, which is already part of the cache key,
and encoding it costs more than a cached download.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
from collections.abc import Iterable
from datetime import date
from functools import lru_cache
from typing import Any
from urllib.parse import quote, unquote

import segno
from babel.lists import format_list
from flask import current_app, render_template
from flask_babel import force_locale, format_date
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcherResponse

from lms.catalog.areas import area_title, in_order
from lms.certificates.codes import display
from lms.certificates.dates import expires_on
from lms.certificates.models import Certificate
from lms.config import DEFAULTS
from lms.hours.pdf import RENDER_LOCK, StaticOnlyFetcher, font_config
from lms.i18n import _, _l, format_minutes, language_name_in
from lms.resources import PACKAGE_DIR
from lms.storage import storage_dir, write_private

TEMPLATE_VERSION = "5"
STATIC = PACKAGE_DIR / "static"
LABELS = {
    "heading": _l("Certificate of completion"),
    "certifies": _l("This certifies that"),
    "completed": _l("has completed"),
    "version": _l("Version"),
    "kind": _l("Type of training"),
    "areas": _l("Competency areas covered"),
    "hours": _l("Training time"),
    "live": _l("Live (synchronous)"),
    "self_paced": _l("Self-paced (asynchronous)"),
    "field": _l("Supervised field experience"),
    "total": _l("Total"),
    "dates": _l("Dates"),
    "started": _l("Started"),
    "finished": _l("Completed"),
    "issued": _l("Issued"),
    "expires": _l("Valid until"),
    "languages": _l("Language of delivery"),
    "number": _l("Certificate number"),
    "code": _l("Verification code"),
    "verify": _l("Verify this certificate"),
    "issuer": _l("Issued by"),
}
KINDS = {"core": _l("Core certificate"), "continuing": _l("Continuing education"), "specialty": _l("Specialty")}
#: The signatory printed when the site keeps our defaults for ``LMS_CERT_SIGNATORY_NAME`` and ``_TITLE`` (a
#: placeholder role and program, not a person's own words): translated on each page. A name or title an admin set, in
#: the config or an organisation's settings, is printed as written.
SIGNATORY_DEFAULTS = {
    # i18n: on a certificate, under the signature line, where a site that has not named its signatory prints a role.
    "signatory_name": (DEFAULTS["LMS_CERT_SIGNATORY_NAME"], _l("Training Director")),
    # i18n: on a certificate, after the signatory's name: the program they direct ("CHW" = community health worker).
    "signatory_title": (DEFAULTS["LMS_CERT_SIGNATORY_TITLE"], _l("CHW Training Program")),
}
#: ``<img src="lms-qr:<verification URL, percent-encoded>">``: the fetcher answers with the QR code of that URL.
QR_SCHEME = "lms-qr:"


class CertificateFetcher(StaticOnlyFetcher):
    """The project's static files (anything else is refused) and ``lms-qr:`` URLs, answered with the QR code of the
    percent-encoded URL that follows the scheme."""

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        if url.startswith(QR_SCHEME):
            return URLFetcherResponse(url, qr_png(unquote(url.removeprefix(QR_SCHEME))), {"Content-Type": "image/png"})
        return super().fetch(url, headers)


class CertificateHTML(HTML):
    """WeasyPrint's HTML with the certificate's own user-agent rules (``certificate-ua.css``) instead of the full HTML5
    stylesheet: the same look, about 11% less time per render."""

    def _ua_stylesheets(self, forms: bool = False) -> list[CSS]:
        return [_stylesheets(font_config())[1]]


@lru_cache(maxsize=2)
def _stylesheets(fonts: FontConfiguration) -> tuple[CSS, CSS]:
    """The certificate's stylesheet and user-agent stylesheet, parsed once for the process's font configuration."""
    return tuple(
        CSS(filename=str(STATIC / "pdf" / name), font_config=fonts, url_fetcher=CertificateFetcher())
        for name in ("certificate.css", "certificate-ua.css")
    )


def locales_for(cert: Certificate, locale: str, bilingual: bool) -> list[str]:
    if bilingual:
        return ["en", "es"]
    return [locale if locale in current_app.config["LMS_LOCALES"] else "en"]


def document_data(cert: Certificate, locales: list[str], verify_url: str) -> dict[str, Any]:
    """Everything the template prints, as plain strings (no ORM objects reach the template)."""
    snap = cert.snapshot
    titles = snap["course_titles"]
    expires = expires_on(cert)
    days = {
        "started": snap["started_on"],
        "completed": snap["completed_on"],
        "issued": snap["issued_on"],
        "expires": expires.isoformat() if expires else "",
    }
    pages = []
    catalogs = id(current_app.extensions["babel"])
    for locale in locales:
        words = _fixed_words(locale, catalogs)
        with force_locale(locale):
            pages.append(
                {
                    "locale": locale,
                    "labels": dict(words["labels"]),
                    "course_title": titles.get(locale) or titles.get(snap["source_locale"], ""),
                    # i18n: the PDF's "Subject" property (shown in a PDF reader's document properties).
                    "subject": _("Certificate %(number)s, verification code %(code)s", number=cert.number, code=display(cert.code)),
                    **_signatory(snap["issuer"], words["signatory"]),
                    "kind": words["kinds"].get(snap["course_kind"], snap["course_kind"]),
                    "areas": [_area(locale, code, catalogs) for code in in_order(snap["competency_areas"])],
                    "languages": format_list([language_name_in(code, locale) for code in snap["delivery_languages"]], locale=locale),
                    "minutes": {key: format_minutes(value) for key, value in snap["minutes"].items()},
                    "dates": {key: format_date(date.fromisoformat(value), "long") for key, value in days.items() if value},
                }
            )
    return {
        "pages": pages,
        "holder_name": snap["holder_name"],
        "version": snap["course_version"],
        "issuer": snap["issuer"],
        "number": cert.number,
        "code": display(cert.code),
        "verify_url": verify_url,
        "has_field": snap["minutes"].get("field", 0) > 0,
        "has_live": snap["minutes"].get("live", 0) > 0,
        "has_self_paced": snap["minutes"].get("self_paced", 0) > 0,
        # The document's properties in its language(s): both, one after the other, in a bilingual PDF.
        "title": f"{snap['holder_name']} · {_each(page['course_title'] for page in pages)}",
        "subject": _each(page["subject"] for page in pages),
    }


def _signatory(issuer: dict[str, str], translated: dict[str, str]) -> dict[str, str]:
    """The signatory's name and title on one page: our defaults in the page's language, what an admin set as written."""
    return {
        key: translated[key] if issuer.get(key) == default else issuer.get(key) or ""
        for key, (default, _label) in SIGNATORY_DEFAULTS.items()
    }


def _each(values: Iterable[str]) -> str:
    """The distinct values, in order, separated by a slash."""
    return " / ".join(dict.fromkeys(values))


@lru_cache(maxsize=16)
def _fixed_words(locale: str, _catalogs: int) -> dict[str, dict[str, str]]:
    """The certificate's labels, kinds and default signatory in ``locale``, translated once per process and application (``_catalogs``
    names the app's Babel setup): every download, cached or not, needs them for the content-hash key."""
    with force_locale(locale):
        return {
            "labels": {key: str(value) for key, value in LABELS.items()},
            "kinds": {key: str(value) for key, value in KINDS.items()},
            "signatory": {key: str(label) for key, (_default, label) in SIGNATORY_DEFAULTS.items()},
        }


@lru_cache(maxsize=512)
def _area(locale: str, code: str, _catalogs: int) -> str:
    with force_locale(locale):
        return area_title(code)


@lru_cache(maxsize=64)
def qr_png(url: str) -> bytes:
    """The QR code of ``url``, one pixel per module, no quiet zone (the page's margin is one); the same URL is drawn
    again for each language of a certificate."""
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="png", scale=1, border=0, dark="#111")
    return out.getvalue()


def cache_key(data: dict[str, Any]) -> str:
    body = json.dumps(data, sort_keys=True, ensure_ascii=False).encode("utf-8")
    return hashlib.sha256(TEMPLATE_VERSION.encode() + body).hexdigest()


def render_pdf(cert: Certificate, locale: str, verify_url: str, bilingual: bool = False) -> bytes:
    """The certificate PDF, from the content-hash cache when this exact document was rendered before."""
    data = document_data(cert, locales_for(cert, locale, bilingual), verify_url)
    path = storage_dir("certificates") / f"{cache_key(data)}.pdf"
    if path.exists():
        return path.read_bytes()
    pdf = _render(data)
    temporary = path.with_suffix(f".{os.getpid()}.tmp")
    write_private(temporary, pdf)
    temporary.replace(path)  # atomic: a concurrent reader never sees half a file
    return pdf


def _render(data: dict[str, Any]) -> bytes:
    fonts = font_config()
    html = render_template("lms/pdf/certificate.html", qr_src=QR_SCHEME + quote(data["verify_url"], safe=""), **data)
    document = CertificateHTML(string=html, base_url=STATIC.resolve().as_uri() + "/", url_fetcher=CertificateFetcher())
    with RENDER_LOCK:
        return document.write_pdf(stylesheets=[_stylesheets(fonts)[0]], font_config=fonts)


def render_floor() -> bytes:
    """Stock WeasyPrint (its own user-agent stylesheet) rendering a one-line page with the same fonts and fetcher: the
    floor the benchmark compares against."""
    document = HTML(string="<p>Hello</p>", url_fetcher=CertificateFetcher())
    with RENDER_LOCK:
        return document.write_pdf(font_config=font_config())
