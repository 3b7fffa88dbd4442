"""Recognising UTF-16 text in an uploaded file (Excel's "Unicode Text", Teams reports, some "CSV" exports), with or
without a byte order mark. Shared by the uploads that read spreadsheets saved as text: bulk certificate
verification (:mod:`lms.certificates.bulk`) and the staff roster (:mod:`lms.orgs.roster_file`)."""

from __future__ import annotations

import unicodedata

#: The byte order marks that start a UTF-16 file (little-endian, as Excel's "Unicode Text" writes, and big-endian).
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
#: How many of the first bytes :func:`utf16_byte_order` looks at.
UTF16_SAMPLE = 4096


class NotText(ValueError):
    """The file looks like UTF-16 but is not text (a lone surrogate, control characters: binary data)."""


def utf16_text(data: bytes) -> str | None:
    """The text of a UTF-16 file: with a BOM, or without one when its first bytes are text whose every other byte is
    zero (the zero high bytes of ASCII and Latin letters: on odd positions little-endian, on even ones big-endian)
    and the whole file decodes as text. None for other files (UTF-8, Windows-1252 or binary: the caller reads them);
    :class:`NotText` for a file that looks like UTF-16 but is not text."""
    if data.startswith(UTF16_BOMS):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise NotText() from exc
    encoding = utf16_byte_order(data)
    if encoding is None:
        return None
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:  # a lone surrogate: not text
        raise NotText() from exc
    if not looks_like_text(text):
        raise NotText()
    return text


def utf16_byte_order(data: bytes) -> str | None:
    """``"utf-16-le"`` or ``"utf-16-be"`` when the start of ``data`` looks like UTF-16 without a BOM: an even length,
    at least a quarter of one position of each pair zero, and hardly any (a tenth as many) of the other."""
    if len(data) < 2 or len(data) % 2:
        return None
    sample = data[:UTF16_SAMPLE]
    pairs = len(sample) // 2
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if odd * 4 >= pairs and even * 10 <= odd:
        return "utf-16-le"
    if even * 4 >= pairs and odd * 10 <= even:
        return "utf-16-be"
    return None


def looks_like_text(text: str) -> bool:
    """No control characters but tabs and line ends, and no private-use, unassigned or surrogate code points: what
    binary data read as UTF-16 is full of."""
    return not any(unicodedata.category(char) in ("Cc", "Co", "Cn", "Cs") and char not in "\t\r\n" for char in text)
