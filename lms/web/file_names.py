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


def checklist_file_name(person: str, year_start: str, extension: str) -> str:
    """A continuing-education checklist (``pdf`` or ``csv``): ``ce-checklist-<person>-<year start>`` in the current
    language (``person`` already made safe, e.g. :func:`lms.web.hours.compliance.user_slug`)."""
    # i18n: the start of the file name of a person's DHCS continuing-education checklist (PDF or spreadsheet), before
    # their name and the CE year's first day: lowercase words joined by hyphens, no accents
    return download_name(_("ce-checklist").lower(), person, year_start, extension=extension)


def verification_results_file_name() -> str:
    """The spreadsheet of a bulk certificate verification: ``certificate-verification.csv`` in the current language."""
    # i18n: the file name (without ".csv") of the spreadsheet of many certificates checked at once: lowercase words
    # joined by hyphens, no accents
    return download_name(_("certificate-verification").lower(), extension="csv")


def attendance_file_name(session_id: int, day: str) -> str:
    """A live session's attendance spreadsheet: ``attendance-session-<id>-<day>.csv`` in the current language."""
    # i18n: the start of the file name of a live session's attendance spreadsheet, before its number and date:
    # lowercase words joined by hyphens, no accents (for example "asistencia-sesion")
    return download_name(_("attendance-session").lower(), str(session_id), day, extension="csv")


def draft_timesheet_file_name(org_slug: str, start: str, end: str) -> str:
    """A draft of a pay period's payroll file, for a person to check: ``DRAFT-timesheet-<org>-<start>-<end>.csv`` in
    the current language. The exported payroll files keep their English names (:func:`lms.hours.export.filename`):
    payroll systems may rely on them; the API's draft keeps the English name too."""
    # i18n: the start of the file name of a draft payroll spreadsheet, before the organisation and the pay period's
    # dates: keep the word for "draft" first and in capitals, words joined by hyphens, no accents (for example
    # "BORRADOR-hoja-de-horas")
    return download_name(_("DRAFT-timesheet"), org_slug, start, end, extension="csv")
