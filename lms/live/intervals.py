"""Attended time as the union of intervals clipped to a session window: pure functions, no database.

A person's intervals come from check-in codes, the Join button, meeting reports and the trainer; they overlap and
repeat (a rejoin, a report imported twice, a check-in plus a Join click). Counting the *union* means no minute is ever
counted twice, and clipping to the session window means time in the lobby before the start or after the end does not
count. All times are UTC-aware, so daylight-saving changes cannot distort a duration.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

#: One stretch of presence: (joined, left); ``left`` is None while the person is still there.
Span = tuple[datetime, datetime | None]


def clip(spans: Iterable[Span], start: datetime, end: datetime, now: datetime | None = None) -> list[tuple[datetime, datetime]]:
    """Each span cut to ``[start, end]``; an open span runs until ``now`` (or ``end`` when ``now`` is None).
    Spans that fall outside the window, or are empty, are dropped."""
    stop = end if now is None else min(now, end)
    result = []
    for joined, left in spans:
        left = stop if left is None else min(left, end)
        joined = max(joined, start)
        if left > joined:
            result.append((joined, left))
    return result


def merge(spans: Iterable[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    """The union of closed spans as sorted, disjoint spans (touching spans join into one)."""
    merged: list[tuple[datetime, datetime]] = []
    for joined, left in sorted(spans):
        if merged and joined <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], left))
        else:
            merged.append((joined, left))
    return merged


def attended_seconds(spans: Iterable[Span], start: datetime, end: datetime, now: datetime | None = None) -> int:
    """Whole seconds of the union of ``spans`` inside the session window."""
    return sum(int((left - joined).total_seconds()) for joined, left in merge(clip(spans, start, end, now)))


def attended_minutes(spans: Iterable[Span], start: datetime, end: datetime, now: datetime | None = None) -> int:
    """Whole minutes attended (rounded down: a minute counts once it is complete)."""
    return attended_seconds(spans, start, end, now) // 60


def window_seconds(start: datetime, end: datetime) -> int:
    return max(int((end - start).total_seconds()), 0)


def share_percent(seconds: int, start: datetime, end: datetime) -> int:
    """The attended share of the session, in whole percent (rounded down; 0 for an empty window)."""
    total = window_seconds(start, end)
    return 100 * seconds // total if total else 0


def reaches_share(seconds: int, start: datetime, end: datetime, min_share_percent: int) -> bool:
    """True when ``seconds`` is at least ``min_share_percent`` of the window (exact integer arithmetic)."""
    total = window_seconds(start, end)
    return total > 0 and seconds > 0 and 100 * seconds >= min_share_percent * total
