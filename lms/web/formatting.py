"""Locale-aware display of durations and money (integers in storage, Babel on screen)."""

from __future__ import annotations

from flask_babel import format_currency, format_decimal

from lms.i18n import ngettext


def format_minutes(minutes: int | None) -> str:
    """``95`` → ``1 h 35 min`` style text in the viewer's language."""
    minutes = int(minutes or 0)
    hours, rest = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(ngettext("%(count)s hour", "%(count)s hours", hours, count=format_decimal(hours)))
    if rest or not hours:
        parts.append(ngettext("%(num)s minute", "%(num)s minutes", rest))
    return " ".join(parts)


def format_money(cents: int | None, currency: str = "USD") -> str:
    return format_currency((cents or 0) / 100, currency)
