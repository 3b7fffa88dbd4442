"""Codes in pasted text (the bulk page's box, and .txt files): one code per line, or several separated by commas,
semicolons, tabs or spaces. A code typed in groups with spaces (``K7QM X3HT ...``) is still one code, and so is a line
of such groups about as long as a code that is not quite one (a mistyped code is reported whole, not group by group).
A verification link (``https://.../verify/K7QM-...``) stands for its code.

A line with one code in it and other words, a name beside the code (``María Promotora JC8V-...``, ``Tom Trainee:
C36W-...``), is that code alone: the other words are no query. A line listing several codes reads as ever, every entry
a query, except that a part of it between commas, semicolons or tabs with one code and other words is that code. A
line without a code reads as ever, word by word, so what is not a code is still reported.
"""

from __future__ import annotations

import re
from itertools import islice

from lms.certificates.codes import LENGTH, clean, display, from_link, normalize

#: A query longer than this cannot be a code; it is cut (and shown as not a code) rather than echoed whole.
MAX_QUERY_CHARS = 80

#: More lines (blank ones aside) than a list of the most codes verified at once needs (500, each wrapped over up to
#: three lines, with room for headings and names): such text is refused unread, as reading costs time per line.
MAX_LINES = 2500

_LINES = re.compile(r"[\r\n]+")
_SEPARATORS = re.compile(r"[,;\t]+")
#: Groups of two to six letters or digits, four or more of them, separated by spaces or hyphens: a code typed in
#: groups, perhaps mistyped (one query), rather than several words.
_GROUPED = re.compile(r"[A-Za-z0-9]{2,6}(?:[\s\-]+[A-Za-z0-9]{2,6}){3,}")
#: One group of a code typed in groups, in one case (a capitalised word, "Ana", is a name, not a group).
_GROUP = re.compile(r"[A-Z0-9]{2,6}|[a-z0-9]{2,6}")
#: Letters and digits in groups joined by hyphens, dots or underscores, or none: the shape of a code, perhaps mistyped.
_SHAPED = re.compile(r"[A-Za-z0-9]+(?:[\-_.][A-Za-z0-9]+)*")
#: Punctuation around a code in a line of words ("Tom Trainee: C36W-...", "(C36W-...)").
_AROUND = "()[]{}<>\"'“”‘’«»:;,."
_DIGIT = re.compile(r"\d")
_ALNUM = re.compile(r"[A-Za-z0-9]")
_NOT_ALNUM = re.compile(r"[\W_]+")
#: A piece of text with more words than this is a list, read word by word: a name and a code are a few words.
_MAX_WORDS = 40


def _split_piece(piece: str) -> list[str]:
    piece = piece.strip()
    if not piece:
        return []
    if normalize(piece) or _mistyped_in_groups(piece):  # one code, perhaps typed in groups with spaces, or mistyped
        return [as_query(piece)]
    return [as_query(token) for token in piece.split()]


def _mistyped_in_groups(piece: str) -> bool:
    """Groups of letters and digits that come to about a code's length: a code with a slip in it, not several words."""
    return _GROUPED.fullmatch(piece) is not None and _near_length(piece)


def _near_length(text: str) -> bool:
    return abs(len(_NOT_ALNUM.sub("", text)) - LENGTH) <= 4


def as_query(text: str) -> str:
    """What a code is looked up and reported by: as typed, or the code of a verification link in display form (a
    link's address is no help in a result, and may be longer than a query is kept)."""
    segment = from_link(text) if "/" in text else None
    if segment is None:
        return text[:MAX_QUERY_CHARS]
    code = normalize(segment)
    return display(code) if code else segment[:MAX_QUERY_CHARS]


def _code_like(token: str) -> bool:
    """A code, a link to one, or a single word shaped like a code with a slip in it (about 28 letters and digits,
    some digits, in groups or not): something meant as a code, not a name."""
    if len(token) < LENGTH - 4:
        return False  # too short for a code, and for a link to one
    text = from_link(token) or token
    if normalize(text):
        return True
    return _SHAPED.fullmatch(text) is not None and _DIGIT.search(text) is not None and _near_length(text)


def _code_end(words: list[str], start: int) -> int | None:
    """Where the code that starts at ``words[start]`` ends (one word, or groups typed with spaces), or None."""
    if _code_like(words[start].strip(_AROUND)):
        return start + 1
    found = _in_groups(words, start)
    if found is None or found[1]:
        return found and found[0]
    # groups with a slip in them, unless a code starts further in (after a name in capitals: "ANA K7QM X3HT ...")
    left = sum(len(word) for word in words[start:found[0]])
    for later in range(start + 1, found[0]):
        left -= len(words[later - 1])
        if left >= LENGTH and (_in_groups(words, later) or (0, False))[1]:
            return None
    return found[0]


def _in_groups(words: list[str], start: int) -> tuple[int, bool] | None:
    """A code typed in groups with spaces from ``words[start]``: where it ends and whether it is a code (the groups up
    to its 28th letter or digit make one), else groups that come to about a code's length with a digit among them
    (a mistyped code); None when no code starts here."""
    end, letters = start, 0
    while end < len(words) and _GROUP.fullmatch(words[end]) and letters + len(words[end]) <= LENGTH + 4:
        letters += len(words[end])
        end += 1
        if letters == LENGTH and normalize(" ".join(words[start:end])):
            return end, True
    if end - start < 4 or abs(letters - LENGTH) > 4:
        return None
    return (end, False) if _DIGIT.search(" ".join(words[start:end])) else None


def _scan(piece: str) -> list[tuple[str, bool]]:
    """The words of a piece of pasted text, each code (:func:`_code_end`) as one, flagged as a code or not."""
    if normalize(piece):
        return [(as_query(piece), True)]
    words, found, index = piece.split(), [], 0
    if len(words) > _MAX_WORDS:
        return [(as_query(word), _code_like(word)) for word in words]
    while index < len(words):
        end = _code_end(words, index)
        if end is None:
            found.append((words[index][:MAX_QUERY_CHARS], False))
            index += 1
        else:
            found.append((as_query(" ".join(words[index:end]).strip(_AROUND)), True))
            index = end
    if _mistyped_in_groups(piece) and not any(is_code for _text, is_code in found):
        return [(piece[:MAX_QUERY_CHARS], True)]  # one mistyped code, its groups however typed
    return found


def _line_queries(line: str) -> list[str]:
    """A line with one code in it is that code (the words beside it, a name, are no query); a line listing several
    reads each part between commas, semicolons or tabs the same way; a line or part without a code, word by word."""
    pieces = [piece.strip() for piece in _SEPARATORS.split(line) if piece.strip()]
    scanned = [_scan(piece) for piece in pieces]
    codes = [text for words in scanned for text, is_code in words if is_code]
    if len(codes) == 1:
        return codes
    queries = []
    for piece, words in zip(pieces, scanned, strict=True):
        codes = [text for text, is_code in words if is_code]
        queries += codes if len(codes) == 1 else [text for text, _is_code in words] if codes else _split_piece(piece)
    return queries


def too_many_lines(text: str) -> bool:
    """Whether ``text`` has more than :data:`MAX_LINES` lines: counted without reading them (a public page reads it)."""
    return next(islice(_LINES.finditer(text), MAX_LINES, None), None) is not None


def codes_from_text(text: str) -> list[str]:
    """Every code-like token of pasted text, in order (duplicates kept: each line gets its own result). Other dashes
    and invisible characters are what was meant (:func:`lms.certificates.codes.clean`), and a code or link that a PDF
    wrapped over lines is one (:func:`unwrapped`)."""
    return [query for line in unwrapped(_LINES.split(clean(text))) for query in _line_queries(line)]


def unwrapped(lines: list[str]) -> list[str]:
    """``lines`` with a code or verification link that was wrapped after a hyphen (``...-7G4F-`` / ``GYCB-SJYB``,
    as a PDF reader copies a narrow column) on one line again: a line ending in a hyphen is joined with the next one
    (or two, each a hyphen-ended piece) when its last word and their first word make a code (two codes, one typed
    with a trailing hyphen, stay two: :func:`_wraps`)."""
    joined, index = [], 0
    while index < len(lines):
        line, index = lines[index], index + 1
        for count in (1, 2):
            if _wraps(line, lines[index:index + count]):
                line = line.rstrip() + "".join(part.strip() for part in lines[index:index + count])
                index += count
                break
        joined.append(line)
    return joined


def _wraps(line: str, following: list[str]) -> bool:
    """Whether ``line`` ends in a piece of a code that ``following`` completes. A code alone has all 28 letters and
    digits, so a piece that is a code already makes no code with more added: two codes are never joined."""
    words = line.split()
    pieces = [part.strip() for part in following]
    if not words or not line.rstrip().endswith("-") or not pieces or not all(pieces):
        return False
    if any(" " in piece or not piece.endswith("-") for piece in pieces[:-1]) or not _ALNUM.search(words[-1]):
        return False
    return normalize(words[-1] + "".join(pieces[:-1]) + pieces[-1].split()[0]) is not None
