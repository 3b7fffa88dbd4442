"""Dates typed into the address of the managers' hours pages (``?start=``, ``?on=``, ``?from=``, ``?to=``).

A page that can still show something useful without the date (the current pay period, today's standing, the queue
without that filter) shows it, with a message saying what was wrong with the date and what is shown instead; a
download, which has no page to say it on, is refused with a 400 page saying why (:class:`BadDay`). Nothing is
silently read as another day.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date

from flask import request

from lms.errors import DomainError
from lms.hours.periods import EARLIEST_DAY, LATEST_DAY, parse_day
from lms.i18n import _

_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


class BadDay(DomainError):
    code = "invalid_date"


def day_problem(value: str) -> str:
    """Why ``value`` (not read by :func:`lms.hours.periods.parse_day`) is not a day a page can show."""
    text = value.strip()[:40]
    try:
        day = date.fromisoformat(text) if _ISO_DAY.fullmatch(text) else None
    except ValueError:
        # i18n: a date typed in the address that has no day in the calendar, e.g. 2026-02-30 or 2026-13-01.
        return _("There is no day %(value)s in the calendar.", value=text)
    if day is not None:
        return _("%(value)s is outside the dates this site can show (%(first)s to %(last)s).", value=text,
                 first=EARLIEST_DAY.isoformat(), last=LATEST_DAY.isoformat())
    # i18n: keep YYYY-MM-DD and the example date as they are: it is how the address writes dates.
    return _("“%(value)s” is not a date: write it as YYYY-MM-DD, for example 2026-03-09.", value=text)


def day_arg(name: str, args: Mapping[str, str] | None = None) -> tuple[date | None, str | None]:
    """The day given as ``?<name>=`` (or in ``args``) and, when one was given that is not a day, why (the day is
    then None)."""
    value = (request.args if args is None else args).get(name)
    if not value:
        return None, None
    day = parse_day(value.strip())
    return (day, None) if day is not None else (None, day_problem(value))


def required_day_arg(name: str) -> date | None:
    """The day of ``?<name>=`` for a download (None when not given); one that is not a day is a 400 saying why."""
    day, problem = day_arg(name)
    if problem:
        raise BadDay(problem, parameter=name)
    return day
