"""Scheduling live sessions: create one or a weekly series, edit, cancel and complete (one guarded transition).

A session is planned as a local date and wall-clock time in the session's own time zone and stored in UTC. A weekly
series repeats the same local time every week, so "Tuesdays at 18:00 in Los Angeles" stays at 18:00 across a
daylight-saving change (its UTC time moves by an hour); the sessions of a series share a ``series_key`` and are
edited one by one afterwards. Any trainer may schedule a session for a live module of any course, and edit or cancel
any session. Cancelling keeps every registration as history; the caller emails the people returned.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import delete, select

from lms import audit, db
from lms.accounts.models import User
from lms.catalog import services as catalog
from lms.catalog.models import Course, CourseStatus, Module, ModuleKind
from lms.db import utcnow
from lms.errors import DomainError, NotFoundError
from lms.i18n import _, is_valid_timezone
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
from lms.live.times import NonexistentTime, add_wall_minutes, local_to_utc, to_zone

MAX_MINUTES = 24 * 60
MAX_CAPACITY = 10_000
MAX_REPEAT = 52
#: Dates outside this range are typing mistakes (and far dates overflow in time-zone arithmetic).
EARLIEST, LATEST = date(2000, 1, 1), date(2099, 12, 31)
LOCALE_RE = re.compile(r"^[a-z]{2,3}(?:_[A-Za-z]{2,4})?$")


@dataclass(frozen=True)
class SessionData:
    """A session as a trainer plans it: local date and time in ``timezone``; ``deadline`` is local too (naive)."""

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
    """The planning view of an existing session (for the edit form)."""
    start, end = to_zone(session.starts_at, session.timezone), to_zone(session.ends_at, session.timezone)
    deadline = to_zone(session.registration_deadline, session.timezone).replace(tzinfo=None) \
        if session.registration_deadline else None
    wall = (end.replace(tzinfo=None) - start.replace(tzinfo=None)).total_seconds() // 60
    return SessionData(
        module_id=session.module_id, starts_on=start.date(), start_time=start.time().replace(tzinfo=None),
        minutes=int(wall), timezone=session.timezone, locale=session.locale, mode=session.mode,
        capacity=session.capacity, address=session.address or "", join_url=session.join_url or "",
        notes=session.notes or "", deadline=deadline, cost_cents=session.cost_cents,
        trainer_ids=tuple(trainer_ids(session)),
    )


def trainer_ids(session: LiveSession) -> list[int]:
    return list(db.session.execute(
        select(SessionTrainer.user_id).where(SessionTrainer.session_id == session.id).order_by(SessionTrainer.id)
    ).scalars())


# ---------------------------------------------------------------- checking

def _fail(message: str, name: str) -> DomainError:
    return DomainError(message, field=name)


def _check_module(module_id: int) -> Module:
    module = db.session.get(Module, module_id) if module_id else None
    if module is None or module.kind is not ModuleKind.LIVE or module.is_archived:
        raise _fail(_("Choose a live module."), "module")
    return module


def _check_url(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.netloc or any(c.isspace() for c in url):
        raise _fail(_("Enter a full web address starting with https://."), "join_url")


def check(data: SessionData) -> Module:
    """Raise a :class:`DomainError` (with ``details["field"]``) for the first problem found."""
    module = _check_module(data.module_id)
    if not EARLIEST <= data.starts_on <= LATEST:
        raise _fail(_("Choose a date between %(first)s and %(last)s.", first=EARLIEST.isoformat(),
                      last=LATEST.isoformat()), "starts_on")
    if data.deadline is not None and not EARLIEST <= data.deadline.date() <= LATEST:
        raise _fail(_("Registration must close before the session starts."), "deadline")
    if not isinstance(data.mode, SessionMode):
        raise _fail(_("Choose how people take part."), "mode")
    if not is_valid_timezone(data.timezone):
        raise _fail(_("Choose a time zone from the list."), "timezone")
    if not LOCALE_RE.match(data.locale or ""):
        raise _fail(_("Choose the language of the session."), "locale")
    if not 1 <= data.minutes <= MAX_MINUTES:
        raise _fail(_("A session lasts between 1 minute and 24 hours; the end must be after the start."), "minutes")
    if not 1 <= data.capacity <= MAX_CAPACITY:
        raise _fail(_("Capacity must be between 1 and %(max)d.", max=MAX_CAPACITY), "capacity")
    if data.cost_cents is not None and data.cost_cents < 0:
        raise _fail(_("The cost cannot be negative."), "cost")
    if data.mode in (SessionMode.IN_PERSON, SessionMode.HYBRID) and not data.address.strip():
        raise _fail(_("Give the address for a session held in person."), "address")
    if data.mode in (SessionMode.ONLINE, SessionMode.HYBRID):
        if not data.join_url.strip():
            raise _fail(_("Give the join link for an online session."), "join_url")
        _check_url(data.join_url.strip())
    if len(data.join_url) > 500:
        raise _fail(_("The join link is too long."), "join_url")
    for user_id in data.trainer_ids:
        user = db.session.get(User, user_id)
        if user is None or not user.is_trainer:
            raise _fail(_("Choose trainers from the list."), "trainers")
    return module


def _times(data: SessionData, week: int) -> tuple[datetime, datetime, datetime | None]:
    day = data.starts_on + timedelta(weeks=week)
    try:
        starts_at = local_to_utc(day, data.start_time, data.timezone)
    except NonexistentTime:
        raise _fail(_("%(date)s at %(time)s does not exist in that time zone (the clocks change that night). "
                      "Choose another time.", date=day.isoformat(), time=data.start_time.strftime("%H:%M")),
                    "start_time") from None
    ends_at = add_wall_minutes(day, data.start_time, data.minutes, data.timezone)
    deadline = None
    if data.deadline is not None:
        before = datetime.combine(data.starts_on, data.start_time) - data.deadline
        if before < timedelta(0):
            raise _fail(_("Registration must close before the session starts."), "deadline")
        local = datetime.combine(day, data.start_time) - before
        deadline = local_to_utc(local.date(), local.time(), data.timezone, strict=False)
    return starts_at, ends_at, deadline


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
    db.session.execute(delete(SessionTrainer).where(SessionTrainer.session_id == session.id,
                                                    SessionTrainer.user_id.not_in(wanted)))
    have = set(trainer_ids(session))
    db.session.add_all(SessionTrainer(session_id=session.id, user_id=uid) for uid in wanted if uid not in have)
    db.session.flush()


# ---------------------------------------------------------------- use cases

def create_sessions(data: SessionData, repeat: int, actor: Any, now: datetime | None = None,
                    allow_past: bool = False) -> list[LiveSession]:
    """Create one session, or ``repeat`` weekly sessions at the same local time sharing a ``series_key``."""
    module = check(data)
    if not 1 <= repeat <= MAX_REPEAT:
        raise _fail(_("Repeat between 1 and %(max)d times.", max=MAX_REPEAT), "repeat")
    all_times = [_times(data, week) for week in range(repeat)]
    if not allow_past and all_times[0][0] <= (now or utcnow()):
        raise _fail(_("The session must start in the future."), "starts_on")
    series_key = secrets.token_hex(8) if repeat > 1 else None
    sessions = []
    for times in all_times:
        session = LiveSession(series_key=series_key, created_by_id=getattr(actor, "id", None),
                              status=SessionStatus.SCHEDULED)
        _apply(session, data, module, times)
        db.session.add(session)
        db.session.flush()
        set_trainers(session, data.trainer_ids)
        audit.record("live_session.created", session, actor, series_key=series_key)
        sessions.append(session)
    return sessions


def update_session(session: LiveSession, data: SessionData, actor: Any, now: datetime) -> list[Registration]:
    """Change one session; returns the people promoted from the waitlist if seats were added (to be told)."""
    if session.status is not SessionStatus.SCHEDULED:
        raise DomainError(_("Only a scheduled session can be changed."))
    module = check(data)
    seats.lock_session(session)
    registered, waitlisted = seats.count_seats([session.id])[session.id]
    if module.id != session.module_id and registered + waitlisted:
        raise _fail(_("People are registered for this session, so its module cannot change."), "module")
    if data.capacity < registered:
        raise _fail(_("%(num)d people are registered; the capacity cannot be lower.", num=registered), "capacity")
    times = _times(data, 0)
    if times[0] != session.starts_at:  # a new time: reminders go out again for it
        db.session.execute(delete(ReminderSent).where(ReminderSent.session_id == session.id))
    _apply(session, data, module, times)
    set_trainers(session, data.trainer_ids)
    audit.record("live_session.updated", session, actor)
    return seats.fill_seats(session, now)


def transition(session: LiveSession, status: SessionStatus, actor: Any, reason: str = "",
               now: datetime | None = None) -> None:
    """The one guarded transition of a session's status (:data:`SESSION_TRANSITIONS`). Cancelling needs a reason;
    completing is possible once the session has started."""
    now = now or utcnow()
    if status not in SESSION_TRANSITIONS[session.status]:
        raise DomainError(_("A session that is %(old)s cannot become %(new)s.", old=session.status.title.lower(),
                            new=status.title.lower()))
    if status is SessionStatus.CANCELLED:
        reason = (reason or "").strip()
        if not reason:
            raise _fail(_("Give a reason for cancelling; registrants will read it."), "reason")
        session.cancel_reason, session.cancelled_at = reason, now
        session.cancelled_by_id = getattr(actor, "id", None)
    if status is SessionStatus.COMPLETED and now < session.starts_at:
        raise DomainError(_("A session cannot be completed before it starts."))
    old, session.status = session.status, status
    audit.record("live_session.status_changed", session, actor, reason=reason or None, old=old, new=status)
    db.session.flush()


def cancel_session(session: LiveSession, reason: str, actor: Any, now: datetime) -> list[Registration]:
    """Cancel; registrations stay as they are (history). Returns the registered and waitlisted people to tell."""
    seats.lock_session(session)
    transition(session, SessionStatus.CANCELLED, actor, reason, now)
    return list(db.session.execute(
        select(Registration).where(Registration.session_id == session.id, Registration.status.in_(seats.ACTIVE))
        .order_by(Registration.id)
    ).scalars())


def complete_session(session: LiveSession, actor: Any, now: datetime) -> None:
    transition(session, SessionStatus.COMPLETED, actor, now=now)


def series_of(session: LiveSession) -> list[LiveSession]:
    """The sessions sharing this one's series key, in time order (just this one if it has none)."""
    if not session.series_key:
        return [session]
    return list(db.session.execute(
        select(LiveSession).where(LiveSession.series_key == session.series_key).order_by(LiveSession.starts_at)
    ).scalars())
