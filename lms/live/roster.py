"""Who runs a live session, and its roster: everyone registered, with time recorded or with a status.

Rosters are for the session's trainers (:class:`SessionTrainer`) and site administrators only; anyone else gets *not
found* (404) from :func:`get_managed_session`, so a trainer cannot even confirm which other sessions exist. Minutes are
the union of a person's (not voided) intervals clipped to the session (:mod:`lms.live.intervals`), up to the time it
really ended if it was finalised as having ended early; once attendance is final they are the stored, audited minutes.
A person's share of the session is always their exact attended time (in seconds, from the same intervals) over the
session's length, as finalising judges it, before and after attendance is final: whole minutes would show a lower
share after finalising than the one that completed the module (200 seconds of a 4-minute session are 83%, its
3 whole minutes 75%).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select

from lms import db
from lms.accounts.models import User
from lms.catalog.models import Course, Module
from lms.catalog.texts import load_texts
from lms.errors import NotFoundError
from lms.i18n import _
from lms.live import intervals as spans
from lms.live.models import (
    Attendance,
    AttendanceInterval,
    AttendanceStatus,
    LiveSession,
    Registration,
    RegistrationStatus,
    SessionTrainer,
)
from lms.live.turnout import took_registration, was_there


def get_session(session_id: int) -> LiveSession:
    session = db.session.get(LiveSession, session_id)
    if session is None:
        raise NotFoundError(_("No such session."))
    return session


def is_session_trainer(session: LiveSession, user: Any) -> bool:
    if getattr(user, "is_admin", False):
        return True
    return (
        db.session.execute(
            select(SessionTrainer.id).where(SessionTrainer.session_id == session.id, SessionTrainer.user_id == user.id)
        ).first()
        is not None
    )


def is_session_host(session: LiveSession, user: Any) -> bool:
    """Whether ``user`` is one of the session's own trainers (a site admin is not, unless assigned)."""
    return (
        db.session.execute(
            select(SessionTrainer.id).where(SessionTrainer.session_id == session.id, SessionTrainer.user_id == user.id)
        ).first()
        is not None
    )


def get_managed_session(session_id: int, user: Any) -> LiveSession:
    """The session if ``user`` runs it (or is a site admin); otherwise *not found*, as if it did not exist."""
    session = get_session(session_id)
    if not is_session_trainer(session, user):
        raise NotFoundError(_("No such session."))
    return session


@dataclass
class RosterLine:
    """One person on a session's roster."""

    user: User
    registration: Registration | None
    attendance: Attendance | None
    intervals: list[AttendanceInterval]  # voided ones too, oldest first
    seconds: int = 0  # exact attended seconds from the intervals: what the share and finalising go by
    is_host: bool = False  # one of the session's own trainers: hosting is not attending, never counted
    final_minutes: int | None = None  # the stored, audited minutes once attendance is final
    #: Has a place on the waitlist (no seat).
    is_waitlisted: bool = False
    #: Came (:func:`lms.live.turnout.was_there`, the rule of the trainers' counts): time not set aside, or marked
    #: present or late; never a trainer of the session.
    was_there: bool = False
    #: The session took registration (:func:`lms.live.turnout.took_registration`); one recorded afterwards did not,
    #: so nobody on its roster is "not registered" or "came without a seat".
    takes_registration: bool = True

    @property
    def live_intervals(self) -> list[AttendanceInterval]:
        return [i for i in self.intervals if not i.is_void]

    @property
    def is_registered(self) -> bool:
        """Has a seat (a place on the waitlist is not one: :attr:`is_waitlisted`)."""
        return self.registration is not None

    @property
    def came_without_seat(self) -> bool:
        """No seat (a walk-in, or off the waitlist) and came: what the trainers' counts call "came without a seat"."""
        return self.was_there and not self.is_registered and self.takes_registration

    @property
    def is_checked_in(self) -> bool:
        return any(i.left_at is None for i in self.live_intervals)

    @property
    def status(self) -> AttendanceStatus | None:
        return self.attendance.status if self.attendance else None

    @property
    def minutes(self) -> int:
        """Whole minutes: the stored ones once attendance is final, else the attended seconds rounded down."""
        return self.final_minutes if self.final_minutes is not None else self.seconds // 60


@dataclass
class Roster:
    session: LiveSession
    lines: list[RosterLine] = field(default_factory=list)
    #: People on the waitlist with no time and no record yet (so not among ``lines``), first in line first: a trainer
    #: records the time of one who came anyway on their attendance page.
    waiting: list[User] = field(default_factory=list)

    @property
    def is_final(self) -> bool:
        return self.session.attendance_finalized_at is not None

    def share(self, line: RosterLine) -> int:
        """The person's share of the session in whole percent, from their exact attended seconds (as finalising
        measures it, so the roster shows the same share before and after attendance is final)."""
        return spans.share_percent(line.seconds, self.session.starts_at, self.session.counted_end)

    def line_for(self, user_id: int) -> RosterLine | None:
        return next((line for line in self.lines if line.user.id == user_id), None)


def seconds_of(session: LiveSession, intervals: list[AttendanceInterval], now: datetime) -> int:
    live = [(i.joined_at, i.left_at) for i in intervals if not i.is_void]
    return spans.attended_seconds(live, session.starts_at, session.counted_end, now)


def _has_registrations(session: LiveSession) -> bool:
    return db.session.execute(select(Registration.id).where(
        Registration.session_id == session.id,
        Registration.status.in_((RegistrationStatus.REGISTERED, RegistrationStatus.WAITLISTED))).limit(1)).first() is not None


def load_roster(session: LiveSession, now: datetime, only_user_id: int | None = None) -> Roster:
    """Everyone registered, everyone with intervals and everyone with an attendance record, in five queries
    whatever their number, sorted by name (the session's own trainers among them are marked ``is_host``; people on
    the waitlist are listed only with time or a record, marked ``is_waitlisted``; the others are in ``waiting``; who
    came is :func:`lms.live.turnout.was_there`'s call, in the same query as the people)."""
    regs = select(Registration).where(
        Registration.session_id == session.id,
        Registration.status.in_((RegistrationStatus.REGISTERED, RegistrationStatus.WAITLISTED)),
    )
    ivs = select(AttendanceInterval).where(AttendanceInterval.session_id == session.id)
    rows = select(Attendance).where(Attendance.session_id == session.id)
    if only_user_id is not None:
        regs = regs.where(Registration.user_id == only_user_id)
        ivs = ivs.where(AttendanceInterval.user_id == only_user_id)
        rows = rows.where(Attendance.user_id == only_user_id)
    registrations, waitlisted = {}, []
    for registration in db.session.execute(regs.order_by(Registration.waitlisted_at, Registration.id)).scalars():
        if registration.status is RegistrationStatus.REGISTERED:
            registrations[registration.user_id] = registration
        else:
            waitlisted.append(registration.user_id)
    by_user: dict[int, list[AttendanceInterval]] = {}
    for interval in db.session.execute(ivs.order_by(AttendanceInterval.joined_at, AttendanceInterval.id)).scalars():
        by_user.setdefault(interval.user_id, []).append(interval)
    attendance = {row.user_id: row for row in db.session.execute(rows).scalars()}
    ids = set(registrations) | set(by_user) | set(attendance)
    on_waitlist = set(waitlisted)
    everyone = ids | on_waitlist
    came = was_there(session.id, User.id)
    found = db.session.execute(select(User, came).where(User.id.in_(everyone))).all() if everyone else []
    users, there = [user for user, _came in found], {user.id for user, was in found if was}
    hosts = set(db.session.execute(select(SessionTrainer.user_id).where(SessionTrainer.session_id == session.id)).scalars())
    roster = Roster(session)
    by_id = {user.id: user for user in users}
    roster.waiting = [by_id[user_id] for user_id in waitlisted if user_id not in ids and user_id in by_id]
    registering = took_registration(session, bool(registrations or waitlisted))
    if not registering and only_user_id is not None:  # someone else's seat counts too (rare: one query, only then)
        registering = took_registration(session, _has_registrations(session))
    for user in (user for user in users if user.id in ids):
        row = attendance.get(user.id)
        own = by_user.get(user.id, [])
        final = row.minutes if row is not None and roster.is_final else None
        roster.lines.append(RosterLine(user, registrations.get(user.id), row, own, seconds_of(session, own, now),
                                       user.id in hosts, final, user.id in on_waitlist, user.id in there, registering))
    roster.lines.sort(key=lambda line: (line.user.name.casefold(), line.user.id))
    return roster


@dataclass(frozen=True)
class SessionInfo:
    session: LiveSession
    course: Course
    module: Module
    title: str
    course_title: str


def describe(session: LiveSession, locale: str) -> SessionInfo:
    """The session's module and course with their titles in ``locale`` (falling back to the source language)."""
    course = db.session.get(Course, session.course_id)
    module = db.session.get(Module, session.module_id)
    if course is None or module is None:
        raise NotFoundError(_("No such session."))
    texts = load_texts(course, locale, owners=[("course", course.id), ("module", module.id)], fields=["title"])
    return SessionInfo(session, course, module, texts(module) or module.slug, texts(course) or course.slug)


def load_person(session: LiveSession, user: User, now: datetime) -> RosterLine:
    """One person's roster line (registered or not)."""
    line = load_roster(session, now, only_user_id=user.id).line_for(user.id)
    if line is not None:
        return line
    waiting = db.session.execute(select(Registration.id).where(
        Registration.session_id == session.id, Registration.user_id == user.id,
        Registration.status == RegistrationStatus.WAITLISTED)).first() is not None
    # someone on the waitlist proves the session took registration; else ask (a session recorded afterwards did not)
    registering = waiting or took_registration(session, _has_registrations(session))
    return RosterLine(user, None, None, [], 0, is_session_host(session, user), is_waitlisted=waiting,
                      takes_registration=registering)
