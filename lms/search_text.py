"""Accent- and case-insensitive search text, the same in Python and in SQL on both databases, with no migration.

An administrator typing "Maria" or "nunez" on a US keyboard finds "María" and "Núñez". :func:`fold` folds a text in
Python; :class:`folded` does the same to a column in SQL: on PostgreSQL ``lower(translate(col, '<accented>',
'<plain>'))`` (built in, no extension), on SQLite the ``lms_fold`` function :mod:`lms.db` registers on each new
connection (:func:`sqlite_fold`). Both fold exactly the letters of :data:`FOLDED_LETTERS`: the Latin letters whose
Unicode decomposition (NFKD) is one ASCII letter and accents, so Spanish, Vietnamese, Tagalog, Portuguese, French
and the like; the accents are dropped and the letter lower-cased. Every other character is only lower-cased, as the
database's ``lower()`` does it, so a name typed exactly as stored is always found. (Not ``casefold()``: that turns
"ß" into "ss", which no database's ``lower()`` does.) :func:`contains_pattern` builds the ``LIKE`` pattern that
finds a folded text anywhere, its ``%``, ``_`` and ``\\`` matching only themselves."""

from __future__ import annotations

import unicodedata
from typing import Any

from sqlalchemy import String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

#: Blocks of Latin letters with accents: Latin-1 Supplement, Latin Extended-A and -B, Latin Extended Additional.
_LATIN_BLOCKS = ((0x00C0, 0x024F), (0x1E00, 0x1EFF))


def _plain_letter(char: str) -> str | None:
    """The lower-case ASCII letter ``char`` is with its accents dropped, or ``None`` if it is not one."""
    base = "".join(part for part in unicodedata.normalize("NFKD", char) if not unicodedata.combining(part))
    return base.lower() if len(base) == 1 and base.isascii() and base.isalpha() and base != char else None


def _folded_letters() -> dict[str, str]:
    letters = {}
    for first, last in _LATIN_BLOCKS:
        for char in map(chr, range(first, last + 1)):
            if (plain := _plain_letter(char)) is not None:
                letters[char] = plain
    return letters


#: Accented letter → its plain lower-case letter ("Á" and "á" → "a", "Ñ" and "ñ" → "n").
FOLDED_LETTERS: dict[str, str] = _folded_letters()
_TABLE = str.maketrans(FOLDED_LETTERS)
_FROM = "".join(FOLDED_LETTERS)
_TO = "".join(FOLDED_LETTERS.values())


def fold(text: str) -> str:
    """``text`` for comparing: the letters of :data:`FOLDED_LETTERS` without accents (NFKD, combining marks
    dropped), then all lower-cased: ``fold("José Núñez") == "jose nunez"``. What :class:`folded` does in SQL."""
    return text.translate(_TABLE).lower()


def sqlite_fold(value: Any) -> Any:
    """SQLite's ``lms_fold(value)``: :func:`fold` of a text; any other value (``NULL``, a number) as it is."""
    return fold(value) if isinstance(value, str) else value


def contains_pattern(text: str) -> str:
    """The ``LIKE`` pattern (escape character ``\\``) that finds the folded ``text`` inside a folded column."""
    escaped = fold(text).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class folded(FunctionElement):  # lower-case: used like a SQL function, folded(User.name)
    """A text column folded like :func:`fold`: ``folded(User.name).like(contains_pattern(text), escape="\\\\")``."""

    type = String()
    name = "lms_fold"
    inherit_cache = True


@compiles(folded)
def _folded_sqlite(element: folded, compiler: Any, **kw: Any) -> str:
    return f"lms_fold({compiler.process(element.clauses, **kw)})"


@compiles(folded, "postgresql")
def _folded_postgresql(element: folded, compiler: Any, **kw: Any) -> str:
    # Constant literals (letters only, no quote), so every query's SQL text stays the same.
    return f"lower(translate({compiler.process(element.clauses, **kw)}, '{_FROM}', '{_TO}'))"
