"""Verification codes: 137 random bits in an alphabet without look-alike characters, read aloud in groups of four.

Stored upper-case without hyphens; accepted in any case, with or without hyphens or spaces. Never derived from IDs.
"""

from __future__ import annotations

import re
import secrets

#: A-Z and 2-9 without I, L, O, U, 0 and 1 (no 0/O, 1/I/L confusion; no accidental words with U).
ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"
LENGTH = 28  # 28 * log2(30) = 137 bits, at least 128
GROUP = 4
_NOT_CODE = re.compile(r"[\s\-_.]+")
_NUMBER = re.compile(r"\s*CHW[\s-]*\d{4}[\s-]*\d{6}\s*", re.IGNORECASE)


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalize(raw: str) -> str | None:
    """The stored form of a typed code, or None when it cannot be a code (wrong length or characters)."""
    code = _NOT_CODE.sub("", raw or "").upper()
    if len(code) != LENGTH or any(ch not in ALPHABET for ch in code):
        return None
    return code


def likeness(raw: str) -> int:
    """How much ``raw`` looks like a code, to pick a mistyped one out of other text (a name, a date, an email): the
    nearer its letters and digits come to 28, the better, more for digits among them and for nothing else in it than
    letters, digits and the separators people type between groups. A score to compare cells by, not a measure."""
    compact = _NOT_CODE.sub("", raw or "")
    score = min(len(compact), LENGTH) - 2 * max(0, len(compact) - LENGTH)
    if compact.isalnum():
        score += 10
    if any(ch.isdigit() for ch in compact):
        score += 5
    return score


def display(code: str) -> str:
    """``K7QMX3HT...`` → ``K7QM-X3HT-...``"""
    return "-".join(code[i:i + GROUP] for i in range(0, len(code), GROUP))


def looks_like_number(raw: str) -> bool:
    """Whether someone typed a certificate's number (CHW-2026-000123) where its verification code belongs."""
    return _NUMBER.fullmatch(raw or "") is not None


def new_number(year: int) -> str:
    """A short number to quote on the phone (random, so it reveals nothing about volumes)."""
    return f"CHW-{year}-{secrets.randbelow(10**6):06d}"
