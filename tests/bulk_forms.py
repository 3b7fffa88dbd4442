"""What the browser sends from a bulk form (lms/web/bulk.py): each ticked record's own checkbox, and the ids of the
records the page listed (by default, the ticked ones)."""

from __future__ import annotations

import re
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


def listed_ids(page: str) -> list[int]:
    """The ids a bulk form's hidden ``listed`` field carries, as the page was served."""
    return [int(i) for i in re.search(r'name="listed" value="([^"]*)"', page).group(1).split()]


def entry_statuses(entries: Iterable[Any]) -> list[Any]:
    """The hours entries' statuses as stored now (the session's copies expired first)."""
    from lms import db
    from lms.hours.models import HoursEntry

    db.session.expire_all()
    return [db.session.get(HoursEntry, e.id).status for e in entries]
