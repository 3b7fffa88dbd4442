"""Bulk verification for employers: read codes from pasted text or an uploaded .csv/.txt file, and write results as
CSV. Parsing and writing only; the look-up itself is :func:`lms.certificates.verification.verify_codes`.

Pasted text (and .txt files): :func:`lms.certificates.pasted.codes_from_text`. A CSV file: every cell that looks
like a code (or is a verification link), or else the row's cell that comes nearest to one
(:func:`lms.certificates.codes.likeness`: a mistyped code rather than the person's name beside it), so a mistyped code
is reported, not silently skipped; a first row with no code in it is a header.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from lms.catalog.areas import area_title, in_order
from lms.certificates.codes import clean, likeness, looks_like_number, normalize
from lms.certificates.pasted import MAX_QUERY_CHARS, as_query, codes_from_text, too_many_lines
from lms.certificates.verification import MAX_BULK
from lms.hours.money import hours_text
from lms.i18n import _, _l
from lms.text_encoding import UTF16_BOMS as UTF16_BOMS
from lms.text_encoding import NotText, utf16_text

#: Larger uploads are refused: 500 codes fit in about 20 kB.
MAX_UPLOAD_BYTES = 256 * 1024

#: The status of a bulk result whose query is a certificate's number (CHW-2026-000123), typed where its
#: verification code belongs (:func:`mark_numbers`): not a code, and not looked up by number, which is for quoting.
NUMBER = "number"

STATUS_TITLES = {
    "valid": _l("Valid"),
    "expired": _l("Expired"),
    "revoked": _l("Revoked"),
    "not_found": _l("Not found"),
    "invalid": _l("Not a certificate code"),
    NUMBER: _l("A certificate number: verify with the code printed below it"),
}

#: Column titles of the results CSV, in the viewer's language, in this order. The CSV is a spreadsheet for people;
#: programs use the bulk API, whose JSON field names never change (docs/certificates.md). The titles are the ones the
#: verification pages use, so the spreadsheet says what the page says.
HEADERS = (
    _l("Code"),
    _l("Result"),
    _l("Verification code"),
    _l("Certificate number"),
    _l("Name"),
    _l("Course"),
    _l("Version"),
    _l("Total hours"),
    _l("Competency areas covered"),
    _l("Started"),
    _l("Completed"),
    _l("Issued"),
    _l("Valid until"),
    _l("Issued by"),
    _l("Revoked"),
    _l("Reason"),
    # i18n: results spreadsheet column: for a code listed again, the spreadsheet row of its first result (a number).
    _l("Same code as row"),
)

#: A spreadsheet runs a cell starting with one of these as a formula (OWASP CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class UploadError(ValueError):
    """The uploaded file cannot be read as text."""


def codes_from_csv(text: str) -> list[str]:
    """Cells that look like codes, or the row's cell most like one; a first row without a code is taken as a header."""
    text = clean(text)
    delimiter = max(",;\t", key=text.count)  # spreadsheets in Spanish locales write semicolons
    found: list[str] = []
    # newline="": the csv module reads \r, \n and \r\n line ends itself (a lone \r was a csv.Error otherwise)
    try:
        for index, row in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)):
            cells = [cell.strip() for cell in row if cell.strip()]
            codes = [as_query(cell) for cell in cells if normalize(cell)]
            if codes:
                found.extend(codes)
            elif cells and index > 0:
                found.append(max(cells, key=likeness)[:MAX_QUERY_CHARS])  # the first of the best, if several
    except csv.Error as exc:
        raise UploadError(_("This file is not a text or CSV file.")) from exc
    return found


def _utf16_text(data: bytes) -> str | None:
    """The text of a UTF-16 file (:func:`lms.text_encoding.utf16_text`), or None for another file."""
    try:
        return utf16_text(data)
    except NotText as exc:
        raise UploadError(_("This file is not a text or CSV file.")) from exc


def codes_from_upload(filename: str, data: bytes) -> list[str]:
    """Codes from an uploaded ``.csv`` or ``.txt`` file (UTF-8, with or without BOM; Windows-1252 accepted; UTF-16
    with a BOM, Excel's "Unicode Text", or without one (:func:`_utf16_text`), read as a table like a CSV file: its
    cells are separated by tabs)."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise UploadError(_("The file is too large: send at most %(max)d codes.", max=MAX_BULK))
    text = _utf16_text(data)
    if text is not None:
        if too_many_lines(text):
            raise UploadError(_("The file is too large: send at most %(max)d codes.", max=MAX_BULK))
        return codes_from_csv(text)
    if b"\x00" in data:
        raise UploadError(_("This file is not a text or CSV file."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    if too_many_lines(text):
        raise UploadError(_("The file is too large: send at most %(max)d codes.", max=MAX_BULK))
    if (filename or "").lower().endswith(".csv"):
        return codes_from_csv(text)
    return codes_from_text(text)


def mark_numbers(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Bulk results with :data:`NUMBER` for each one that is not a code because it is a certificate number, so the
    list says what the single-code form says (type the verification code printed below the number) row by row."""
    return [{**item, "status": NUMBER} if item["status"] == "invalid" and looks_like_number(str(item.get("query") or ""))
            else item for item in results]


def mark_repeats(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Bulk results with ``same_as``, the position (from 0) of the first result for the same certificate (or the same
    code not found), on each later one: a code listed twice, or typed two ways (with and without hyphens, as a link),
    is one certificate, counted once (:func:`summary`)."""
    first: dict[str, int] = {}
    marked = []
    for index, item in enumerate(results):
        key = _repeat_key(item)
        if key is not None and key in first:
            item = {**item, "same_as": first[key]}
        elif key is not None:
            first[key] = index
        marked.append(item)
    return marked


def _repeat_key(item: dict[str, Any]) -> str | None:
    if item["status"] in ("valid", "expired", "revoked", "not_found"):
        return normalize(str(item.get("code") or ""))
    return None


def summary(results: list[dict[str, Any]], statuses: Iterable[str]) -> dict[str, int]:
    """How many distinct certificates (and codes) have each status, repeats (:func:`mark_repeats`) aside, and how
    many ``repeated`` ones there are: the counts add up to the number of results."""
    distinct = [item for item in results if "same_as" not in item]
    counts = {status: sum(1 for item in distinct if item["status"] == status) for status in statuses}
    return {**counts, "repeated": len(results) - len(distinct)}


def neutralise(text: Any) -> str:
    """A text cell that a spreadsheet could run as a formula gets a leading apostrophe."""
    text = "" if text is None else str(text)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def valid_until(item: dict[str, Any]) -> Any:
    """The expiry date a result shows as "Valid until": none for a revoked certificate, which is valid until no day
    (``expires_on`` in the API stays the date the certificate states)."""
    return None if item["status"] == "revoked" else item.get("expires_on")


def _areas(codes: list[str] | None) -> str:
    """Competency areas by their names in the viewer's language, in the order the law lists them."""
    return "; ".join(area_title(code) for code in in_order(codes or []))


def _hours(minutes: dict[str, int] | None) -> str | None:
    """Total training time as decimal hours with a point (``"12.50"``), which spreadsheets add up as a number."""
    total = (minutes or {}).get("total")
    return None if total is None else hours_text(total)


def results_rows(results: Iterable[dict[str, Any]]) -> list[list[str]]:
    """A header row in the viewer's language, then one row per result (``Verdict.public()`` plus ``query``, the
    ``message`` of :func:`lms.certificates.mistyped.explained` and the ``same_as`` of :func:`mark_repeats`), with the
    verdict and competency areas in words, hours in decimal hours and dates as ``YYYY-MM-DD`` (which spreadsheets read
    as dates in every language); no "Valid until" for a revoked certificate (:func:`valid_until`), in the Reason
    column what is wrong with a mistyped code, and last, for a code listed again, the spreadsheet row of its first
    result (a column added last, so the others keep their places). Every cell is neutralised."""
    rows = [[str(title) for title in HEADERS]]
    for item in results:
        course = item.get("course") or {}
        row = [
            item.get("query"),
            str(STATUS_TITLES.get(item["status"], item["status"])),
            item.get("code") if "number" in item else "",
            item.get("number"),
            item.get("holder_name"),
            course.get("title"),
            course.get("version"),
            _hours(item.get("minutes")),
            _areas(item.get("competency_areas")),
            item.get("started_on"),
            item.get("completed_on"),
            item.get("issued_on"),
            valid_until(item),
            (item.get("issuer") or {}).get("name"),
            item.get("revoked_on"),
            item.get("message") if item["status"] == "invalid" else item.get("revocation_reason"),
            item["same_as"] + 2 if "same_as" in item else "",  # the header is row 1
        ]
        rows.append([neutralise(cell) for cell in row])
    return rows


def results_csv(results: Iterable[dict[str, Any]]) -> bytes:
    """UTF-8 CSV (with BOM, so spreadsheet programs read accents right) with CRLF line ends."""
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerows(results_rows(results))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
