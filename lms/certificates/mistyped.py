"""What is wrong with typed text that is not a verification code, in the reader's words: a character codes never use
(named, with its place), characters missing or too many, or a certificate's number where its code belongs. The
verification form and page, the bulk page and its spreadsheet, and the API say the same."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from typing import Any

from babel.lists import format_list

from lms.certificates.codes import LENGTH, Slip, looks_like_number, slip
from lms.i18n import _, current_locale, ngettext

#: The letters and digits the alphabet leaves out, named as such ("the letter O"); anything else is named as it is.
UNUSED_LETTERS = "ILOU"
UNUSED_DIGITS = "01"


def reasons(raw: str) -> list[str]:
    """Sentences saying what keeps ``raw`` from being a code, when it looks like a mistyped one; empty for anything
    else (a code, a certificate number, a name or a word), which the caller's general words cover."""
    found = slip(raw)
    if found is None:
        return []
    said = [_length(found.length)] if found.length is not None else []
    if found.unused:
        said.append(_characters(found))
    return said


def message(raw: str) -> str:
    """Why ``raw`` (not a code) was not looked up: its slips, else that it is a certificate's number, else what a
    code looks like."""
    said = reasons(raw)
    if said:
        return " ".join(said)
    if looks_like_number(raw):
        return _(
            "This is the certificate's number, which is for quoting. To verify, type the verification code printed "
            "below it (28 letters and digits), or scan the QR code."
        )
    return _("This is not a certificate code. Codes have 28 letters and digits, often in groups of four.")


def explained(results: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Look-up results with a ``message`` (:func:`reasons`) on each ``invalid`` one that looks like a mistyped code."""
    return [{**item, "message": " ".join(said)} if item["status"] == "invalid" and (said := reasons(str(item.get("query") or "")))
            else item for item in results]


def _length(length: int) -> str:
    if length < LENGTH:
        # i18n: num is how many letters or digits are missing, count how many were typed (spaces and hyphens aside)
        return ngettext("%(num)d character is missing: codes have 28 letters and digits, and this has %(count)d.",
                        "%(num)d characters are missing: codes have 28 letters and digits, and this has %(count)d.",
                        LENGTH - length, count=length)
    # i18n: num is how many characters are too many, count how many were typed (spaces and hyphens aside)
    return ngettext("%(num)d character too many: codes have 28 letters and digits, and this has %(count)d.",
                    "%(num)d characters too many: codes have 28 letters and digits, and this has %(count)d.",
                    length - LENGTH, count=length)


def _characters(found: Slip) -> str:
    """The characters codes never use, by name when they are all the same one, and where they are: "character 28",
    counted without spaces and hyphens, as a code is printed (in groups of four)."""
    places = format_list([str(place) for place, _char in found.unused], locale=current_locale())
    count = len(found.unused)
    chars = {_visible(char) for _place, char in found.unused}
    if len(chars) > 1:
        return _("Codes never use the letters I, L, O and U, the digits 0 and 1, or other signs: check characters "
                 "%(places)s.", places=places)
    [char] = chars
    if char in UNUSED_LETTERS:
        # i18n: char is a capital letter (I, L, O or U); places are positions such as "28" or "5 and 28"
        return ngettext("Codes never use the letter %(char)s: check character %(places)s.",
                        "Codes never use the letter %(char)s: check characters %(places)s.", count, char=char, places=places)
    if char in UNUSED_DIGITS:
        # i18n: char is the digit 0 or 1; places are positions such as "28" or "5 and 28"
        return ngettext("Codes never use the digit %(char)s: check character %(places)s.",
                        "Codes never use the digit %(char)s: check characters %(places)s.", count, char=char, places=places)
    # i18n: char is a sign or an accented letter (#, /, É); places are positions such as "28" or "5 and 28"
    return ngettext("Codes never use %(char)s: check character %(places)s.",
                    "Codes never use %(char)s: check characters %(places)s.", count, char=char, places=places)


def _visible(char: str) -> str:
    """A character as the reader can see it: itself, or its code point (``U+2063``) when it shows nothing or only
    marks the character before it (controls, format characters, spaces, combining marks, unassigned)."""
    return f"U+{ord(char):04X}" if unicodedata.category(char)[0] in "CZM" else char
