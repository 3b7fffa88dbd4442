"""What changed in a source-language text since a translation was made from it, for the translation editor.

The result is plain data (no HTML): templates mark the removed and added pieces. Markdown is compared line by line
and then word by word inside a changed line, so a one-word edit in a long paragraph shows as that word; short fields
are compared word by word as a whole, shown as the text before and the text now. The diffs are the shared ones
(:mod:`lms.text_diff`).
"""

from __future__ import annotations

from dataclasses import dataclass

from lms.text_diff import Line, Piece, fold, line_diff, word_diff


@dataclass(frozen=True)
class SourceChange:
    """How a source text changed. Markdown has ``lines``; short fields have ``before`` (the old text, removed words
    marked) and ``after`` (the new text, added words marked). ``is_available`` is False when the old text was not
    kept (translations saved before the editor kept it), and then nothing else is set."""

    is_available: bool
    lines: tuple[Line, ...] = ()
    before: tuple[Piece, ...] = ()
    after: tuple[Piece, ...] = ()


def describe_change(previous: str | None, current: str, by_line: bool) -> SourceChange:
    """The change from ``previous`` (None when unknown) to ``current``: a line diff when ``by_line`` (Markdown),
    else the text before and now with the changed words marked."""
    if previous is None:
        return SourceChange(is_available=False)
    if by_line:
        return SourceChange(True, lines=tuple(fold(line_diff(previous, current))))
    before, after = word_diff(previous, current)
    return SourceChange(True, before=before, after=after)
