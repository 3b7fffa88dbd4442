"""The calendar days a certificate states: days on the trainee's calendar, worked out once at issue time.

A certificate's started, completed, issued and "valid until" days are the days where the trainee is: their own time
zone, or ``LMS_DEFAULT_TIMEZONE`` when they have not chosen one. (It starts on the earliest day of the training it
counts, :func:`lms.certificates.training.first_day`, never after it ends.) That is the rule the hours ledger uses, so both name
the same day for a completion late in the evening. The days are frozen in the snapshot; the instants (``issued_at``,
``expires_at``) stay in UTC for the signed credential.

The course page and the home page ("You completed this course on ...", "completed ...") name the day the certificate
states (:func:`completion_day`): a trainee who moves to another time zone afterwards, or whose certificate was issued
by hand with a stated day, reads the same day everywhere. Without a certificate they name the day on the trainee's
calendar now, which is what a certificate issued now would state.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import format_date

from lms.certificates.models import Certificate
from lms.db import utcnow
from lms.i18n import _

#: The earliest day a certificate issued by hand may state as the completion of its training (as the hours ledger).
EARLIEST_COMPLETION = date(2000, 1, 1)


def holder_zone(user: Any) -> ZoneInfo:
    """The time zone whose calendar a trainee's certificate uses."""
    return ZoneInfo(getattr(user, "timezone", None) or current_app.config["LMS_DEFAULT_TIMEZONE"])


def local_day(moment: datetime, zone: ZoneInfo) -> date:
    """The day ``moment`` (an aware instant) falls on in ``zone``."""
    return moment.astimezone(zone).date()


def end_of_day(day: date, zone: ZoneInfo) -> datetime:
    """The instant ``day`` ends in ``zone`` (the first moment of the next day there), in UTC: a certificate "valid
    until" a day is valid through all of it on the trainee's calendar, not until the minute of the day it was
    issued. Midnight is read as the clocks show it that night (on a 23- or 25-hour day as well)."""
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone).astimezone(UTC)


def completed_on(cert: Certificate) -> date | None:
    """The completion day a certificate states (frozen in its snapshot), or None if its snapshot has none."""
    frozen = (cert.snapshot or {}).get("completed_on")
    return date.fromisoformat(frozen) if frozen else None


def completion_day(user: Any, completed_at: datetime, cert: Certificate | None = None) -> date:
    """The day ``user`` completed a course, as their certificate ``cert`` of it names it; without one (or without a
    stated day), the day ``completed_at`` falls on in the trainee's zone (:func:`holder_zone`)."""
    stated = completed_on(cert) if cert is not None else None
    return stated or local_day(completed_at, holder_zone(user))


def expires_on(cert: Certificate) -> date | None:
    """The day a certificate expires, as printed ("Valid until ..."), or None when it never expires.

    Certificates issued since the days became local carry it in their snapshot (``expires_on``). Older ones stated UTC
    days throughout, so their expiry stays the UTC day of ``expires_at``, as it was always shown beside their frozen
    issue day: an issued certificate never changes what it says.
    """
    if cert.expires_at is None:
        return None
    frozen = (cert.snapshot or {}).get("expires_on")
    return date.fromisoformat(frozen) if frozen else cert.expires_at.date()


def revoked_on(cert: Certificate) -> date | None:
    """The day a certificate was revoked, on the calendar its days use (the zone frozen in its snapshot; the default
    zone for certificates issued before the zone was recorded)."""
    if cert.revoked_at is None:
        return None
    zone = (cert.snapshot or {}).get("time_zone") or current_app.config["LMS_DEFAULT_TIMEZONE"]
    revoked_at = cert.revoked_at if cert.revoked_at.tzinfo else cert.revoked_at.replace(tzinfo=UTC)
    return local_day(revoked_at, ZoneInfo(zone))


def completed_day_problem(day: date, user: Any) -> str | None:
    """Why a certificate may not state this day of completion (None when it may): not after today on the trainee's
    calendar, and not before the earliest date the LMS records training for."""
    if day > local_day(utcnow(), holder_zone(user)):
        return _("The training cannot have been completed after today.")
    if day < EARLIEST_COMPLETION:
        return _("Enter a date on or after %(date)s.", date=format_date(EARLIEST_COMPLETION, "long"))
    return None
