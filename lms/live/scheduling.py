"""Scheduling live sessions: create one or a weekly series, edit, cancel and complete (one guarded transition).

A session is planned as a local date and wall-clock time in the session's own time zone and stored in UTC
(:mod:`lms.live.plans` checks a plan and works out its times). A weekly series repeats the same local time every
week, so "Tuesdays at 18:00 in Los Angeles" stays at 18:00 across a daylight-saving change (its UTC time moves by an
hour); the sessions of a series share a ``series_key`` and are edited one by one afterwards. A session lasts a number
of *real* minutes. Any trainer may schedule a session for a live module of any course, and edit or cancel any
session. Cancelling keeps every registration as history; the caller emails the people returned.

Changing a session's time, place or join link is something people must hear of: :func:`update_session` returns
whom to tell, counts the change in ``sequence`` (the calendar events' ``SEQUENCE``, so calendar apps take the new
version) and clears the reminders already sent, so they go out again for the new time.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select

from lms import audit, db
from lms.catalog import services as catalog
from lms.catalog.models import Course, CourseStatus, Module, ModuleKind
from lms.db import utcnow
from lms.errors import DomainError, NotFoundError
from lms.i18n import _, ngettext
from lms.live import registration as seats
from lms.live.models import (
    SESSION_TRANSITIONS,
    LiveSession,
    Registration,
    ReminderSent,
    SessionMode,
    SessionStatus,
    SessionTrainer,
)
from lms.live.plans import (
    MAX_REPEAT,
    SessionData,
    check,
    check_deadline,
    check_length,
    field_error,
    session_times,
)
from lms.live.times import to_zone


@dataclass(frozen=True)
class SessionUpdate:
    """What an edit did: the people moved up from the waitlist, which of time, address, join link and mode changed
    (``changes``), the times before, and the people to tell about those changes (registered and waitlisted; nobody
    when nothing changed that they rely on, or when the session is over)."""

    promoted: list[Registration]
    changes: tuple[str, ...]
    was_starts_at: datetime
    was_ends_at: datetime
    to_tell: list[Registration]


def get_session(session_id: int) -> LiveSession:
    session = db.session.get(LiveSession, session_id)
    if session is None:
        raise NotFoundError(_("No such session."))
    return session


def list_live_modules() -> list[tuple[Course, list[Module]]]:
    """Courses (not archived) with their live modules, for choosing what a session is for."""
    courses = [c for c in catalog.list_catalog(published_only=False) if c.status is not CourseStatus.ARCHIVED]
    modules = catalog.list_modules_of(courses)
    return [(c, live) for c in courses if (live := [m for m in modules[c.id] if m.kind is ModuleKind.LIVE])]


def data_of(session: LiveSession) -> SessionData:
    """The planning view of an existing session (for the edit form): its length in real minutes."""
    start = to_zone(session.starts_at, session.timezone)
    deadline = to_zone(session.registration_deadline, session.timezone).replace(tzinfo=None) if session.registration_deadline else None
    minutes = int((session.ends_at - session.starts_at).total_seconds() // 60)
    return SessionData(
        module_id=session.module_id,
        starts_on=start.date(),
        start_time=start.time().replace(tzinfo=None),
        minutes=minutes,
        timezone=session.timezone,
        locale=session.locale,
        mode=session.mode,
        capacity=session.capacity,
        address=session.address or "",
        join_url=session.join_url or "",
        notes=session.notes or "",
        deadline=deadline,
        cost_cents=session.cost_cents,
        trainer_ids=tuple(trainer_ids(session)),
    )


def trainer_ids(session: LiveSession) -> list[int]:
    return list(
        db.session.execute(
            select(SessionTrainer.user_id).where(SessionTrainer.session_id == session.id).order_by(SessionTrainer.id)
        ).scalars()
    )


def _apply(session: LiveSession, data: SessionData, module: Module, times: tuple) -> None:
    session.module_id, session.course_id = module.id, module.course_id
    session.starts_at, session.ends_at, session.registration_deadline = times
    session.timezone, session.locale, session.mode = data.timezone, data.locale, data.mode
    session.capacity, session.cost_cents = data.capacity, data.cost_cents
    in_person = data.mode in (SessionMode.IN_PERSON, SessionMode.HYBRID)
    online = data.mode in (SessionMode.ONLINE, SessionMode.HYBRID)
    session.address = data.address.strip() if in_person else None
    session.join_url = data.join_url.strip() if online else None
    session.notes = data.notes.strip() or None


def set_trainers(session: LiveSession, user_ids: tuple[int, ...] | list[int]) -> None:
    wanted = list(dict.fromkeys(user_ids))
    db.session.execute(delete(SessionTrainer).where(SessionTrainer.session_id == session.id, SessionTrainer.user_id.not_in(wanted)))
    have = set(trainer_ids(session))
    db.session.add_all(SessionTrainer(session_id=session.id, user_id=uid) for uid in wanted if uid not in have)
    db.session.flush()


# ---------------------------------------------------------------- use cases


def create_sessions(
    data: SessionData, repeat: int, actor: Any, now: datetime | None = None, allow_past: bool = False
) -> list[LiveSession]:
    """Create one session, or ``repeat`` weekly sessions at the same local time sharing a ``series_key``.
    ``allow_past`` (demo data, imports of past sessions) lets the start and registration deadline lie in the past."""
    module = check(data)
    if not 1 <= repeat <= MAX_REPEAT:
        raise field_error(_("Repeat between 1 and %(max)d times.", max=MAX_REPEAT), "repeat")
    all_times = [session_times(data, week) for week in range(repeat)]
    for times in all_times:  # an end time on the wall clock can make one week an hour shorter
        check_length(data, module, times)
    if not allow_past and all_times[0][0] <= (now or utcnow()):
        raise field_error(_("The session must start in the future."), "starts_on")
    if not allow_past:
        check_deadline(all_times[0][2], now or utcnow())
    series_key = secrets.token_hex(8) if repeat > 1 else None
    sessions = []
    for times in all_times:
        session = LiveSession(series_key=series_key, created_by_id=getattr(actor, "id", None), status=SessionStatus.SCHEDULED)
        _apply(session, data, module, times)
        db.session.add(session)
        db.session.flush()
        set_trainers(session, data.trainer_ids)
        audit.record("live_session.created", session, actor, series_key=series_key)
        sessions.append(session)
    return sessions


def update_session(session: LiveSession, data: SessionData, actor: Any, now: datetime) -> SessionUpdate:
    """Change one session; returns whom the caller tells what, after its commit (see :class:`SessionUpdate`)."""
    if session.status is not SessionStatus.SCHEDULED:
        raise DomainError(_("Only a scheduled session can be changed."))
    module = check(data)
    seats.lock_session(session)
    registered, waitlisted = seats.count_seats([session.id])[session.id]
    if module.id != session.module_id and registered + waitlisted:
        raise field_error(_("People are registered for this session, so its module cannot change."), "module")
    if data.capacity < registered:
        raise field_error(ngettext("%(num)d person is registered; the capacity cannot be lower.",
                                   "%(num)d people are registered; the capacity cannot be lower.", registered), "capacity")
    times = session_times(data, 0)
    check_length(data, module, times)
    if times[2] != session.registration_deadline:  # one that passed since it was set does not block other changes
        check_deadline(times[2], now)
    if times[0] != session.starts_at:  # a new time: reminders go out again for it
        db.session.execute(delete(ReminderSent).where(ReminderSent.session_id == session.id))
    before, was_starts_at, was_ends_at = _what_people_rely_on(session), session.starts_at, session.ends_at
    _apply(session, data, module, times)
    changes = tuple(name for name, value in _what_people_rely_on(session).items() if before[name] != value)
    session.updated_at = now
    if changes:
        session.sequence += 1
    set_trainers(session, data.trainer_ids)
    audit.record("live_session.updated", session, actor, changes=list(changes), was_starts_at=was_starts_at, was_ends_at=was_ends_at)
    promoted = seats.fill_seats(session, now)
    to_tell = active_registrations(session) if changes and max(was_ends_at, session.ends_at) > now else []
    return SessionUpdate(promoted, changes, was_starts_at, was_ends_at, to_tell)


def _what_people_rely_on(session: LiveSession) -> dict[str, Any]:
    return {
        "time": (session.starts_at, session.ends_at),
        "address": session.address,
        "join_url": session.join_url,
        "mode": session.mode,
    }


def active_registrations(session: LiveSession) -> list[Registration]:
    """The people registered or on the waitlist, in order of registration."""
    return list(
        db.session.execute(
            select(Registration)
            .where(Registration.session_id == session.id, Registration.status.in_(seats.ACTIVE))
            .order_by(Registration.id)
        ).scalars()
    )


def transition(session: LiveSession, status: SessionStatus, actor: Any, reason: str = "", now: datetime | None = None) -> None:
    """The one guarded transition of a session's status (:data:`SESSION_TRANSITIONS`). Cancelling needs a reason;
    completing is possible once the session has started."""
    now = now or utcnow()
    if status not in SESSION_TRANSITIONS[session.status]:
        raise DomainError(
            _("A session that is %(old)s cannot become %(new)s.", old=session.status.title.lower(), new=status.title.lower())
        )
    if status is SessionStatus.CANCELLED:
        reason = (reason or "").strip()
        if not reason:
            raise field_error(_("Give a reason for cancelling; registrants will read it."), "reason")
        session.cancel_reason, session.cancelled_at = reason, now
        session.cancelled_by_id = getattr(actor, "id", None)
        session.sequence, session.updated_at = session.sequence + 1, now  # calendars must take the cancellation
    if status is SessionStatus.COMPLETED and now < session.starts_at:
        raise DomainError(_("A session cannot be completed before it starts."))
    old, session.status = session.status, status
    audit.record("live_session.status_changed", session, actor, reason=reason or None, old=old, new=status)
    db.session.flush()


def cancel_session(session: LiveSession, reason: str, actor: Any, now: datetime) -> list[Registration]:
    """Cancel; registrations stay as they are (history). Returns the registered and waitlisted people to tell."""
    seats.lock_session(session)
    transition(session, SessionStatus.CANCELLED, actor, reason, now)
    return active_registrations(session)


def complete_session(session: LiveSession, actor: Any, now: datetime) -> None:
    transition(session, SessionStatus.COMPLETED, actor, now=now)


def series_of(session: LiveSession) -> list[LiveSession]:
    """The sessions sharing this one's series key, in time order (just this one if it has none)."""
    if not session.series_key:
        return [session]
    return list(
        db.session.execute(
            select(LiveSession).where(LiveSession.series_key == session.series_key).order_by(LiveSession.starts_at)
        ).scalars()
    )
