"""Places kept after the module is done: a trainee whose attendance of one session completed its live module may
still hold a seat or a waitlist place in other upcoming sessions of that module. Seats are limited, but she may want
to attend again, so nothing is cancelled for her: the session's page and "My registrations" ask her to give the place
up if she will not come (``SessionCard.has_completed_module``, set by :func:`lms.live.listing.describe`).

Before she registers for another session of the module, its page tells her she has completed it already
(:func:`has_completed_module`): she may still register, to attend again.

"Completed by attendance" is a final attendance row marked as completing the module (:attr:`Attendance.completed_module`,
set by :func:`lms.live.attendance_credit.complete_module`) in a session of the same module. "Upcoming" is a session
still scheduled that has not started: the places that can still be given up (:func:`lms.live.registration.check_cancellable`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import select

from lms import db
from lms.live.models import Attendance, LiveSession, Registration, SessionStatus
from lms.live.registration import ACTIVE


def modules_completed_by(user: Any, module_ids: Iterable[int]) -> set[int]:
    """Of these live modules, the ones ``user``'s attendance of one of their sessions completed; one query."""
    wanted = set(module_ids)
    if not wanted or not getattr(user, "id", None):
        return set()
    return set(db.session.execute(
        select(LiveSession.module_id).distinct().join(Attendance, Attendance.session_id == LiveSession.id)
        .where(Attendance.user_id == user.id, Attendance.completed_module.is_(True),
               LiveSession.module_id.in_(wanted))
    ).scalars())


def has_completed_module(user: Any, module_id: int) -> bool:
    """Whether ``user``'s attendance of a session of this live module already completed it: a session's page says so
    before she takes a seat in another one (one query; False for a visitor)."""
    return module_id in modules_completed_by(user, {module_id})


def _is_upcoming_place(session: LiveSession, registration: Registration | None, now: datetime) -> bool:
    """Whether ``registration`` is a seat or waitlist place in ``session`` that can still be given up."""
    return (registration is not None and registration.status in ACTIVE
            and session.status is SessionStatus.SCHEDULED and now < session.starts_at)


def sessions_to_give_up(user: Any, places: list[tuple[LiveSession, Registration | None]], now: datetime) -> set[int]:
    """The ids of the sessions, among ``places`` (each session with ``user``'s registration, if any), in which
    ``user`` holds an upcoming place although her attendance already completed the session's module; at most one
    query, none when she holds no upcoming place among them."""
    held = [session for session, registration in places if _is_upcoming_place(session, registration, now)]
    done = modules_completed_by(user, {session.module_id for session in held})
    return {session.id for session in held if session.module_id in done}

