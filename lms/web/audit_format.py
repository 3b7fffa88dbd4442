"""Value formatters shared by the audit log's areas (:mod:`lms.web.audit_display`): a stored value in the reader's
language and locale."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from babel.numbers import format_decimal

from lms.i18n import _l, current_locale, format_when


def titled(enum: Any) -> Callable[[Any], str]:
    return lambda value: enum(value).title


def on_date(value: Any) -> str:
    return format_when(date.fromisoformat(value))


def moment(value: Any) -> str:
    return format_when(datetime.fromisoformat(value))


def number(value: Any) -> str:
    return format_decimal(int(value), locale=current_locale())


def yes_no(value: Any) -> str:
    return str(_l("Yes") if value else _l("No"))


def words(titles: dict[str, Any]) -> Callable[[Any], str]:
    """A code, or a list of codes, in words (a code the log has no word for as stored)."""
    def fmt(value: Any) -> str:
        return ", ".join(str(titles.get(item, item)) for item in (value if isinstance(value, list) else [value]))
    return fmt
