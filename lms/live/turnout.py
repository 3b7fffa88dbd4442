"""Who is waiting and who came without a seat, per session, for a trainer's lists ("Sessions I lead", the session
page's "For trainers"), counted as the roster sorts people (:func:`lms.live.roster.load_roster`).

A seat is a seat (:func:`lms.live.registration.count_seats`, which capacity, the API and the waitlist go by); beside
it a trainer reads:

- **waiting**: people on the waitlist who have no time in the session (not even time set aside since) and no
  attendance record: the roster's "Waitlisted (n)". Someone on the waitlist who checked in, joined or had time
  recorded came anyway: the roster lists them with the people there, marked *Came without a seat*, and so do the counts;
- **came without a seat**: people with no seat (on the waitlist, a cancelled registration, or none: walk-ins) who
  came (:func:`was_there`: time in the session not set aside, or marked present or late; never the session's own
  trainers: hosting is not attending, and the roster marks them *not counted*); never counted for a session that
  took no registration (recorded afterwards: :func:`took_registration`), where nobody had a seat to come without.

:func:`was_there` is the one rule of who came: these counts and the person's own pages
(:mod:`lms.live.my_sessions`, :mod:`lms.live.listing`) use it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, func, or_, select, union

from lms import db
from lms.live.models import (
    Attendance,
    AttendanceInterval,
    AttendanceStatus,
    LiveSession,
    Registration,
    RegistrationStatus,
    SessionTrainer,
)

#: The statuses that say a person was there, even with no time recorded.
THERE = (AttendanceStatus.PRESENT, AttendanceStatus.LATE)


def was_there(session_id: Any, user_id: Any) -> ColumnElement[bool]:
    """SQL: whether the person ``user_id`` came to the session ``session_id`` (columns or values): checked in or
    joined, or has time recorded, not set aside, or was marked present or late; never one of the session's own
    trainers (hosting is not attending). The trainers' counts call someone with no seat who came so; her own pages
    then say "Attendance not final yet" instead of her place on the waitlist."""
    has_time = exists().where(AttendanceInterval.session_id == session_id, AttendanceInterval.user_id == user_id,
                              AttendanceInterval.is_void.is_(False)).correlate_except(AttendanceInterval)
    # its own row, also inside a query that joins the person's Attendance already
    marked = exists().where(Attendance.session_id == session_id, Attendance.user_id == user_id,
                            Attendance.status.in_(THERE)).correlate_except(Attendance)
    hosting = exists().where(SessionTrainer.session_id == session_id,
                             SessionTrainer.user_id == user_id).correlate_except(SessionTrainer)
    return and_(or_(has_time, marked), ~hosting)


def took_registration(session: LiveSession, has_registrations: bool) -> bool:
    """Whether people could register for ``session``: it was scheduled before registration closed, or someone holds a
    seat or a place on the waitlist (``has_registrations``). A session recorded afterwards never took any
    (:mod:`lms.live.afterwards`): nobody there "came without a seat", so the roster and the counts do not say so."""
    closes = min(session.registration_deadline or session.starts_at, session.starts_at)
    return has_registrations or session.created_at < closes


def _took_registration(session_id: Any) -> ColumnElement[bool]:
    """SQL of :func:`took_registration` for the session ``session_id`` (a column)."""
    opened = exists().where(
        LiveSession.id == session_id, LiveSession.created_at < LiveSession.starts_at,
        or_(LiveSession.registration_deadline.is_(None), LiveSession.created_at < LiveSession.registration_deadline),
    )
    held = exists().where(Registration.session_id == session_id,
                          Registration.status.in_((RegistrationStatus.REGISTERED, RegistrationStatus.WAITLISTED)))
    return or_(opened, held)


@dataclass(frozen=True)
class Turnout:
    """A session's people beside its seats (see the module docstring)."""

    waiting: int = 0
    came_without_seat: int = 0


def count_turnout(session_ids: list[int]) -> dict[int, Turnout]:
    """:class:`Turnout` per session id, in two queries whatever the number of sessions and people."""
    if not session_ids:
        return {}
    waiting = _count_waiting(session_ids)
    came = _count_came_without_seat(session_ids)
    return {sid: Turnout(waiting.get(sid, 0), came.get(sid, 0)) for sid in session_ids}


def _count_waiting(session_ids: list[int]) -> dict[int, int]:
    has_time = exists().where(AttendanceInterval.session_id == Registration.session_id,
                              AttendanceInterval.user_id == Registration.user_id)
    has_record = exists().where(Attendance.session_id == Registration.session_id,
                                Attendance.user_id == Registration.user_id)
    return dict(db.session.execute(
        select(Registration.session_id, func.count(Registration.id))
        .where(Registration.session_id.in_(session_ids), Registration.status == RegistrationStatus.WAITLISTED,
               ~has_time, ~has_record)
        .group_by(Registration.session_id)
    ).all())


def _count_came_without_seat(session_ids: list[int]) -> dict[int, int]:
    # everyone with time or a record in the sessions, once each; who of them came is :func:`was_there`'s call
    people = union(
        select(AttendanceInterval.session_id, AttendanceInterval.user_id)
        .where(AttendanceInterval.session_id.in_(session_ids)),
        select(Attendance.session_id, Attendance.user_id).where(Attendance.session_id.in_(session_ids)),
    ).subquery()
    seated = exists().where(Registration.session_id == people.c.session_id, Registration.user_id == people.c.user_id,
                            Registration.status == RegistrationStatus.REGISTERED)
    return dict(db.session.execute(
        select(people.c.session_id, func.count())
        .where(was_there(people.c.session_id, people.c.user_id), ~seated, _took_registration(people.c.session_id))
        .group_by(people.c.session_id)
    ).all())
