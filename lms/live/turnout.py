"""Who is waiting and who came without a seat, per session, for a trainer's lists ("Sessions I lead", the session
page's "For trainers"), counted as the roster sorts people (:func:`lms.live.roster.load_roster`).

A seat is a seat (:func:`lms.live.registration.count_seats`, which capacity, the API and the waitlist go by); beside
it a trainer reads:

- **waiting**: people on the waitlist who have no time in the session (not even time set aside since) and no
  attendance record: the roster's "Waitlisted (n)". Someone on the waitlist who checked in, joined or had time
  recorded came anyway: the roster lists them with the people there, marked *On the waitlist*, and so do the counts;
- **came without a seat**: people with no seat (on the waitlist, a cancelled registration, or none: walk-ins) who
  have time in the session not set aside, or were marked present or late; never the session's own trainers
  (hosting is not attending; the roster marks them *not counted*).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import exists, func, select, union

from lms import db
from lms.live.models import (
    Attendance,
    AttendanceInterval,
    AttendanceStatus,
    Registration,
    RegistrationStatus,
    SessionTrainer,
)

#: The statuses that say a person was there, even with no time recorded.
THERE = (AttendanceStatus.PRESENT, AttendanceStatus.LATE)


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
    there = union(
        select(AttendanceInterval.session_id, AttendanceInterval.user_id)
        .where(AttendanceInterval.session_id.in_(session_ids), AttendanceInterval.is_void.is_(False)),
        select(Attendance.session_id, Attendance.user_id)
        .where(Attendance.session_id.in_(session_ids), Attendance.status.in_(THERE)),
    ).subquery()
    seated = exists().where(Registration.session_id == there.c.session_id, Registration.user_id == there.c.user_id,
                            Registration.status == RegistrationStatus.REGISTERED)
    hosting = exists().where(SessionTrainer.session_id == there.c.session_id,
                             SessionTrainer.user_id == there.c.user_id)
    return dict(db.session.execute(
        select(there.c.session_id, func.count()).where(~seated, ~hosting).group_by(there.c.session_id)
    ).all())
