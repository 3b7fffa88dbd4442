"""Wall-clock times of live sessions: local date and time in a zone ↔ UTC, and locale-aware display in any zone.

Sessions are planned in local time ("Tuesdays at 6 pm in Fresno") and stored in UTC. Display always names the zone,
so a trainee reading in another zone is never unsure which 6 pm is meant.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_time, get_datetime_format, get_timezone_name

from lms.i18n import _, format_when, language_name_in


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


def wall_to_utc(naive: datetime, tz: ZoneInfo, after: datetime | None = None) -> datetime:
    """A wall-clock time of zone ``tz`` as a UTC instant. A time that happens twice (the hour the clocks go back) is
    the first one, unless that is before ``after`` (a leave time after its join time) and the second is not: a
    person who joined at 1:50 and left at 1:10 that night left at the second 1:10, an hour later than the first.
    A time that never happens (the hour the clocks skip) raises :class:`NonexistentTime`: read as the hour after,
    it would put on record a time nobody typed."""
    first = naive.replace(tzinfo=tz, fold=0).astimezone(UTC)
    if first.astimezone(tz).replace(tzinfo=None) != naive.replace(tzinfo=None, fold=0):
        raise NonexistentTime(naive.isoformat())
    if after is not None and first < after:
        second = naive.replace(tzinfo=tz, fold=1).astimezone(UTC)
        if second >= after:
            return second
    return first


def nonexistent_message(naive: datetime) -> str:
    """What a form says of a typed time the clocks skip, as scheduling says it (:func:`lms.live.plans._instant`)."""
    # i18n: %(date)s is a day in words ("March 8, 2026"), %(time)s the time as typed ("02:30").
    return _(
        "%(date)s at %(time)s does not exist in that time zone (the clocks change that night). Choose another time.",
        date=format_when(naive.date(), "long"),
        time=naive.strftime("%H:%M"),
    )


def to_zone(value: datetime, tz: str) -> datetime:
    return value.astimezone(zone(tz))


def babel_locale(code: str | None) -> Locale:
    try:
        return Locale.parse((code or "en").replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en")


def when_text(starts_at: datetime, ends_at: datetime, tz: str, locale: str | None) -> str:
    """``Thursday, October 29, 2026 · 6:00 PM - 8:00 PM PDT`` (en dash) in ``locale``, in zone ``tz``. When the
    clocks change during the session, start and end each name their own zone: ``1:30 AM PST - 4:30 AM PDT``.
    A session that ends on another day gives both ends the same form, full date and time joined the locale's way:
    ``Saturday, December 5, 2026, 9:00 PM - Sunday, December 6, 2026, 12:00 AM PST``."""
    loc = babel_locale(locale)
    start, end = to_zone(starts_at, tz), to_zone(ends_at, tz)
    first = format_time(start, "short", tzinfo=start.tzinfo, locale=loc)
    last = format_time(end, "short", tzinfo=end.tzinfo, locale=loc)
    first_zone, last_zone = zone_abbreviation(start, loc), zone_abbreviation(end, loc)
    if end.date() != start.date():
        first, last = _date_and_time(start, "full", loc), _date_and_time(end, "full", loc)
        if first_zone != last_zone:
            return f"{first} {first_zone} – {last} {last_zone}"
        return f"{first} – {last} {last_zone}"
    day = format_date(start.date(), "full", locale=loc)
    if first_zone != last_zone:
        return f"{day} · {first} {first_zone} – {last} {last_zone}"
    return f"{day} · {first} – {last} {last_zone}"


def _date_and_time(local: datetime, date_format: str, loc: Locale) -> str:
    """The date in ``date_format`` and the short time of ``local``, joined by the locale's pattern for that width
    ("Dec 5, 2026, 9:30 PM"; "5 dic 2026, 9:30 p.m."), as :func:`lms.i18n.format_when` joins them."""
    return (
        get_datetime_format(date_format, locale=loc)
        .replace("{1}", format_date(local.date(), date_format, locale=loc))
        .replace("{0}", format_time(local, "short", tzinfo=local.tzinfo, locale=loc))
    )


def zone_abbreviation(local: datetime, loc: Locale) -> str:
    """``PST`` or ``PDT`` (whichever is in force at that instant), or an offset where the locale has no name."""
    return get_timezone_name(local, "short", locale=loc)


def clock_text(value: datetime, tz: str, locale: str | None) -> str:
    """A time of day with its zone: ``9:45 AM PST``."""
    loc = babel_locale(locale)
    local = to_zone(value, tz)
    return format_time(local, "short", tzinfo=local.tzinfo, locale=loc) + " " + zone_abbreviation(local, loc)


def one_day(start: datetime, end: datetime, tz: str) -> date | None:
    """The local day of zone ``tz`` that ``start`` to ``end`` (a session, or its check-in window) falls within, or
    None when it crosses midnight: then every time of it shown names its day, both ends of a range alike, never
    "from 11:24 PM to Dec 7, 2:54 AM" (pass the result as ``first_day``)."""
    first = to_zone(start, tz).date()
    return first if to_zone(end, tz).date() == first else None


def wall_clock_text(value: datetime, tz: str, locale: str | None, first_day: date | None) -> str:
    """A time on the wall clock of zone ``tz`` without the zone (``9:45 AM``), with the day before it when that is
    not ``first_day`` (a session's own day; None: always, see :func:`one_day`)."""
    loc = babel_locale(locale)
    local = to_zone(value, tz)
    if first_day is None or local.date() != first_day:
        return _date_and_time(local, "medium", loc)
    return format_time(local, "short", tzinfo=local.tzinfo, locale=loc)


def zoned_clock_text(value: datetime, tz: str, locale: str | None, first_day: date | None) -> str:
    """:func:`wall_clock_text` with the zone named: ``9:45 AM PST``, or ``Dec 9, 2026, 12:05 AM PST`` when the day
    is not ``first_day``."""
    return wall_clock_text(value, tz, locale, first_day) + " " + zone_abbreviation(to_zone(value, tz), babel_locale(locale))


def day_text(value: datetime, tz: str, locale: str | None, now: datetime) -> str:
    """A day in words, weekday and year included: ``Tuesday, December 8, 2026`` (``martes, 8 de diciembre de
    2026``). Not abbreviated: inside a sentence "del mar, 8 de dic" reads as "of the sea" in Spanish. (``now`` is
    kept for callers; the full form names the year whatever it is.)"""
    return format_date(to_zone(value, tz).date(), "full", locale=babel_locale(locale))


def is_same_day(value: datetime, now: datetime, tz: str) -> bool:
    """Whether ``value`` falls on today's date in zone ``tz``."""
    return to_zone(value, tz).date() == to_zone(now, tz).date()


def instant_text(value: datetime, tz: str, locale: str | None) -> str:
    """One instant (a registration deadline), with its zone: ``Dec 4, 2026, 5:00 PM PST``."""
    loc = babel_locale(locale)
    local = to_zone(value, tz)
    return _date_and_time(local, "medium", loc) + " " + get_timezone_name(local, "short", locale=loc)


def minutes_between(start: datetime, end: datetime) -> int:
    """Whole minutes from ``start`` to ``end`` (0 if ``end`` is not later): a session's length as scheduled, or as it
    ran when it ended early."""
    return max(int((end - start).total_seconds() // 60), 0)


def iso_utc(value: datetime | None) -> str | None:
    """ISO 8601 in UTC with a ``Z`` (the API's format)."""
    if value is None:
        return None
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def language_name(code: str, in_locale: str | None) -> str:
    """``es`` → ``Spanish`` / ``Español``, in ``in_locale``, capitalised for a label ("Language: Spanish"); the code
    itself if Babel does not know it."""
    return language_name_in(code.replace("-", "_"), str(babel_locale(in_locale))).capitalize()
