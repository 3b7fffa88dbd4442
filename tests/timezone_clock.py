"""A frozen clock for the time-zone boundary tests: every ``lms`` module's ``utcnow`` (the one clock the services read,
:func:`lms.db.utcnow`) answers one chosen instant, the way the suite freezes it module by module
(``monkeypatch.setattr(module, "utcnow", ...)``), for all of them at once."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from lms import db as lms_db

REAL_UTCNOW = lms_db.utcnow


class Clock:
    """``clock.set(datetime(...))`` moves the frozen time; ``clock.now`` reads it."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def set(self, now: datetime) -> None:
        assert now.tzinfo is not None, "an aware instant"
        self.now = now.astimezone(UTC)

    def __call__(self) -> datetime:
        return self.now


def freeze(monkeypatch: pytest.MonkeyPatch, now: datetime) -> Clock:
    clock = Clock(now)
    for name, module in list(sys.modules.items()):
        if (name == "lms" or name.startswith(("lms.", "tests."))) and getattr(module, "utcnow", None) is REAL_UTCNOW:
            monkeypatch.setattr(module, "utcnow", clock)
    return clock


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


Freezer = Callable[[datetime], Clock]
