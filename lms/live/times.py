"""Wall-clock times of live sessions: local date and time in a zone ↔ UTC, and locale-aware display in any zone.

Sessions are planned in local time ("Tuesdays at 6 pm in Fresno") and stored in UTC. Display always names the zone,
so a trainee reading in another zone is never unsure which 6 pm is meant.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_time, get_timezone_name


class NonexistentTime(ValueError):
    """The local time does not exist on that day (the clocks jump forward over it)."""


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def local_to_utc(day: date, at: time, tz: str, strict: bool = True) -> datetime:
    """The UTC instant of ``day`` at ``at`` in zone ``tz``. An ambiguous time (clocks going back) is the first one;
    a time skipped by daylight saving raises :class:`NonexistentTime` when ``strict``."""
    naive = datetime.combine(day, at)
    local = naive.replace(tzinfo=zone(tz))
    instant = local.astimezone(UTC)
    if strict and instant.astimezone(local.tzinfo).replace(tzinfo=None) != naive:
        raise NonexistentTime(naive.isoformat())
    return instant


def add_wall_minutes(day: date, at: time, minutes: int, tz: str) -> datetime:
    """UTC end of a session that starts at ``day``/``at`` local time and lasts ``minutes`` on the wall clock."""
    local = datetime.combine(day, at) + timedelta(minutes=minutes)
    return local.replace(tzinfo=zone(tz)).astimezone(UTC)


def to_zone(value: datetime, tz: str) -> datetime:
    return value.astimezone(zone(tz))


def babel_locale(code: str | None) -> Locale:
    try:
        return Locale.parse((code or "en").replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en")


def when_text(starts_at: datetime, ends_at: datetime, tz: str, locale: str | None) -> str:
    """``Thursday, October 29, 2026 · 6:00 PM - 8:00 PM PDT`` (en dash) in ``locale``, in zone ``tz``."""
    loc = babel_locale(locale)
    start, end = to_zone(starts_at, tz), to_zone(ends_at, tz)
    day = format_date(start.date(), "full", locale=loc)
    first = format_time(start, "short", tzinfo=start.tzinfo, locale=loc)
    last = format_time(end, "short", tzinfo=end.tzinfo, locale=loc)
    if end.date() != start.date():
        last = format_date(end.date(), "medium", locale=loc) + " " + last
    return f"{day} · {first} – {last} {get_timezone_name(start, 'short', locale=loc)}"


def instant_text(value: datetime, tz: str, locale: str | None) -> str:
    """One instant (a registration deadline), with its zone."""
    loc = babel_locale(locale)
    local = to_zone(value, tz)
    return (format_date(local.date(), "medium", locale=loc) + " " + format_time(local, "short", tzinfo=local.tzinfo,
                                                                               locale=loc)
            + " " + get_timezone_name(local, "short", locale=loc))


def iso_utc(value: datetime | None) -> str | None:
    """ISO 8601 in UTC with a ``Z`` (the API's format)."""
    if value is None:
        return None
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def language_name(code: str, in_locale: str | None) -> str:
    """``es`` → ``Spanish`` / ``español``, in ``in_locale``; the code itself if Babel does not know it."""
    try:
        return (Locale.parse(code.replace("-", "_")).get_display_name(babel_locale(in_locale)) or code).capitalize()
    except (UnknownLocaleError, ValueError):
        return code
