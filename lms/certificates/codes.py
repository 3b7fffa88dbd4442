"""Verification codes: 137 random bits in an alphabet without look-alike characters, read aloud in groups of four.

Stored upper-case without hyphens; accepted in any case, with or without hyphens or spaces, and inside the
certificate's verification link (``https://…/verify/K7QM-X3HT-…``). Never derived from IDs. Text copied from a PDF,
a word processor or a chat brings other dashes (en dash, non-breaking hyphen, minus sign) and invisible characters
(zero-width space, soft hyphen, byte order mark, no-break space): :func:`clean` makes them what was meant first.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from urllib.parse import unquote

#: A-Z and 2-9 without I, L, O, U, 0 and 1 (no 0/O, 1/I/L confusion; no accidental words with U).
ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"
LENGTH = 28  # 28 * log2(30) = 137 bits, at least 128
GROUP = 4
_NOT_CODE = re.compile(r"[\s\-_.]+")
#: Dashes that word processors, PDFs and keyboards put where a hyphen was typed: hyphen, non-breaking hyphen, figure
#: dash, en dash, em dash, horizontal bar, hyphen bullet, minus sign, small and full-width hyphen-minus.
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2043\u2212\ufe58\ufe63\uff0d"
#: Characters that show nothing: soft hyphen, Arabic letter mark, Mongolian vowel separator, zero-width space,
#: non-joiner and joiner, direction marks and embeddings, word joiner and invisible operators, byte order mark.
_INVISIBLE = "\u00ad\u061c\u180e\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e" \
    "\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069\ufeff"
#: Spaces that are no ordinary space (no-break, narrow no-break, figure, thin...), which ``str.split`` splits on but
#: a link's ``isspace`` check and people do not tell apart from a space: one ordinary space each.
_CLEAN = str.maketrans({**dict.fromkeys(_DASHES, "-"), **dict.fromkeys(_INVISIBLE, None),
                        **dict.fromkeys("\u00a0\u2007\u202f\u3000", " ")})
_NUMBER = re.compile(r"\s*CHW[\s-]*\d{4}[\s-]*\d{6}\s*", re.IGNORECASE)


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def clean(text: str) -> str:
    """``text`` with every dash (:data:`_DASHES`) a hyphen, every invisible character (:data:`_INVISIBLE`) gone and
    every no-break space an ordinary one: what a person meant by what they copied."""
    text = text or ""
    return text if text.isascii() else text.translate(_CLEAN)  # translate() looks up every character: skip it


def normalize(raw: str) -> str | None:
    """The stored form of a typed code, or of the code in a pasted verification link (:func:`from_link`), or None
    when it cannot be a code (wrong length or characters)."""
    return _typed(raw) or _typed(from_link(raw) or "")


def _typed(raw: str) -> str | None:
    code = _NOT_CODE.sub("", clean(raw)).upper()
    if len(code) != LENGTH or any(ch not in ALPHABET for ch in code):
        return None
    return code


#: Where the code in a verification link ends: at a trailing slash, a query string or a fragment, or the end.
_LINK_END = re.compile(r"/?(?:[?#]|$)")


def from_link(raw: str) -> str | None:
    """The code part of a verification link, as written there (``K7QM-X3HT-…``, perhaps mistyped), or None when
    ``raw`` is not a link to a verification page. Any site and mount prefix (``https://host/training/verify/…``),
    with or without the scheme, a trailing slash, a query string or a fragment: the link is where the code was
    found (a QR code, an email, the address bar), not a site this one must trust; the code is looked up here."""
    text = clean(raw).strip().strip("<>\"'")
    start = text.lower().rfind("/verify/")
    if start < 0 or any(ch.isspace() for ch in text):
        return None
    tail = text[start + len("/verify/"):]
    segment = unquote(tail[:_LINK_END.search(tail).start()])
    return segment if segment and "/" not in segment else None


def likeness(raw: str) -> int:
    """How much ``raw`` looks like a code, to pick a mistyped one out of other text (a name, a date, an email): the
    nearer its letters and digits come to 28, the better, more for digits among them and for nothing else in it than
    letters, digits and the separators people type between groups. A score to compare cells by, not a measure."""
    compact = _NOT_CODE.sub("", clean(raw))
    score = min(len(compact), LENGTH) - 2 * max(0, len(compact) - LENGTH)
    if compact.isalnum():
        score += 10
    if any(ch.isdigit() for ch in compact):
        score += 5
    return score


@dataclass(frozen=True)
class Slip:
    """What keeps typed text from being a code, when it looks like one with a slip in it: ``length`` (characters
    other than the separators) when that is not :data:`LENGTH`, and the ``unused`` characters (1-based position
    among those characters, the character upper-cased) that :data:`ALPHABET` does not have."""

    length: int | None
    unused: tuple[tuple[int, str], ...]


#: A slip is told about when at most this many characters are wrong or missing; more, and it is not a code at all.
_SLIPS = 4


def slip(raw: str) -> Slip | None:
    """What is wrong with text that is not a code but looks like a mistyped one (about :data:`LENGTH` characters,
    some digits, at most four of them outside the alphabet: the letters I, L, O and U, the digits 0 and 1, or
    anything else); None for a code, and for text that does not look like a code at all (a name, a word)."""
    text = from_link(raw) or clean(raw)
    compact = _NOT_CODE.sub("", text).upper()
    unused = tuple((index, ch) for index, ch in enumerate(compact, 1) if ch not in ALPHABET)
    if not any(ch.isdigit() for ch in compact) or len(unused) > _SLIPS or abs(len(compact) - LENGTH) > _SLIPS:
        return None
    if not unused and len(compact) == LENGTH:
        return None  # a code
    return Slip(None if len(compact) == LENGTH else len(compact), unused)


def display(code: str) -> str:
    """``K7QMX3HT...`` → ``K7QM-X3HT-...``"""
    return "-".join(code[i:i + GROUP] for i in range(0, len(code), GROUP))


def looks_like_number(raw: str) -> bool:
    """Whether someone typed a certificate's number (CHW-2026-000123) where its verification code belongs."""
    return _NUMBER.fullmatch(clean(raw)) is not None


def new_number(year: int) -> str:
    """A short number to quote on the phone (random, so it reveals nothing about volumes)."""
    return f"CHW-{year}-{secrets.randbelow(10**6):06d}"
