"""Error summaries that take the reader to them: the first one on a page is focused when it opens, and the page's
title starts with "Error:" (WCAG 2.2: 3.3.1, 2.4.2, 2.4.3).

A form sent with mistakes comes back as the same page, and a reader of a long page would otherwise see nothing change
on the first screen, with focus back at the top. No JavaScript is needed: the summary is a ``tabindex="-1"`` box with
the ``autofocus`` attribute, so the browser moves focus (and the view) to it when the page loads. A page whose form is
sent to a fragment (``action="...#queue-problems"``) gets there through the fragment instead: browsers skip autofocus
when the address names a place on the page.

Templates call :func:`error_summary_attrs` inside each summary's opening tag; ``base.html`` renders the page's content
before its ``<title>`` and asks :func:`page_shows_errors`. A box that is no error but that the page shows in answer to
what was sent, and that must be read before anything else (a confirmation asked for, such as the roster's later start
dates), takes the focus the same way through :func:`focus_box_attrs`, without the "Error:" title. Only one box of a
page takes the focus: the first that asks for it.
"""

from __future__ import annotations

from flask import g
from markupsafe import Markup, escape

_COUNT = "_lms_error_summaries"
_FOCUSED = "_lms_focus_taken"


def error_summary_attrs(summary_id: str | None = None) -> Markup:
    """The attributes of an error summary's box: an id (``summary_id``, else ``error-summary``, ``error-summary-2``
    ...), ``tabindex="-1"`` so it can take focus, and ``autofocus`` on the first summary of the page only (unless a
    box before it took the focus)."""
    count = g.get(_COUNT, 0) + 1
    setattr(g, _COUNT, count)
    box_id = summary_id or ("error-summary" if count == 1 else f"error-summary-{count}")
    return Markup('id="%s" tabindex="-1"') % escape(box_id) + _autofocus_once()


def focus_box_attrs() -> Markup:
    """The attributes of a box that is not an error but must be read first (a confirmation the page asks for):
    ``tabindex="-1"``, and ``autofocus`` unless a box before it took the focus. The page's title stays as it is."""
    return Markup('tabindex="-1"') + _autofocus_once()


def _autofocus_once() -> Markup:
    if g.get(_FOCUSED):
        return Markup("")
    setattr(g, _FOCUSED, True)
    return Markup(" autofocus")


def page_shows_errors() -> bool:
    """Whether the page rendered so far shows an error summary (its title then starts with "Error:")."""
    return bool(g.get(_COUNT, 0))
