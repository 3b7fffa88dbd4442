"""Attended time is the union of intervals clipped to the session window (pure functions, no app needed)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from lms.live.intervals import attended_minutes, attended_seconds, clip, merge, reaches_share, share_percent

START = datetime(2026, 10, 6, 18, 0, tzinfo=ZoneInfo("America/Los_Angeles")).astimezone(UTC)
END = START + timedelta(hours=2)


def at(minutes: float) -> datetime:
    """A time ``minutes`` after the session starts (negative: before)."""
    return START + timedelta(minutes=minutes)


def minutes_of(*spans) -> int:
    return attended_minutes([(at(a), None if b is None else at(b)) for a, b in spans], START, END, now=None)


def test_one_interval_inside_the_window():
    assert minutes_of((10, 70)) == 60


def test_overlapping_intervals_count_once():
    assert minutes_of((0, 60), (30, 90)) == 90


def test_a_contained_interval_adds_nothing():
    assert minutes_of((0, 120), (30, 40)) == 120
    assert minutes_of((30, 40), (0, 120)) == 120


def test_adjacent_intervals_join_without_a_gap_or_double_count():
    assert minutes_of((0, 30), (30, 60)) == 60
    assert merge([(at(0), at(30)), (at(30), at(60))]) == [(at(0), at(60))]


def test_rejoins_with_gaps_add_up():
    assert minutes_of((0, 20), (25, 45), (100, 130)) == 20 + 20 + 20


def test_time_before_the_start_and_after_the_end_is_clipped():
    assert minutes_of((-30, 30)) == 30
    assert minutes_of((90, 200)) == 30
    assert minutes_of((-60, 300)) == 120


def test_intervals_entirely_outside_the_window_count_nothing():
    assert minutes_of((-90, -10), (130, 200)) == 0
    assert clip([(at(-90), at(-10)), (at(130), at(200))], START, END) == []
    assert minutes_of((-30, 0), (120, 150)) == 0  # touching the window from outside


def test_an_open_interval_counts_until_now_or_the_end():
    spans = [(at(10), None)]
    assert attended_minutes(spans, START, END, now=at(40)) == 30
    assert attended_minutes(spans, START, END, now=at(500)) == 110
    assert attended_minutes(spans, START, END, now=None) == 110
    assert attended_minutes(spans, START, END, now=at(5)) == 0  # "now" before the person arrived


def test_an_open_interval_overlapping_a_closed_one():
    assert attended_minutes([(at(0), at(60)), (at(30), None)], START, END, now=at(90)) == 90


def test_empty_and_zero_length_and_backwards_intervals():
    assert minutes_of() == 0
    assert minutes_of((30, 30)) == 0
    assert attended_seconds([(at(50), at(40))], START, END) == 0


def test_order_of_intervals_does_not_matter():
    spans = [(at(100), at(110)), (at(0), at(10)), (at(5), at(20))]
    assert attended_minutes(spans, START, END) == attended_minutes(list(reversed(spans)), START, END) == 30


def test_minutes_round_down_to_complete_minutes():
    assert attended_seconds([(START, START + timedelta(seconds=119))], START, END) == 119
    assert attended_minutes([(START, START + timedelta(seconds=119))], START, END) == 1


def test_daylight_saving_change_does_not_distort_durations():
    """1 November 2026: Los Angeles clocks go back at 2:00. A session from 1:00 to 3:00 local lasts 3 real hours."""
    zone = ZoneInfo("America/Los_Angeles")
    start = datetime(2026, 11, 1, 1, 0, tzinfo=zone).astimezone(UTC)
    end = datetime(2026, 11, 1, 3, 0, tzinfo=zone).astimezone(UTC)
    assert end - start == timedelta(hours=3)
    assert attended_minutes([(start, end)], start, end) == 180
    assert share_percent(90 * 60, start, end) == 50


def test_share_and_threshold_use_exact_integer_arithmetic():
    assert share_percent(90 * 60, START, END) == 75
    assert reaches_share(90 * 60, START, END, 75)
    assert not reaches_share(90 * 60 - 1, START, END, 75)
    assert reaches_share(120 * 60, START, END, 100)
    assert not reaches_share(0, START, END, 0)  # nobody completes a session they never attended
    assert not reaches_share(60, START, START, 50)  # an empty window
    assert share_percent(60, START, START) == 0


@pytest.mark.parametrize(("spans", "expected"), [
    ([(0, 10), (10, 20), (20, 30)], [(0, 30)]),
    ([(0, 10), (15, 20)], [(0, 10), (15, 20)]),
    ([(0, 50), (10, 20), (30, 40)], [(0, 50)]),
    ([(20, 30), (0, 25)], [(0, 30)]),
])
def test_merge_gives_sorted_disjoint_spans(spans, expected):
    assert merge([(at(a), at(b)) for a, b in spans]) == [(at(a), at(b)) for a, b in expected]
