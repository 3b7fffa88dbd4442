"""Locale-aware display of durations and money (integers in storage, Babel on screen)."""

from __future__ import annotations

from functools import lru_cache

from babel import numbers
from flask_babel import format_currency, get_locale

from lms.i18n import ngettext


def format_minutes(minutes: int | None) -> str:
    """``95`` → ``1 hour 35 minutes`` in the viewer's language; a negative correction keeps its sign in front."""
    minutes = int(minutes or 0)
    sign = "−" if minutes < 0 else ""
    hours, rest = divmod(abs(minutes), 60)
    parts = []
    if hours:
        parts.append(ngettext("%(count)s hour", "%(count)s hours", hours, count=_whole_number(hours, str(get_locale()))))
    if rest or not hours:
        parts.append(ngettext("%(num)s minute", "%(num)s minutes", rest))
    return sign + " ".join(parts)


@lru_cache(maxsize=2048)
def _whole_number(number: int, locale: str) -> str:
    """``1234`` → ``1,234`` (``1.234``, ...) once per process for each number and locale."""
    return numbers.format_decimal(number, locale=locale)


def format_money(cents: int | None, currency: str = "USD") -> str:
    return format_currency((cents or 0) / 100, currency)
