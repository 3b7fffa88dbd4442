"""A link whose words are only invisible characters (a zero-width space, a soft hyphen, a no-break space) is an empty
link to a screen reader, as ``[](https://…)`` is: it shows its address too (lms/catalog/markdown.py)."""

from __future__ import annotations

import pytest

from lms.catalog.markdown import render_markdown


@pytest.mark.parametrize("words", ["\u200b", "\u00ad", "\u00a0", "\u200d\u2060", " \ufeff "])
def test_a_link_of_invisible_words_shows_its_address(words):
    html = render_markdown(f"[{words}](https://example.org/a)")
    assert "https://example.org/a</a>" in html


@pytest.mark.parametrize("words", ["é", "·", "`x`", "![a map](https://example.org/m.png)"])
def test_a_link_with_visible_words_keeps_them_alone(words):
    html = render_markdown(f"[{words}](https://example.org/a)")
    assert "https://example.org/a</a>" not in html
