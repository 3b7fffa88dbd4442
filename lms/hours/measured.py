"""Measured time against credited time: which entries a manager should look at before approving.

A self-paced module is paid at the minutes its author credits, once the trainee completes it; the entry also keeps the
time the trainee actually spent on its lessons (``measured_minutes``). People read at different speeds, so measured
time well below the credit is normal; **under a quarter** of it means most lessons were marked complete without being
read (a 1 h 40 min module done in 0 minutes). Such entries are flagged in the managers' queue and on the entry's page,
and the queue can show only them. The flag is advice to the manager: it changes neither how entries are created nor
how they are paid.

Only entries whose measured time measures the same thing as their minutes are compared: not adjustments, whose
minutes are a difference (a corrected attendance stores the new attended total as its measured time).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_

from lms.hours.models import EntrySource, HoursEntry

#: An entry is flagged when its measured minutes are under this percentage of its credited minutes.
LOW_MEASURED_PERCENT = 25


def is_low_measured(entry: Any) -> bool:
    """True when ``entry`` has a measured time under :data:`LOW_MEASURED_PERCENT` of its credited minutes."""
    return (
        entry.source is not EntrySource.ADJUSTMENT
        and entry.measured_minutes is not None
        and entry.minutes > 0
        and entry.measured_minutes * 100 < entry.minutes * LOW_MEASURED_PERCENT
    )


def low_measured_clause() -> ColumnElement[bool]:
    """:func:`is_low_measured` as a SQL condition (integer arithmetic, the same on SQLite and PostgreSQL)."""
    return and_(
        HoursEntry.source != EntrySource.ADJUSTMENT,
        HoursEntry.measured_minutes.is_not(None),
        HoursEntry.minutes > 0,
        HoursEntry.measured_minutes * 100 < HoursEntry.minutes * LOW_MEASURED_PERCENT,
    )
