"""Locale-aware display of durations and money (integers in storage, Babel on screen)."""

from __future__ import annotations

from flask_babel import format_currency, format_decimal

from lms.i18n import ngettext


def format_minutes(minutes: int | None) -> str:
    """``95`` → ``1 hour 35 minutes`` in the viewer's language; a negative correction keeps its sign in front."""
    minutes = int(minutes or 0)
    sign = "−" if minutes < 0 else ""
    hours, rest = divmod(abs(minutes), 60)
    parts = []
    if hours:
        parts.append(ngettext("%(count)s hour", "%(count)s hours", hours, count=format_decimal(hours)))
    if rest or not hours:
        parts.append(ngettext("%(num)s minute", "%(num)s minutes", rest))
    return sign + " ".join(parts)


def format_money(cents: int | None, currency: str = "USD") -> str:
    return format_currency((cents or 0) / 100, currency)
