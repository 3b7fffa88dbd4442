"""Dates in the API, read one way everywhere (docs/api.md, "Dates"): ``YYYY-MM-DD`` and nothing else, within the days
this site supports (:data:`lms.hours.periods.EARLIEST_DAY` to ``LATEST_DAY``).

``date.fromisoformat`` (Python 3.11) also reads ``20261120`` and ``2026-W47-1``, which the documents never promised,
and a real day such as ``9999-12-31`` once overflowed in pay-period arithmetic (a 500). A query parameter outside the
supported days is told so, the same words at every endpoint (400 ``invalid_date``); a pay period that runs past them
is never offered.
"""

from __future__ import annotations

import re
from datetime import date

from flask import request

from lms.api.query_args import InvalidParameter
from lms.errors import DomainError
from lms.hours.export import check_period
from lms.hours.pay_calendar import pay_calendar
from lms.hours.periods import EARLIEST_DAY, LATEST_DAY
from lms.i18n import _
from lms.orgs.models import Organisation

_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class InvalidDate(DomainError):
    """A date query parameter that is not YYYY-MM-DD or not a supported day; ``parameter`` names it."""

    code = "invalid_date"
    public_details = ("parameter",)


def strict_date(text: object) -> date | None:
    """``YYYY-MM-DD`` (ASCII digits) to a real date, any year; None for anything else."""
    if not isinstance(text, str) or not _ISO_DAY.fullmatch(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def supported(day: date) -> bool:
    return EARLIEST_DAY <= day <= LATEST_DAY


def outside_message(name: str) -> str:
    # i18n: %(name)s is the query parameter (start, end, paid_period, from, to); the dates are in ISO 8601.
    return _("%(name)s is outside the dates this site supports: give a date from %(earliest)s to %(latest)s.",
             name=name, earliest=EARLIEST_DAY.isoformat(), latest=LATEST_DAY.isoformat())


def date_arg(name: str, malformed: str | None = None) -> date | None:
    """The query parameter ``name`` as a supported day; None when absent or empty. 400 ``invalid_date``: with
    ``malformed`` (default: "<name> must be a date (YYYY-MM-DD).") when it is not YYYY-MM-DD, with the supported
    range when it is a day outside it."""
    text = request.args.get(name)
    if not text:
        return None
    day = strict_date(text)
    if day is None:
        raise InvalidDate(malformed or _("%(name)s must be a date (YYYY-MM-DD).", name=name), parameter=name)
    if not supported(day):
        raise InvalidDate(outside_message(name), parameter=name)
    return day


def refuse_reversed(first_name: str, first: date | None, last_name: str, last: date | None) -> None:
    """400 ``invalid_parameter`` naming ``last_name`` when the range ends before it starts: it holds no day, and an
    empty list would read as "nothing there" rather than as a mistake."""
    if first is not None and last is not None and last < first:
        # i18n: %(last_name)s and %(first_name)s are query parameters (to and from, until and from); keep them as
        # they are. The dates are in ISO 8601.
        raise InvalidParameter(_("%(last_name)s (%(last)s) is before %(first_name)s (%(first)s): give a range that "
                                 "ends on or after the day it starts.", last_name=last_name, last=last.isoformat(),
                                 first_name=first_name, first=first.isoformat()), parameter=last_name)


def checked_period(org: Organisation, name: str, start: date, end: date | None = None) -> tuple[date, date]:
    """:func:`lms.hours.export.check_period`, refusing first a period that runs past the supported days (it could
    not be asked for, so it is not offered)."""
    first, last = pay_calendar(org).period(start)
    if not (supported(first) and supported(last)):
        # i18n: %(name)s is the query parameter (start, paid_period); all dates are in ISO 8601 (1900-01-01).
        raise InvalidDate(_("The pay period holding %(name)s (%(start)s to %(end)s) runs outside the dates this site "
                            "supports, %(earliest)s to %(latest)s: choose another period.", name=name,
                            start=first.isoformat(), end=last.isoformat(), earliest=EARLIEST_DAY.isoformat(),
                            latest=LATEST_DAY.isoformat()), parameter=name)
    return check_period(org, start, end)
