"""Names of downloaded files in the reader's language ("constancia-de-capacitacion.pdf" for a Spanish reader, not
"training-transcript.pdf"): translated words, made safe for a ``Content-Disposition`` header and for any disk (ASCII
letters, digits and hyphens: a translator's accents and spaces are folded away)."""

from __future__ import annotations

import re
import unicodedata

from lms.i18n import _

_NOT_SAFE = re.compile(r"[^A-Za-z0-9]+")


def download_name(*parts: str, extension: str) -> str:
    """``download_name(_("training-transcript"), "ana-nunez", extension="pdf")`` → ``training-transcript-ana-nunez.pdf``
    (in Spanish perhaps ``constancia-de-capacitacion-ana-nunez.pdf``). Each part keeps its case (a certificate number
    stays as printed); empty parts are left out; with nothing left, ``download``."""
    stem = "-".join(slug for slug in (_safe(part) for part in parts) if slug)
    return f"{stem or 'download'}.{extension}"


def _safe(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    return _NOT_SAFE.sub("-", ascii_text).strip("-")


def transcript_file_name(*parts: str) -> str:
    """A training transcript's PDF: ``training-transcript[-parts].pdf`` in the current language."""
    # i18n: the start of the file name of a training transcript (PDF): lowercase words joined by hyphens; accents and
    # other letters outside A to Z are dropped (for example "constancia-de-capacitacion")
    return download_name(_("training-transcript").lower(), *parts, extension="pdf")


def certificate_file_name(number: str, language: str) -> str:
    """A certificate's PDF: ``certificate-<number>-<language>.pdf`` in the current language (the number as printed on
    it; ``language`` the certificate's, ``en-es`` for both)."""
    # i18n: the start of the file name of a certificate (PDF), before its number: lowercase, no accents
    return download_name(_("certificate").lower(), number, language, extension="pdf")
