"""What a list row or a session's page shows of each session: :class:`SessionCard`, made by :func:`describe`.

:func:`describe` turns sessions into cards with titles in the reader's language, seats left, trainers, the reader's
own registration and whether she came: five queries for any number of sessions, and a sixth when the reader holds
places in upcoming sessions (whether her attendance already completed their module:
:mod:`lms.live.completed_module`). Which sessions a list holds is :mod:`lms.live.listing`'s.

For sessions under way (:attr:`SessionCard.is_under_way`), :func:`here_since` says in one more query since when the
reader is checked in or joined now ("My registrations", "Happening now").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select

from lms import db
from lms.accounts.models import User
from lms.catalog.models import Course, Module
from lms.catalog.texts import load_titles
from lms.live import registration as seats
from lms.live.completed_module import sessions_to_give_up
from lms.live.models import (
    AttendanceInterval,
    IntervalSource,
    LiveSession,
    Registration,
    RegistrationStatus,
    SessionStatus,
    SessionTrainer,
)
from lms.live.my_sessions import Standing, my_places, result_of
from lms.live.outcome import has_taken_place

#: The results that show the minutes attended beside them, in lists as on the course page.
MINUTES_SHOWN = (Standing.ATTENDED, Standing.PARTLY)

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
    #: The languages :attr:`title` and :attr:`course_title` are in: the reader's, or the course's source language when
    #: not translated yet; "" for a slug shown in place of a title. A page marks them (``lang``) where they differ.
    title_lang: str = ""
    course_title_lang: str = ""
    #: The session has started (or is over): seats no longer change hands (:func:`lms.live.registration.fill_seats`).
    has_started: bool = False
    #: Once the session is over, the reader's result as her course page gives it (attended, absent, not final yet…:
    #: :func:`lms.live.my_sessions.result_of`); None when she neither had a seat nor came.
    result: Standing | None = None
    #: With :attr:`result`, the minutes of attendance recorded (:func:`lms.live.my_sessions.result_of`).
    result_minutes: int = 0

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
    def is_under_way(self) -> bool:
        """Started and not over (nor cancelled): the reader checks in, joins or checks out now."""
        return self.has_started and self.is_upcoming

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
    def list_minutes(self) -> int | None:
        """The minutes attended beside :attr:`list_badge`, as the course page gives them: once the session is over,
        for someone who attended it or attended part of it, with time recorded; None otherwise."""
        if self.is_over and self.result in MINUTES_SHOWN and self.result_minutes:
            return self.result_minutes
        return None

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
    def holds_place_in_line(self) -> bool:
        """Waiting, and the session has not started: her place in line still means something (a seat freed goes to
        the first in line), so the page tells it; after the start it is not looked up (:attr:`waitlist_closed`)."""
        return self.is_waiting and not self.has_started

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
            title_lang=title.locale if title.value else "", course_title_lang=course_title.locale if course_title.value else "",
            registered=counts[s.id][0], waitlisted=counts[s.id][1], is_open=seats.is_open(s, now),
            trainers=trainers[s.id], mine=mine.get(s.id), is_over=is_over, has_completed_module=s.id in give_up,
            was_there=s.id in came, has_started=s.starts_at <= now, result=result[0] if result else None,
            result_minutes=result[1] if result else 0,
        ))
    return cards


@dataclass(frozen=True)
class HereNow:
    """The reader is in a session now: since when (her earliest interval still open) and how (checked in, joined)."""

    since: datetime
    source: IntervalSource

    @property
    def joined(self) -> bool:
        """Joined with the Join button (online), rather than checked in (or entered by the trainer)."""
        return self.source is IntervalSource.JOIN_BUTTON


def here_since(viewer: Any, session_ids: list[int]) -> dict[int, HereNow]:
    """Per session id among ``session_ids``, when ``viewer`` is checked in or joined now: her intervals not set aside
    and still open (as :func:`lms.live.checkin.open_intervals`), the earliest; one query, none for no sessions."""
    if not session_ids or not getattr(viewer, "id", None):
        return {}
    rows = db.session.execute(
        select(AttendanceInterval.session_id, AttendanceInterval.joined_at, AttendanceInterval.source)
        .where(AttendanceInterval.session_id.in_(session_ids), AttendanceInterval.user_id == viewer.id,
               AttendanceInterval.is_void.is_(False), AttendanceInterval.left_at.is_(None))
        .order_by(AttendanceInterval.joined_at.desc(), AttendanceInterval.id.desc())
    ).all()
    return {sid: HereNow(joined_at, source) for sid, joined_at, source in rows}  # the earliest one wins
