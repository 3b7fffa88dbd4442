"""Reading sessions for lists and pages, in a fixed number of queries whatever the number of sessions.

:func:`describe` turns sessions into :class:`SessionCard` rows with titles in the reader's language, seats left,
trainers, the reader's own registration and whether she came: five queries for any number of sessions, and a sixth
when the reader holds places in upcoming sessions (whether her attendance already completed their module:
:mod:`lms.live.completed_module`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import or_, select, union

from lms import db
from lms.accounts.models import User
from lms.catalog.models import Course, CourseStatus, Module
from lms.catalog.texts import load_titles
from lms.errors import NotFoundError
from lms.i18n import _
from lms.live import registration as seats
from lms.live.completed_module import sessions_to_give_up
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
from lms.live.my_sessions import Standing, my_places, result_of
from lms.live.outcome import has_taken_place
from lms.live.times import local_to_utc

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
    courses and live (not archived) modules."""
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


@dataclass
class SessionCard:
    """A session with everything a list row or detail page shows."""

    session: LiveSession
    course: Course
    module: Module
    title: str
    course_title: str
    is_fallback: bool
    registered: int
    waitlisted: int
    is_open: bool
    trainers: list[User] = field(default_factory=list)
    mine: Registration | None = None
    #: Completed, or past its end (:func:`lms.live.outcome.has_taken_place`): no more seats, joining or registration.
    is_over: bool = False
    #: The reader holds a place here, not started yet, although her attendance of another session already completed
    #: its module: the page asks her to give it up if she will not come (:mod:`lms.live.completed_module`).
    has_completed_module: bool = False
    #: The reader came (checked in or joined, time recorded, marked present or late:
    #: :func:`lms.live.turnout.was_there`, the trainers' counts' rule).
    was_there: bool = False
    #: The session has started (or is over): seats no longer change hands (:func:`lms.live.registration.fill_seats`).
    has_started: bool = False
    #: Once the session is over, the reader's result as her course page gives it (attended, absent, not final yet…:
    #: :func:`lms.live.my_sessions.result_of`); None when she neither had a seat nor came.
    result: Standing | None = None

    def is_led_by(self, user: Any) -> bool:
        """Whether ``user`` may open the roster: one of the session's trainers, or an admin
        (:func:`lms.live.roster.is_session_trainer`, without a query)."""
        return bool(getattr(user, "is_admin", False)) or any(t.id == getattr(user, "id", None) for t in self.trainers)

    def is_hosted_by(self, user: Any) -> bool:
        """Whether ``user`` is one of the session's own trainers (who cannot register for it), without a query."""
        return any(t.id == getattr(user, "id", None) for t in self.trainers)

    @property
    def is_upcoming(self) -> bool:
        """Scheduled and not over yet: what the page offers (seats, registration, joining) applies."""
        return self.session.status is SessionStatus.SCHEDULED and not self.is_over

    @property
    def seats_left(self) -> int:
        return max(self.session.capacity - self.registered, 0)

    @property
    def my_status(self) -> RegistrationStatus | None:
        return self.mine.status if self.mine is not None else None

    @property
    def my_badge(self) -> RegistrationStatus | Standing | None:
        """The reader's registration as a badge: none when cancelled, nor a place on the waitlist once the session is
        over (it no longer means anything; someone who came anyway reads their attendance on the page instead).
        Someone who came without a seat (off the waitlist, or a walk-in) reads "Attendance not final yet" until the
        session is over, as on the course page (:mod:`lms.live.my_sessions`); someone still on the waitlist once the
        session has started reads "Waitlist closed: the session has started"."""
        if self.came_without_seat and self.is_upcoming:
            return Standing.PENDING
        if self.waitlist_closed:
            return Standing.WAITLIST_CLOSED
        status = self.my_status
        if status is RegistrationStatus.CANCELLED or (status is RegistrationStatus.WAITLISTED and not self.is_upcoming):
            return None
        return status

    @property
    def list_badge(self) -> RegistrationStatus | Standing | None:
        """The reader's badge in lists ("My registrations"): her result once the session is over, else
        :attr:`my_badge`."""
        return self.result if self.is_over else self.my_badge

    @property
    def is_registered(self) -> bool:
        return self.my_status is RegistrationStatus.REGISTERED

    @property
    def is_waitlisted(self) -> bool:
        return self.my_status is RegistrationStatus.WAITLISTED

    @property
    def came_without_seat(self) -> bool:
        """The reader came with no seat (off the waitlist, or a walk-in): the trainer decides her attendance when
        finalising, as for everyone on the roster."""
        return self.was_there and not self.is_registered

    @property
    def is_waiting(self) -> bool:
        """On the waitlist and has not come: her place in line is what the page tells her."""
        return self.is_waitlisted and not self.was_there

    @property
    def waitlist_closed(self) -> bool:
        """Waiting still when the session started and not over yet: no seat will free up for her now."""
        return self.is_waiting and self.has_started and self.is_upcoming


def describe(sessions: list[LiveSession], locale: str, viewer: Any, now: datetime) -> list[SessionCard]:
    """Cards for ``sessions`` in the same order, in at most six queries."""
    if not sessions:
        return []
    module_ids = {s.module_id for s in sessions}
    pairs = db.session.execute(
        select(Module, Course).join(Course, Course.id == Module.course_id).where(Module.id.in_(module_ids))
    ).all()
    modules = {m.id: m for m, _c in pairs}
    courses = {c.id: c for _m, c in pairs}
    texts = load_titles(modules.values(), courses.values(), locale)
    ids = [s.id for s in sessions]
    counts = seats.count_seats(ids)
    trainers: dict[int, list[User]] = {sid: [] for sid in ids}
    for session_id, user in db.session.execute(
        select(SessionTrainer.session_id, User).join(User, User.id == SessionTrainer.user_id)
        .where(SessionTrainer.session_id.in_(ids)).order_by(User.name)
    ).all():
        trainers[session_id].append(user)
    mine, came, rows = my_places(viewer, ids)
    give_up = sessions_to_give_up(viewer, [(s, mine.get(s.id)) for s in sessions], now) if mine else set()
    cards = []
    for s in sessions:
        module, course, is_over = modules[s.module_id], courses[s.course_id], has_taken_place(s, now)
        result = result_of(s, mine.get(s.id), rows.get(s.id), s.id in came) if is_over else None
        title, course_title = texts[course.id].get(module, "title"), texts[course.id].get(course, "title")
        cards.append(SessionCard(
            session=s, course=course, module=module, title=title.value or module.slug,
            course_title=course_title.value or course.slug, is_fallback=title.is_fallback or course_title.is_fallback,
            registered=counts[s.id][0], waitlisted=counts[s.id][1], is_open=seats.is_open(s, now),
            trainers=trainers[s.id], mine=mine.get(s.id), is_over=is_over, has_completed_module=s.id in give_up,
            was_there=s.id in came, has_started=s.starts_at <= now, result=result[0] if result else None,
        ))
    return cards


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
