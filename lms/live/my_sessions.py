"""A trainee's own live sessions in one course, for the course page: where they hold a seat or a waitlist place,
and how the sessions that are over came out for them. One query, whatever the number of sessions. "My registrations"
gives the same results (:func:`result_of`, from the rows :func:`my_places` reads for its cards).

Which sessions are listed, each with one :class:`Standing`:

- a seat or a waitlist place (not cancelled) in a session not over yet: **Registered** / **On the waitlist** (someone
  on the waitlist who came anyway, :func:`was_there`, reads **Attendance not final yet**, as a walk-in does);
- a waitlist place in a session under way, where she has not come: **Waitlist closed: the session has started** (no
  seat changes hands after the start, :func:`lms.live.registration.fill_seats`), and "Still to do" no longer names it;
- the same in a session that was cancelled since: **Session cancelled** (registrations stay as history when a session
  is cancelled, :func:`lms.live.scheduling.cancel_session`);
- a seat, attendance recorded, or a check-in or join (a walk-in with no seat), in a session under way or over:
  the person's result as the session page gives it (:func:`lms.live.outcome.judge`): **Attended**, **Attended part
  of the session**, **Attended; the session ran too short to complete the module** (it ended early, under the minimum
  share of its scheduled time: ``Outcome.ran_too_short``), **Absent**, **Excused**, or **Attendance not final yet**
  until the trainer finalises it;
- a waitlist place in a session that is over means nothing any more and is left out, as are cancelled registrations.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import and_, or_, select

from lms import db
from lms.catalog.models import Module
from lms.enums import TitledEnum
from lms.i18n import _l
from lms.live.models import Attendance, LiveSession, Registration, RegistrationStatus, SessionStatus
from lms.live.outcome import Result, has_taken_place, judge
from lms.live.registration import ACTIVE
from lms.live.turnout import was_there  # the one rule of who came, also imported from here


class Standing(TitledEnum):
    REGISTERED = "registered"
    WAITLISTED = "waitlisted"
    WAITLIST_CLOSED = "waitlist_closed"
    SESSION_CANCELLED = "session_cancelled"
    PENDING = "pending"
    ATTENDED = "attended"
    PARTLY = "partly"
    RAN_SHORT = "ran_short"
    ABSENT = "absent"
    EXCUSED = "excused"


TITLES = {
    Standing.REGISTERED: _l("Registered"),
    Standing.WAITLISTED: _l("On the waitlist"),
    # i18n: a trainee's live session that has started while she was still on its waitlist: no seat can free up now
    Standing.WAITLIST_CLOSED: _l("Waitlist closed: the session has started"),
    # i18n: a trainee's live session, in the list on the course page: the trainer cancelled it
    Standing.SESSION_CANCELLED: _l("Session cancelled"),
    # i18n: a trainee's live session that is over, before the trainer has recorded attendance
    Standing.PENDING: _l("Attendance not final yet"),
    # i18n: a trainee's live session that is over: they attended long enough to complete the module
    Standing.ATTENDED: _l("Attended"),
    # i18n: a trainee's live session that is over: there, but not long enough to complete the module
    Standing.PARTLY: _l("Attended part of the session"),
    # i18n: a trainee's live session that is over: it ended early, too short to complete anyone's module
    Standing.RAN_SHORT: _l("Attended; the session ran too short to complete the module"),
    Standing.ABSENT: _l("Absent"),
    Standing.EXCUSED: _l("Excused"),
}

_BY_RESULT = {Result.ATTENDED: Standing.ATTENDED, Result.PARTLY: Standing.PARTLY, Result.ABSENT: Standing.ABSENT,
              Result.EXCUSED: Standing.EXCUSED, Result.PENDING: Standing.PENDING}


@dataclass(frozen=True)
class MySession:
    """One of the trainee's sessions in the course."""

    session: LiveSession
    module: Module
    standing: Standing
    #: Minutes of attendance recorded (attended, or attended in part).
    minutes: int = 0

    @property
    def has_seat(self) -> bool:
        """A seat in a session still to come (or under way)."""
        return self.standing is Standing.REGISTERED

    @property
    def is_held(self) -> bool:
        """A seat or a waitlist place in a session still to come (or under way)."""
        return self.standing in (Standing.REGISTERED, Standing.WAITLISTED)


@dataclass(frozen=True)
class MyCourseSessions:
    """The trainee's sessions in one course, in the order they start."""

    items: list[MySession] = field(default_factory=list)

    def held_for(self, module_id: int) -> MySession | None:
        """The soonest session of the module in which the trainee holds a seat, else a waitlist place (None: neither):
        what "Still to do" names instead of sending them to find a session."""
        held = [item for item in self.items if item.module.id == module_id and item.is_held]
        seat = next((item for item in held if item.has_seat), None)
        return seat or next(iter(held), None)


def my_places(user: Any, session_ids: list[int]) -> tuple[dict[int, Registration], set[int], dict[int, Attendance]]:
    """``user``'s registrations (any status) by session id, the ids of the sessions they came to (:func:`was_there`)
    and their attendance rows by session id, among ``session_ids``, in one query."""
    if not getattr(user, "id", None):
        return {}, set(), {}
    rows = db.session.execute(
        select(LiveSession.id, Registration, Attendance, was_there(LiveSession.id, user.id))
        .outerjoin(Registration, and_(Registration.session_id == LiveSession.id, Registration.user_id == user.id))
        .outerjoin(Attendance, and_(Attendance.session_id == LiveSession.id, Attendance.user_id == user.id))
        .where(LiveSession.id.in_(session_ids))
    ).all()
    return ({sid: seat for sid, seat, _row, _came in rows if seat is not None},
            {sid for sid, _seat, _row, came in rows if came},
            {sid: row for sid, _seat, row, _came in rows if row is not None})


def result_of(session: LiveSession, seat: Registration | None, row: Attendance | None,
              was_there: bool) -> tuple[Standing, int] | None:
    """A person's result in a session that is over, as her course page and "My registrations" give it, with the
    minutes recorded (:func:`lms.live.outcome.judge`, no query); None for a waitlist place she did not use."""
    outcome = judge(session, row, seat, was_there)
    if outcome is None:
        return None
    return Standing.RAN_SHORT if outcome.ran_too_short else _BY_RESULT[outcome.result], outcome.minutes


def list_my_course_sessions(user: Any, course_id: int, now: datetime) -> MyCourseSessions:
    """``user``'s sessions in the course (see the module docstring), soonest first, in one query."""
    if not getattr(user, "id", None):
        return MyCourseSessions()
    seat = and_(Registration.session_id == LiveSession.id, Registration.user_id == user.id,
                Registration.status.in_(ACTIVE))
    present = and_(Attendance.session_id == LiveSession.id, Attendance.user_id == user.id)
    came = was_there(LiveSession.id, user.id)
    rows = db.session.execute(
        select(LiveSession, Module, Registration, Attendance, came)
        .join(Module, Module.id == LiveSession.module_id)
        .outerjoin(Registration, seat).outerjoin(Attendance, present)
        .where(LiveSession.course_id == course_id,
               or_(Registration.id.is_not(None), Attendance.id.is_not(None), came))
        .order_by(LiveSession.starts_at, LiveSession.id)
    ).all()
    items = [item for item in (_item(*row, now) for row in rows) if item is not None]
    return MyCourseSessions(items)


def _item(session: LiveSession, module: Module, seat: Registration | None, row: Attendance | None,
          was_there: bool, now: datetime) -> MySession | None:
    if session.status is SessionStatus.CANCELLED:
        return MySession(session, module, Standing.SESSION_CANCELLED) if seat is not None else None
    if not has_taken_place(session, now):
        if seat is None or (was_there and seat.status is RegistrationStatus.WAITLISTED):
            # a walk-in, or someone off the waitlist, came: there, not waiting, and not final until the trainer
            # finalises it
            return MySession(session, module, Standing.PENDING)
        if seat.status is RegistrationStatus.REGISTERED:
            return MySession(session, module, Standing.REGISTERED)
        started = session.starts_at <= now  # no seat frees up any more
        return MySession(session, module, Standing.WAITLIST_CLOSED if started else Standing.WAITLISTED)
    result = result_of(session, seat, row, was_there)
    if result is None:  # a waitlist place in a session that is over
        return None
    return MySession(session, module, *result)
