"""What the browser sends from a bulk form (lms/web/bulk.py): each ticked record's own checkbox, and the ids of the
records the page listed (by default, the ticked ones)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def ticks(prefix: str, ticked: Iterable[Any], listed: Iterable[Any] | None = None) -> dict[str, str]:
    """Form fields ticking ``ticked`` (ids, as ints or strings) on a page that listed ``listed``."""
    ticked = [str(i) for i in ticked]
    shown = ticked if listed is None else [str(i) for i in listed]
    return {"listed": " ".join(shown), **{f"{prefix}-{i}": i for i in ticked}}


def entries(*ticked: Any, listed: Iterable[Any] | None = None) -> dict[str, str]:
    """The approval queue's form (``entry-<id>`` checkboxes)."""
    return ticks("entry", ticked, listed)


def people(*ticked: Any, listed: Iterable[Any] | None = None) -> dict[str, str]:
    """The staff enrolment form (``user-<id>`` checkboxes)."""
    return ticks("user", ticked, listed)
