"""Line and word diffs of two texts, as plain data (no HTML): templates (``lms/_text_diff.html``) mark the removed and
added pieces. Markdown is compared line by line and then word by word inside a changed line, so a one-word edit in a
long paragraph shows as that word; short texts are compared word by word as a whole. Shared by the translation editor
(what changed in a source text, :mod:`lms.catalog.source_changes`), a course's History (what a lesson edit changed,
:mod:`lms.web.authoring.text_changes`) and the edit-conflict form (the saved text against the person's,
:mod:`lms.web.edit_conflicts`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any

SAME, REMOVED, ADDED, CHANGED, FOLDED = "same", "removed", "added", "changed", "folded"
#: Unchanged lines shown around each change; longer unchanged runs are folded into a count.
CONTEXT = 2
#: Above this many words, spaces and signs on a side, whole lines (or texts) are compared instead of words:
#: difflib's matching is quadratic in the worst case, and a lesson may be 100,000 characters.
MAX_WORD_TOKENS = 3_000
#: A block of more changed lines than this is a rewrite: shown as lines removed then lines added, not pair by pair.
MAX_PAIRED_LINES = 500
#: Below this similarity a changed line reads better as one line removed and one added than as a mix of words.
MIN_LINE_SIMILARITY = 0.4
#: Words, runs of spaces and single signs: every character falls in exactly one, so joining them gives the text back.
_TOKEN = re.compile(r"\s+|\w+|[^\w\s]")

Opcode = tuple[str, int, int, int, int]


@dataclass(frozen=True)
class Piece:
    """A run of text that is the ``same`` on both sides, or was ``removed`` or ``added``."""

    text: str
    change: str = SAME


@dataclass(frozen=True)
class Line:
    """One line of a line diff. ``change``: ``same``, ``removed``, ``added``, ``changed`` (its pieces mix all three),
    or ``folded`` (``folded`` unchanged lines left out)."""

    change: str
    pieces: tuple[Piece, ...] = ()
    folded: int = 0


def word_diff(old: str, new: str) -> tuple[tuple[Piece, ...], tuple[Piece, ...]]:
    """``old`` with its removed words marked, and ``new`` with its added words marked."""
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    if len(a) > MAX_WORD_TOKENS or len(b) > MAX_WORD_TOKENS:
        return _whole(old, REMOVED), _whole(new, ADDED)
    before: list[Piece] = []
    after: list[Piece] = []
    for tag, i1, i2, j1, j2 in _opcodes(SequenceMatcher(_is_space, a, b, autojunk=False)):
        before.append(Piece("".join(a[i1:i2]), SAME if tag == "equal" else REMOVED))
        after.append(Piece("".join(b[j1:j2]), SAME if tag == "equal" else ADDED))
    return _joined(before), _joined(after)


def line_diff(old: str, new: str) -> list[Line]:
    """Every line of ``new`` and every removed line of ``old``, in reading order."""
    a, b = old.split("\n"), new.split("\n")
    lines: list[Line] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b).get_opcodes():
        if tag == "equal":
            lines += [Line(SAME, (Piece(text),)) for text in b[j1:j2]]
        else:
            lines += _changed_lines(a[i1:i2], b[j1:j2])
    return lines


def fold(lines: Sequence[Line]) -> list[Line]:
    """Keep :data:`CONTEXT` unchanged lines around each change and fold longer unchanged runs into a count."""
    near = {i + d for i, line in enumerate(lines) if line.change != SAME for d in range(-CONTEXT, CONTEXT + 1)}
    result: list[Line] = []
    run: list[Line] = []
    for i, line in enumerate(lines):
        if i in near:
            result += _run(run)
            run = []
            result.append(line)
        else:
            run.append(line)
    return result + _run(run)


def _run(run: list[Line]) -> list[Line]:
    # One hidden line takes as much room as the note that would replace it: show it.
    return run if len(run) < 2 else [Line(FOLDED, folded=len(run))]


def _changed_lines(old: list[str], new: list[str]) -> list[Line]:
    """A block of lines replaced by another: pair them in order, then the unpaired ones. Blank lines that come and go
    with text are left out (in Markdown they only separate paragraphs); a change of blank lines alone still shows."""
    if any(line.strip() for line in old + new):
        old, new = [line for line in old if line.strip()], [line for line in new if line.strip()]
    paired = min(len(old), len(new)) if max(len(old), len(new)) <= MAX_PAIRED_LINES else 0
    lines: list[Line] = []
    for old_line, new_line in zip(old[:paired], new[:paired], strict=True):
        lines += _line_pair(old_line, new_line)
    lines += [Line(REMOVED, (Piece(text, REMOVED),)) for text in old[paired:]]
    lines += [Line(ADDED, (Piece(text, ADDED),)) for text in new[paired:]]
    return lines


def _line_pair(old: str, new: str) -> list[Line]:
    whole = [Line(REMOVED, (Piece(old, REMOVED),)), Line(ADDED, (Piece(new, ADDED),))]
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    if len(a) > MAX_WORD_TOKENS or len(b) > MAX_WORD_TOKENS:
        return whole
    matcher = SequenceMatcher(_is_space, a, b, autojunk=False)
    if matcher.ratio() < MIN_LINE_SIMILARITY:
        return whole
    pieces = []
    for tag, i1, i2, j1, j2 in _opcodes(matcher):
        if tag == "equal":
            pieces.append(Piece("".join(a[i1:i2])))
        else:
            pieces += [Piece("".join(a[i1:i2]), REMOVED), Piece("".join(b[j1:j2]), ADDED)]
    return [Line(CHANGED, _joined(pieces))]


def _opcodes(matcher: SequenceMatcher) -> list[Opcode]:
    """The matcher's opcodes, with the spaces between two changes taken into them: "<del>a</del> <del>b</del>"
    reads worse than "<del>a b</del>"."""
    codes = matcher.get_opcodes()
    result: list[Opcode] = []
    for k, (tag, i1, i2, j1, j2) in enumerate(codes):
        between_changes = 0 < k < len(codes) - 1 and not "".join(matcher.a[i1:i2]).strip()
        if tag == "equal" and not between_changes:
            result.append((tag, i1, i2, j1, j2))
        elif result and result[-1][0] != "equal":
            result[-1] = ("replace", result[-1][1], i2, result[-1][3], j2)
        else:
            result.append(("replace", i1, i2, j1, j2))
    return result


def _is_space(token: str) -> bool:
    # Spaces only extend a match, never start one: they are everywhere, and anchoring on them is slow and misleading.
    return token.isspace()


def _whole(text: str, change: str) -> tuple[Piece, ...]:
    return (Piece(text, change),) if text else ()


def _joined(pieces: list[Piece]) -> tuple[Piece, ...]:
    """Drop empty pieces, join neighbours of the same kind, and leave the spaces around a change unmarked."""
    result: list[Piece] = []
    for piece in pieces:
        if not piece.text:
            continue
        if result and result[-1].change == piece.change:
            result[-1] = Piece(result[-1].text + piece.text, piece.change)
        else:
            result.append(piece)
    return tuple(_unmark_spaces(result))


def _unmark_spaces(pieces: list[Piece]) -> list[Piece]:
    """Move the spaces that every piece of a change (removed and added alike) starts or ends with into the unchanged
    text beside it: "Call 911 <ins>and cool them</ins>." rather than "Call 911<ins> and cool them</ins>."."""
    for start, end in _change_groups(pieces):
        group = pieces[start:end]
        lead = _shared_space([p.text for p in group]) if start > 0 else 0
        if lead:
            pieces[start - 1] = Piece(pieces[start - 1].text + group[0].text[:lead])
            group = [Piece(p.text[lead:], p.change) for p in group]
        trail = _shared_space([p.text[::-1] for p in group]) if end < len(pieces) else 0
        if trail:
            pieces[end] = Piece(group[0].text[-trail:] + pieces[end].text)
            group = [Piece(p.text[:-trail], p.change) for p in group]
        pieces[start:end] = group
    return pieces


def _shared_space(texts: list[str]) -> int:
    """How many leading space characters all ``texts`` share, leaving at least one character in each."""
    shared = 0
    for chars in zip(*texts, strict=False):
        if not chars[0].isspace() or any(char != chars[0] for char in chars):
            break
        shared += 1
    return min(shared, *(len(text) - 1 for text in texts))


def _change_groups(pieces: list[Piece]) -> list[tuple[int, int]]:
    """``(start, end)`` of each run of changed pieces."""
    groups: list[tuple[int, int]] = []
    for i, piece in enumerate(pieces):
        if piece.change == SAME:
            continue
        if groups and groups[-1][1] == i:
            groups[-1] = (groups[-1][0], i + 1)
        else:
            groups.append((i, i + 1))
    return groups


#: A diff shown (or kept in an audit row) stops after about this many characters of text: a rewrite of a long
#: lesson would otherwise be the whole lesson twice.
MAX_SHOWN_CHARS = 20_000
#: How a line's change is written when a diff is kept as data (an audit row): one character each.
_SIGNS = {SAME: "=", REMOVED: "-", ADDED: "+", CHANGED: "~", FOLDED: "…"}
_CHANGES = {sign: change for change, sign in _SIGNS.items()}


def limited(lines: Sequence[Line], max_chars: int = MAX_SHOWN_CHARS) -> tuple[list[Line], int]:
    """The first of ``lines`` up to about ``max_chars`` characters of text, and how many changed lines (removed,
    added or changed) were left out after them."""
    kept: list[Line] = []
    size = 0
    for index, line in enumerate(lines):
        size += sum(len(piece.text) for piece in line.pieces)
        if size > max_chars and kept:
            return kept, sum(1 for rest in lines[index:] if rest.change not in (SAME, FOLDED))
        kept.append(line)
    return kept, 0


def dump(lines: Sequence[Line]) -> list[list[Any]]:
    """``lines`` as JSON data, for an audit row: ``["-", "text"]``, ``["~", [["=", "a "], ["+", "b"]]]``,
    ``["…", 12]`` (that many unchanged lines folded)."""
    data: list[list[Any]] = []
    for line in lines:
        if line.change == FOLDED:
            data.append([_SIGNS[FOLDED], line.folded])
        elif line.change == CHANGED:
            data.append([_SIGNS[CHANGED], [[_SIGNS[piece.change], piece.text] for piece in line.pieces]])
        else:
            data.append([_SIGNS[line.change], "".join(piece.text for piece in line.pieces)])
    return data


def load(data: Any) -> list[Line]:
    """Lines kept by :func:`dump`; an item that does not read as one (a row written otherwise) is left out."""
    lines: list[Line] = []
    for item in data if isinstance(data, list) else []:
        try:
            sign, value = item
            change = _CHANGES[sign]
            if change == FOLDED:
                lines.append(Line(FOLDED, folded=int(value)))
            elif change == CHANGED:
                lines.append(Line(CHANGED, tuple(Piece(str(text), _CHANGES[mark]) for mark, text in value)))
            else:
                lines.append(Line(change, (Piece(str(value), change),)))
        except (TypeError, ValueError, KeyError):
            continue
    return lines
