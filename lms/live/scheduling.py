"""Scheduling live sessions: create one or a weekly series, edit, cancel and complete (one guarded transition).

A session is planned as a local date and wall-clock time in the session's own time zone and stored in UTC
(:mod:`lms.live.plans` checks a plan and works out its times). A weekly series repeats the same local time every
week, so "Tuesdays at 18:00 in Los Angeles" stays at 18:00 across a daylight-saving change (its UTC time moves by an
hour); the sessions of a series share a ``series_key`` and are edited one by one afterwards. A session lasts a number
of *real* minutes. Any trainer may schedule a session for a live module of any course, and edit or cancel any
session, but only its own trainers or a site administrator change who leads it (:mod:`lms.live.trainers`); someone
made a trainer gives up their registration there (:func:`lms.live.registration.end_for_trainers`). Cancelling and
completing are in :mod:`lms.live.session_status` (re-exported here). A session that has not started cannot be moved
into the past.

A trainer cannot lead two sessions at once, and one address cannot hold two at once (:mod:`lms.live.overlaps`):
scheduling and editing refuse a double booking. A scheduling form carries a one-time key, so the same form sent
twice (a double click, a resend) schedules once: :func:`schedule_sessions` returns the first sending's sessions.

Changing a session's time, place, join link, mode, language or cost is something people must hear of (and a change
of its notes, when the trainer ticks the box to tell them): :func:`update_session` returns whom to tell, counts the
change in ``sequence`` (the calendar events' ``SEQUENCE``, so calendar apps take the new
version) and clears the reminders already sent, so they go out again for the new time.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select

from lms import audit, db
from lms.accounts.models import User
from lms.catalog import services as catalog
from lms.catalog.models import Course, CourseStatus, Module, ModuleKind
from lms.db import utcnow
from lms.errors import DomainError, NotFoundError
from lms.i18n import _, ngettext
from lms.live import afterwards as afterwards_rules
from lms.live import overlaps, session_record
from lms.live import registration as seats
from lms.live.models import (
    LiveSession,
    Registration,
    RegistrationStatus,
    ReminderSent,
    SessionMode,
    SessionStatus,
)
from lms.live.plans import (
    MAX_REPEAT,
    SessionData,
    check,
    check_deadline,
    check_length,
    field_error,
    session_times,
    wall_end_time,
)
from lms.live.session_status import (  # noqa: F401  (part of this module's API: status changes live there)
    active_registrations,
    cancel_session,
    complete_session,
    is_cancellable,
    started_cannot_cancel_text,
    transition,
)
from lms.live.submissions import add_session, first_of_submission, submission_key
from lms.live.times import to_zone
from lms.live.trainers import (
    TrainerChange,
    audit_data,
    change_trainers,
    check_trainer_change,
    set_trainers,
    to_welcome,
    trainer_ids,
)


@dataclass(frozen=True)
class SessionUpdate:
    """What an edit did: the people moved up from the waitlist, which of time, address, join link, mode, language and
    cost changed (``changes``: ``time``, ``address``, ``join_url``, ``mode``, ``language``, ``cost``, and ``notes``
    when the editor asked to tell people of new notes), the times before, and the people to tell about those changes
    (registered and waitlisted; nobody when nothing changed that they rely on, or when the session is over).
    ``trainers``: a change of who leads it (false when none), with the trainers to tell; ``ended``: the
    registrations of people made its trainers, which the edit ended (a seat among them went to the next on the
    waitlist: ``promoted``); ``ended_waitlisted``: the people among them whose place was on the waitlist, not a seat."""

    promoted: list[Registration]
    changes: tuple[str, ...]
    was_starts_at: datetime
    was_ends_at: datetime
    to_tell: list[Registration]
    trainers: TrainerChange = field(default_factory=TrainerChange)
    ended: list[Registration] = field(default_factory=list)
    ended_waitlisted: set[int] = field(default_factory=set)


@dataclass(frozen=True)
class Scheduled:
    """What a scheduling request did: the sessions of its plan, ``is_new`` (False: the same form had already
    scheduled them, and nothing new was created), and ``welcome``: the trainers it names to tell they lead them
    (not the person who scheduled them; nobody when nothing new was created)."""

    sessions: list[LiveSession]
    is_new: bool
    welcome: list[User] = field(default_factory=list)


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


def data_of(session: LiveSession, *, with_end_time: bool = False) -> SessionData:
    """The planning view of an existing session (for the edit form): its length in real minutes, and with
    ``with_end_time`` its end time too when it ends on the day it starts (:func:`lms.live.plans.wall_end_time`)."""
    start = to_zone(session.starts_at, session.timezone)
    deadline = to_zone(session.registration_deadline, session.timezone).replace(tzinfo=None) if session.registration_deadline else None
    minutes = int((session.ends_at - session.starts_at).total_seconds() // 60)
    return SessionData(
        end_time=wall_end_time(session.starts_at, session.ends_at, session.timezone) if with_end_time else None,
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


# ---------------------------------------------------------------- use cases


def create_sessions(
    data: SessionData, repeat: int, actor: Any, now: datetime | None = None, allow_past: bool = False
) -> list[LiveSession]:
    """Create one session, or ``repeat`` weekly sessions at the same local time sharing a ``series_key``.
    ``allow_past`` (demo data, imports of sessions as they took place) takes the sessions as given: the start and
    registration deadline may lie in the past, and a double booking is not refused (a record, not a plan)."""
    return schedule_sessions(data, repeat, actor, now, allow_past=allow_past).sessions


def schedule_sessions(
    data: SessionData, repeat: int, actor: Any, now: datetime | None = None, *, key: str | None = None,
    allow_past: bool = False, afterwards: bool = False,
) -> Scheduled:
    """:func:`create_sessions` for a form with the one-time ``key``: the first request with a key schedules; a later
    one (a double click, a form sent again) creates nothing and returns the first one's sessions. Refuses a session
    that would double-book a trainer or a place (:class:`lms.live.overlaps.ScheduleConflict`) unless ``allow_past``.
    ``afterwards``: the trainer records a session that has already started or taken place (:mod:`lms.live.afterwards`:
    within the last days, one session, no registration deadline); otherwise the plan must start in the future."""
    module = check(data)
    key = submission_key(key, actor)
    if not 1 <= repeat <= MAX_REPEAT:
        raise field_error(_("Repeat between 1 and %(max)d times.", max=MAX_REPEAT), "repeat")
    overlaps.lock_plan(data.trainer_ids, _place_of(data))  # a form sent twice at once: the second waits here
    if key and (first := first_of_submission(actor, key)) is not None:
        return Scheduled(series_of(first), False)
    all_times = [session_times(data, week) for week in range(repeat)]
    for times in all_times:  # an end time on the wall clock can make one week an hour shorter
        check_length(data, module, times)
    if not allow_past:  # a plan (or a trainer's record of one that has started): nobody is double-booked
        afterwards_rules.check_start(all_times, now or utcnow(), afterwards=afterwards)
        overlaps.check_free([times[:2] for times in all_times], data.trainer_ids, _place_of(data))
    series_key = secrets.token_hex(8) if repeat > 1 else None
    sessions = []
    for week, times in enumerate(all_times):
        session = LiveSession(series_key=series_key, created_by_id=getattr(actor, "id", None), status=SessionStatus.SCHEDULED)
        _apply(session, data, module, times)
        if not add_session(session, key if week == 0 else None):  # the same form, sent at the same moment, won
            return Scheduled(series_of(first_of_submission(actor, key)), False)
        set_trainers(session, data.trainer_ids)
        audit.record("live_session.created", session, actor, series_key=series_key, starts_at=session.starts_at,
                     ends_at=session.ends_at, **({"recorded_afterwards": True} if afterwards and not allow_past else {}))
        sessions.append(session)
    return Scheduled(sessions, True, to_welcome(data.trainer_ids, actor))


def _place_of(data: SessionData) -> str | None:
    """The address people come to, for a session held in person (online sessions share no room)."""
    return data.address if data.mode in (SessionMode.IN_PERSON, SessionMode.HYBRID) else None


def update_session(
    session: LiveSession, data: SessionData, actor: Any, now: datetime, *, allow_past: bool = False,
    tell_notes: bool = False,
) -> SessionUpdate:
    """Change one session; returns whom the caller tells what, after its commit (see :class:`SessionUpdate`).
    A session that has not started yet is a plan: it cannot be moved to a start that has passed (it would be over,
    or running, at once), unless ``allow_past`` (a record of a session as it took place, as for
    :func:`create_sessions`). Only its own trainers or a site administrator may change who leads it
    (:mod:`lms.live.trainers`). New notes are told (in ``changes``) only when ``tell_notes``: not every typo fixed."""
    if session.status is not SessionStatus.SCHEDULED:
        raise DomainError(_("Only a scheduled session can be changed."))
    module = check(data)
    check_trainer_change(session, data.trainer_ids, actor)
    seats.lock_session(session)
    registered, waitlisted = seats.count_seats([session.id])[session.id]
    if module.id != session.module_id and registered + waitlisted:
        raise field_error(_("People are registered for this session, so its module cannot change."), "module")
    if data.capacity < registered:
        raise field_error(ngettext("%(num)d person is registered; the capacity cannot be lower.",
                                   "%(num)d people are registered; the capacity cannot be lower.", registered), "capacity")
    times = session_times(data, 0)
    check_length(data, module, times)
    if not allow_past:  # a plan, not a record (as for create_sessions)
        if session.starts_at > now >= times[0]:  # one that has started may still be corrected
            raise field_error(_("The session must start in the future."), "starts_on")
        if times[2] != session.registration_deadline:  # one that passed since it was set does not block other changes
            check_deadline(times[2], now)
        _check_still_free(session, data, times)
    if times[0] != session.starts_at:  # a new time: reminders go out again for it
        db.session.execute(delete(ReminderSent).where(ReminderSent.session_id == session.id))
    before, was_starts_at, was_ends_at = _what_people_rely_on(session), session.starts_at, session.ends_at
    settings = session_record.settings_of(session)
    _apply(session, data, module, times)
    changes = tuple(name for name, value in _what_people_rely_on(session).items()
                    if before[name] != value and (tell_notes or name != "notes"))
    session.updated_at = now
    if changes:
        session.sequence += 1
    led = change_trainers(session, data.trainer_ids, actor)
    added = [person.id for person in led.added]
    waiting = {user_id for user_id, registration in seats.registrations_of(session.id, added).items()
               if registration.status is RegistrationStatus.WAITLISTED}
    ended = seats.end_for_trainers(session, added, actor, now)
    moved = {"starts_at": session.starts_at, "ends_at": session.ends_at} if "time" in changes else {}
    audit.record("live_session.updated", session, actor, changes=[*changes, *(["trainers"] if led else [])],
                 was_starts_at=was_starts_at, was_ends_at=was_ends_at, **moved, **audit_data(led),
                 **session_record.changed_settings(settings, session))
    promoted = seats.fill_seats(session, now)
    to_tell = active_registrations(session) if changes and max(was_ends_at, session.ends_at) > now else []
    return SessionUpdate(promoted, changes, was_starts_at, was_ends_at, to_tell, led, ended,
                         {r.user_id for r in ended} & waiting)


def _check_still_free(session: LiveSession, data: SessionData, times: tuple) -> None:
    """Refuse an edit that double-books a trainer or a place. Only what the edit changes is checked (a new time:
    everything; else added trainers and a new place): a double booking made before this rule existed must not block
    raising the seats or fixing the notes."""
    place, moved = _place_of(data), times[:2] != (session.starts_at, session.ends_at)
    trainers = set(data.trainer_ids) if moved else set(data.trainer_ids) - set(trainer_ids(session))
    if not moved and overlaps.place_key(place) == overlaps.place_key(session.address):
        place = None
    if trainers or place:
        overlaps.lock_plan(trainers, place)
        overlaps.check_free([times[:2]], trainers, place, exclude_id=session.id)


def _what_people_rely_on(session: LiveSession) -> dict[str, Any]:
    return {
        "time": (session.starts_at, session.ends_at),
        "address": session.address,
        "join_url": session.join_url,
        "mode": session.mode,
        "language": session.locale,
        "cost": session.cost_cents or 0,  # no cost and a cost of 0 are both free
        "notes": session.notes,
    }


def series_of(session: LiveSession) -> list[LiveSession]:
    """The sessions sharing this one's series key, in time order (just this one if it has none)."""
    if not session.series_key:
        return [session]
    return list(
        db.session.execute(
            select(LiveSession).where(LiveSession.series_key == session.series_key).order_by(LiveSession.starts_at)
        ).scalars()
    )
