"""A trainer's plan for a live session: checking it and turning its local date and times into UTC instants.

A session is planned as a local date and wall-clock time in the session's own time zone. It lasts a number of *real*
minutes: on the night the clocks change, a 2-hour session starting at 01:30 in Los Angeles ends at 04:30 (spring) or
02:30 (autumn) on the wall clock. An end time typed instead is a wall-clock time of the same day. A weekly series
repeats the same local start time every week, so its UTC time moves by an hour across a daylight-saving change.
A session that ends after midnight is given by its length (an end time is on the day it starts).
A plan may give both an end time and a length only when they agree (the same end, in real minutes, on the first
day); when they disagree the plan is refused naming both, as which one was meant cannot be guessed.

A session lasts at least the time its module credits (attending it completes the module, and certificates state the
module's credited time as live training), and has at least one trainer (its trainers take attendance).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from urllib.parse import urlsplit

from werkzeug.urls import iri_to_uri

from lms import db
from lms.accounts.models import User
from lms.catalog.models import Module, ModuleKind
from lms.errors import DomainError
from lms.i18n import _, current_locale, format_locale, format_minutes, format_when, is_valid_timezone
from lms.live.models import SessionMode
from lms.live.times import NonexistentTime, local_to_utc, to_zone, wall_clock_text

MAX_MINUTES = 24 * 60
MAX_CAPACITY = 10_000
MAX_REPEAT = 52
#: Dates outside this range are typing mistakes (and far dates overflow in time-zone arithmetic).
EARLIEST, LATEST = date(2000, 1, 1), date(2099, 12, 31)
LOCALE_RE = re.compile(r"^[a-z]{2,3}(?:_[A-Za-z]{2,4})?$")


@dataclass(frozen=True)
class SessionData:
    """A session as a trainer plans it: local date and time in ``timezone``; ``deadline`` is local too (naive).
    It lasts ``minutes`` of real time, or until ``end_time`` on the wall clock when that is given."""

    module_id: int
    starts_on: date
    start_time: time
    minutes: int
    timezone: str
    locale: str
    mode: SessionMode
    capacity: int
    address: str = ""
    join_url: str = ""
    notes: str = ""
    deadline: datetime | None = None
    cost_cents: int | None = None
    trainer_ids: tuple[int, ...] = field(default_factory=tuple)
    end_time: time | None = None


def field_error(message: str, name: str) -> DomainError:
    """A :class:`DomainError` that the form shows on field ``name``."""
    return DomainError(message, field=name)


def _check_module(module_id: int) -> Module:
    module = db.session.get(Module, module_id) if module_id else None
    if module is None or module.kind is not ModuleKind.LIVE or module.is_archived:
        raise field_error(_("Choose a live module."), "module")
    return module


def _check_url(url: str) -> None:
    """A meeting link: http(s), with a host, and nothing in it that is not printed (spaces, control characters,
    direction overrides, zero-width characters: they hide where a link leads, and the page that opens the meeting
    sends the link in a ``Refresh`` header), and a valid address (a port in range, a host IDNA can encode)."""
    if not _is_address(url) or not all(map(_printed, url)):
        raise field_error(_("Enter a full web address starting with https://."), "join_url")


def _printed(char: str) -> bool:
    return not char.isspace() and unicodedata.category(char) not in ("Cc", "Cf", "Cs")


def _is_address(url: str) -> bool:
    try:
        parts = urlsplit(url)  # raises for a bracketed host that is no IPv6 address
        iri_to_uri(url)  # as lms.web.live.checkins sends it (IDNA host, percent-encoded path)
        parts.port  # noqa: B018 - raises for a port out of range
    except ValueError:  # UnicodeError (IDNA) too
        return False
    return parts.scheme in ("https", "http") and bool(parts.netloc)


def check(data: SessionData) -> Module:
    """Raise a :class:`DomainError` (with ``details["field"]``) for the first problem found."""
    module = _check_module(data.module_id)
    if not EARLIEST <= data.starts_on <= LATEST:
        raise field_error(
            _("Choose a date between %(first)s and %(last)s.", first=EARLIEST.isoformat(), last=LATEST.isoformat()), "starts_on"
        )
    if data.deadline is not None and not EARLIEST <= data.deadline.date() <= LATEST:
        raise field_error(_("Registration must close before the session starts."), "deadline")
    if not isinstance(data.mode, SessionMode):
        raise field_error(_("Choose how people take part."), "mode")
    if not is_valid_timezone(data.timezone):
        raise field_error(_("Choose a time zone from the list."), "timezone")
    if not LOCALE_RE.match(data.locale or ""):
        raise field_error(_("Choose the language of the session."), "locale")
    if data.end_time is None and not 1 <= data.minutes <= MAX_MINUTES:
        raise field_error(_("A session lasts between 1 minute and 24 hours; the end must be after the start."), "minutes")
    check_end_and_length(data)
    if not 1 <= data.capacity <= MAX_CAPACITY:
        raise field_error(_("Capacity must be between 1 and %(max)d.", max=MAX_CAPACITY), "capacity")
    if data.cost_cents is not None and data.cost_cents < 0:
        raise field_error(_("The cost cannot be negative."), "cost")
    if data.mode in (SessionMode.IN_PERSON, SessionMode.HYBRID) and not data.address.strip():
        raise field_error(_("Give the address for a session held in person."), "address")
    if data.mode in (SessionMode.ONLINE, SessionMode.HYBRID):
        if not data.join_url.strip():
            raise field_error(_("Give the join link for an online session."), "join_url")
        _check_url(data.join_url.strip())
    if len(data.join_url) > 500:
        raise field_error(_("The join link is too long."), "join_url")
    for user_id in data.trainer_ids:
        user = db.session.get(User, user_id)
        if user is None or not user.is_trainer:
            raise field_error(_("Choose trainers from the list."), "trainers")
    if not data.trainer_ids:
        raise field_error(_("Choose at least one trainer: the trainers take attendance."), "trainers")
    return module


def check_end_and_length(data: SessionData) -> None:
    """Refuse a plan whose end time and length (both given) end the first session at different moments."""
    if data.end_time is None or not data.minutes:
        return
    if not 1 <= data.minutes <= MAX_MINUTES:
        raise field_error(_("A session lasts between 1 minute and 24 hours; the end must be after the start."), "minutes")
    starts_at = _instant(data.starts_on, data.start_time, data.timezone, "start_time")
    typed_end = _end(data, data.starts_on, starts_at)
    length_end = starts_at + timedelta(minutes=data.minutes)
    if typed_end == length_end:
        return
    locale, day = format_locale(current_locale()), to_zone(starts_at, data.timezone).date()
    times = {name: wall_clock_text(value, data.timezone, locale, day)
             for name, value in (("start", starts_at), ("end", typed_end), ("length_end", length_end))}
    # i18n: %(start)s, %(end)s and %(length_end)s are times of day ("6:00 PM"), %(length)s a length ("2 hours").
    message = _("The end time and the length disagree: starting at %(start)s, a session of %(length)s ends at "
                "%(length_end)s, not at %(end)s. Correct the end time or the length, or leave one of them empty.",
                length=format_minutes(data.minutes), **times)
    raise field_error(message, "end_time")


def check_length(data: SessionData, module: Module, times: tuple[datetime, datetime, datetime | None]) -> None:
    """Refuse a session shorter than the minutes its module credits (real minutes, as the session is stored)."""
    starts_at, ends_at, _deadline = times
    if ends_at - starts_at < timedelta(minutes=module.credited_minutes or 0):
        message = _(
            "This module credits %(time)s of live training: a session for it must last at least that long.",
            time=format_minutes(module.credited_minutes),
        )
        raise field_error(message, "end_time" if data.end_time is not None else "minutes")


def check_deadline(deadline: datetime | None, now: datetime) -> None:
    """Refuse a registration deadline (UTC) that has already passed: registration would be closed at once."""
    if deadline is not None and deadline <= now:
        raise field_error(_("Registration cannot close in the past: choose a later moment, or leave it empty."), "deadline")


def session_times(data: SessionData, week: int) -> tuple[datetime, datetime, datetime | None]:
    """Start, end and registration deadline in UTC of the session ``week`` weeks after the first of the plan."""
    day = data.starts_on + timedelta(weeks=week)
    starts_at = _instant(day, data.start_time, data.timezone, "start_time")
    ends_at = _end(data, day, starts_at)
    deadline = None
    if data.deadline is not None:
        before = datetime.combine(data.starts_on, data.start_time) - data.deadline
        if before < timedelta(0):
            raise field_error(_("Registration must close before the session starts."), "deadline")
        local = datetime.combine(day, data.start_time) - before
        deadline = local_to_utc(local.date(), local.time(), data.timezone, strict=False)
    return starts_at, ends_at, deadline


def _instant(day: date, at: time, tz: str, name: str) -> datetime:
    try:
        return local_to_utc(day, at, tz)
    except NonexistentTime:
        # i18n: %(date)s is a day in words ("March 8, 2026"), %(time)s the time as typed ("02:30").
        message = _(
            "%(date)s at %(time)s does not exist in that time zone (the clocks change that night). Choose another time.",
            date=format_when(day, "long"),
            time=at.strftime("%H:%M"),
        )
        raise field_error(message, name) from None


def _end(data: SessionData, day: date, starts_at: datetime) -> datetime:
    if data.end_time is None:
        return starts_at + timedelta(minutes=data.minutes)  # real minutes, whatever the clocks do that night
    ends_at = _instant(day, data.end_time, data.timezone, "end_time")
    if not timedelta(0) < ends_at - starts_at <= timedelta(minutes=MAX_MINUTES):
        raise field_error(end_before_start_text(), "end_time")
    return ends_at


def wall_end_time(starts_at: datetime, ends_at: datetime, tz: str) -> time | None:
    """A session's end as the end time a plan would give (for the edit form): the wall-clock time of ``ends_at`` in
    ``tz`` when it falls on the day the session starts and typing it gives that very instant back; otherwise None
    (an end after midnight, or in the hour the clocks go back twice, is given by the length)."""
    start, end = to_zone(starts_at, tz), to_zone(ends_at, tz)
    at = end.time().replace(tzinfo=None)
    if end.date() != start.date() or at.second or at.microsecond:
        return None
    try:
        return at if local_to_utc(end.date(), at, tz) == ends_at else None
    except NonexistentTime:
        return None


def ends_next_day_text(starts_at: datetime, ends_at: datetime, tz: str, locale: str | None = None) -> str | None:
    """The hint under the length on the edit form of a session that ends after midnight (the day after it starts, on
    the wall clock of ``tz``), which no end time can give: its end, and that moving the start keeps its length (so
    moves the end too). None for a session that ends on the day it starts."""
    start, end = to_zone(starts_at, tz), to_zone(ends_at, tz)
    if end.date() != start.date() + timedelta(days=1):
        return None
    return _("This session ends the next day, at %(time)s: moving the start keeps its length.",
             time=wall_clock_text(ends_at, tz, locale or current_locale(), end.date()))


def end_before_start_text() -> str:
    """The end time is a time of the session's first day: one before the start is a mistake, or a session that ends
    after midnight, which is given by its length."""
    # i18n: "Length in minutes" is the name of a field of the scheduling form.
    return _("The end time must be after the start time. For a session that ends after midnight, leave the end time "
             "empty and give its length in minutes instead.")
