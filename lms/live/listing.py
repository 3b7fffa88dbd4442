"""Which sessions a list holds, and who may see a session: the upcoming sessions and their filters, a person's own,
a trainer's, a calendar feed's, each in one query.

What each row shows is :mod:`lms.live.session_cards` (:func:`describe`, :class:`SessionCard`, kept importable from
here too: ``listing.describe`` is how the pages read them), in a fixed number of queries whatever the number of
sessions.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import or_, select, union

from lms import db
from lms.catalog.models import Course, CourseStatus, Module
from lms.errors import NotFoundError
from lms.i18n import _
from lms.live import registration as seats
from lms.live.models import (
    Attendance,
    AttendanceInterval,
    LiveSession,
    Registration,
    RegistrationStatus,
    SessionMode,
    SessionStatus,
    SessionTrainer,
)
from lms.live.my_sessions import my_places
from lms.live.session_cards import SessionCard, describe
from lms.live.times import local_to_utc

__all__ = ["LIST_LIMIT", "SessionCard", "SessionFilters", "attended_by", "describe", "is_visible",
           "list_feed_sessions", "list_trainer_sessions", "list_upcoming", "list_user_sessions", "parse_filters",
           "require_visible", "split_started"]

LIST_LIMIT = 100
EARLIEST, LATEST = date(2000, 1, 1), date(2099, 12, 31)


@dataclass(frozen=True)
class SessionFilters:
    """Filters of the upcoming-sessions list; dates are days in the reader's time zone."""

    lang: str = ""
    mode: str = ""
    date_from: date | None = None
    date_until: date | None = None
    course: str = ""

    @property
    def active(self) -> bool:
        return any((self.lang, self.mode, self.date_from, self.date_until, self.course))

    @property
    def is_reversed(self) -> bool:
        """``date_until`` is before ``date_from``: the range holds no day, so no session can match (a mistake to
        say, not an empty list: the API refuses it, the web page marks the "Until" box)."""
        return self.date_from is not None and self.date_until is not None and self.date_until < self.date_from

    def as_args(self) -> dict[str, str]:
        values = {"language": self.lang, "mode": self.mode, "course": self.course,
                  "from": self.date_from.isoformat() if self.date_from else "",
                  "until": self.date_until.isoformat() if self.date_until else ""}
        return {key: value for key, value in values.items() if value}


def parse_filters(args: Mapping[str, str], locales: list[str],
                  language_key: str = "lang") -> tuple[SessionFilters, list[str]]:
    """Filters from query arguments, and the names of arguments that were not understood (ignored).

    Web pages pass ``language_key="language"``: there ``?lang=`` switches the interface language."""
    bad: list[str] = []
    lang = args.get(language_key, "")
    if lang and lang not in locales:
        bad.append(language_key)
        lang = ""
    mode = args.get("mode", "")
    if mode and mode not in {m.value for m in SessionMode}:
        bad.append("mode")
        mode = ""
    days = {}
    for name in ("from", "until"):
        raw = args.get(name, "")
        try:
            days[name] = date.fromisoformat(raw) if raw else None
        except ValueError:
            days[name] = None
        if raw and (days[name] is None or not EARLIEST <= days[name] <= LATEST):
            bad.append(name)
            days[name] = None
    course = args.get("course", "")[:64]
    return SessionFilters(lang, mode, days["from"], days["until"], course), bad


def list_upcoming(filters: SessionFilters, now: datetime, tz: str, limit: int = LIST_LIMIT,
                  published_only: bool = True) -> list[LiveSession]:
    """Scheduled sessions not yet over (those under way too: :func:`split_started`), soonest first, of published
    courses and live (not archived) modules. A reversed date range holds none (no query)."""
    if filters.is_reversed:
        return []
    query = (select(LiveSession).join(Course, Course.id == LiveSession.course_id)
             .join(Module, Module.id == LiveSession.module_id)
             .where(LiveSession.status == SessionStatus.SCHEDULED, LiveSession.ends_at > now,
                    Module.is_archived.is_(False))
             .order_by(LiveSession.starts_at, LiveSession.id).limit(limit))
    if published_only:
        query = query.where(Course.status == CourseStatus.PUBLISHED)
    if filters.lang:
        query = query.where(LiveSession.locale == filters.lang)
    if filters.mode:
        query = query.where(LiveSession.mode == SessionMode(filters.mode))
    if filters.course:
        query = query.where(Course.slug == filters.course)
    if filters.date_from:
        query = query.where(LiveSession.starts_at >= local_to_utc(filters.date_from, time(0), tz, strict=False))
    if filters.date_until:
        end = filters.date_until + timedelta(days=1)
        query = query.where(LiveSession.starts_at < local_to_utc(end, time(0), tz, strict=False))
    return list(db.session.execute(query).scalars())


def split_started(cards: list[SessionCard], now: datetime) -> tuple[list[SessionCard], list[SessionCard]]:
    """``cards`` of :func:`list_upcoming` as (happening now, upcoming): the session list keeps sessions under way, for
    people with a seat to find the Join or Check-in button and for walk-ins, but apart from the ones still to come."""
    started = [card for card in cards if card.session.starts_at <= now]
    return started, [card for card in cards if card.session.starts_at > now]


def list_user_sessions(user: Any, since: datetime, statuses: tuple[RegistrationStatus, ...] = seats.ACTIVE,
                       limit: int = 200) -> list[LiveSession]:
    """Sessions (any status) starting after ``since`` that ``user`` holds a registration of these statuses for, or
    checked in to or joined (a walk-in with no seat: she was there, so the session is hers too)."""
    held = select(Registration.session_id).where(Registration.user_id == user.id, Registration.status.in_(statuses))
    return list(db.session.execute(
        select(LiveSession).where(or_(LiveSession.id.in_(held), LiveSession.id.in_(attended_by(user))),
                                  LiveSession.starts_at >= since)
        .order_by(LiveSession.starts_at, LiveSession.id).limit(limit)
    ).scalars())


def attended_by(user: Any):
    """The ids of the sessions ``user`` checked in to or joined (a time interval not voided), or has an attendance
    row in, as a subquery."""
    return union(
        select(AttendanceInterval.session_id).where(AttendanceInterval.user_id == user.id,
                                                    AttendanceInterval.is_void.is_(False)),
        select(Attendance.session_id).where(Attendance.user_id == user.id),
    )


def list_trainer_sessions(user: Any, since: datetime, everyone: bool = False, limit: int = 200) -> list[LiveSession]:
    """Sessions starting after ``since`` that ``user`` leads or created (every trainer's with ``everyone``)."""
    query = select(LiveSession).where(LiveSession.starts_at >= since)
    if not everyone:
        leads = select(SessionTrainer.session_id).where(SessionTrainer.user_id == user.id)
        query = query.where(or_(LiveSession.id.in_(leads), LiveSession.created_by_id == user.id))
    return list(db.session.execute(query.order_by(LiveSession.starts_at, LiveSession.id).limit(limit)).scalars())


def list_feed_sessions(user: Any, since: datetime, limit: int = 500) -> list[LiveSession]:
    """What a personal calendar shows: sessions the person holds a seat in (cancelled sessions included, so the
    calendar shows them cancelled) and sessions they lead."""
    seat = select(Registration.session_id).where(Registration.user_id == user.id,
                                                 Registration.status == RegistrationStatus.REGISTERED)
    leads = select(SessionTrainer.session_id).where(SessionTrainer.user_id == user.id)
    return list(db.session.execute(
        select(LiveSession).where(LiveSession.starts_at >= since, or_(LiveSession.id.in_(seat),
                                                                      LiveSession.id.in_(leads)))
        .order_by(LiveSession.starts_at).limit(limit)
    ).scalars())


def is_visible(session: LiveSession, viewer: Any) -> bool:
    """Sessions of unpublished courses exist only for trainers (and people already registered)."""
    if getattr(viewer, "is_trainer", False):
        return True
    course = db.session.get(Course, session.course_id)
    if course is not None and course.status is CourseStatus.PUBLISHED:
        return True
    return bool(my_places(viewer, [session.id])[0])


def require_visible(session: LiveSession, viewer: Any) -> LiveSession:
    if not is_visible(session, viewer):
        raise NotFoundError(_("No such session."))
    return session
