"""Registering for live sessions: seats, the waitlist and its promotions, and managers registering their staff.

Capacity holds under concurrency because every change that counts seats first takes the session's row lock
(:func:`lock_session`): on PostgreSQL ``SELECT ... FOR UPDATE``; on SQLite, which serialises writers, a no-op
``UPDATE`` of the session row takes the database write lock before counting. Simultaneous registrations therefore
queue up one behind the other and the (capacity + 1)-th goes to the waitlist. Nobody jumps the waitlist: registering
first gives any free seat to the people waiting (:func:`take_place`), and the callers email them after their commit.

Registering enrols the trainee in the session's course if they are not enrolled yet (a withdrawn enrolment is
reactivated): a live module is part of a course, and attendance can only complete the module of an enrolment.
Registration is open while the session is scheduled and before its registration deadline (or its start when it has
none). A session's own trainers cannot register for it (:func:`check_not_host`); someone made one of its trainers
later gives up their place there (:func:`end_for_trainers`), and the waitlist never promotes one of them. Nobody
holds places in two sessions at the same time (:mod:`lms.live.registration_overlaps`). Cancelled registrations are
kept as history; registering again reuses the row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.exc import IntegrityError

from lms import audit, db
from lms.accounts.services import get_user
from lms.catalog.models import Course
from lms.enrollment.services import enroll
from lms.errors import ConflictError, DomainError, PermissionDenied
from lms.i18n import _, ngettext
from lms.live import registration_overlaps
from lms.live.models import LiveSession, Registration, RegistrationStatus, SessionStatus, SessionTrainer
from lms.live.roster import is_session_host
from lms.orgs.models import Organisation
from lms.orgs.services import get_membership

ACTIVE = (RegistrationStatus.REGISTERED, RegistrationStatus.WAITLISTED)


def lock_session(session: LiveSession) -> LiveSession:
    """Take the session row's lock for the rest of the transaction and reload it (status and capacity may have
    changed while we waited)."""
    db.lock_row(session)
    return session


def registration_closes_at(session: LiveSession) -> datetime:
    return min(session.registration_deadline or session.starts_at, session.starts_at)


def is_open(session: LiveSession, now: datetime) -> bool:
    return session.status is SessionStatus.SCHEDULED and now < registration_closes_at(session)


def check_open(session: LiveSession, now: datetime) -> None:
    if session.status is SessionStatus.CANCELLED:
        raise DomainError(_("This session was cancelled."))
    if session.status is not SessionStatus.SCHEDULED or now >= registration_closes_at(session):
        raise DomainError(_("Registration for this session is closed."))


class TrainerOfSession(ConflictError):
    """Registration refused because the person leads the session (409, not 403: the role may register, not here)."""

    code = "trainer_of_session"


def check_not_host(session: LiveSession, user: Any, actor: Any) -> None:
    """Refuse (:class:`TrainerOfSession`) a seat or waitlist place for one of the session's own trainers: hosting is
    not attending (they cannot check in nor be counted), and their seat would push a trainee onto the waitlist."""
    if not is_session_host(session, user):
        return
    if getattr(actor, "id", None) == user.id:
        raise TrainerOfSession(_("You lead this session: trainers do not register for their own sessions, and a seat "
                                 "would be one fewer for trainees."))
    # i18n: %(name)s is a person's name.
    raise TrainerOfSession(_("%(name)s leads this session: trainers cannot be registered for their own sessions.",
                             name=user.name))


def get_registration(session: LiveSession, user: Any) -> Registration | None:
    return db.session.execute(
        select(Registration).where(Registration.session_id == session.id, Registration.user_id == user.id)
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()


def count_seats(session_ids: list[int]) -> dict[int, tuple[int, int]]:
    """(registered, waitlisted) per session id, in one query."""
    result = {sid: (0, 0) for sid in session_ids}
    if not session_ids:
        return result
    rows = db.session.execute(
        select(Registration.session_id, Registration.status, func.count(Registration.id))
        .where(Registration.session_id.in_(session_ids), Registration.status.in_(ACTIVE))
        .group_by(Registration.session_id, Registration.status)
    )
    for session_id, status, count in rows:
        registered, waitlisted = result[session_id]
        result[session_id] = (count, waitlisted) if status is RegistrationStatus.REGISTERED else (registered, count)
    return result


def _registered_count(session: LiveSession) -> int:
    return count_seats([session.id])[session.id][0]


@dataclass(frozen=True)
class Placed:
    """What :func:`take_place` did: the person's registration, and the people moved up from the waitlist before it
    (to be emailed by the caller after its commit, as for :func:`cancel_registration`)."""

    registration: Registration
    promoted: list[Registration]


def take_place(session: LiveSession, user: Any, actor: Any, now: datetime) -> Placed:
    """Give ``user`` a seat, or a place on the waitlist when the session is full (idempotent while active).

    Nobody jumps the queue: a seat that is free while people wait (freed without a promotion, as migration 0016 did
    for trainers' seats) goes first to the waitlist, oldest first (:func:`fill_seats`, audited and returned as
    ``promoted``), and ``user`` takes a seat only if one is still free."""
    check_open(session, now)
    check_not_host(session, user, actor)
    lock_session(session)  # first: it also opens the write transaction that enrolment's savepoint needs on SQLite
    check_open(session, now)
    enroll(user, db.session.get(Course, session.course_id), actor)
    promoted = fill_seats(session, now)
    registration = get_registration(session, user)
    if registration is not None and registration.status in ACTIVE:
        return Placed(registration, promoted)
    registration_overlaps.check_free(session, user, actor, now)  # nobody holds two sessions at once
    full = _registered_count(session) >= session.capacity
    status = RegistrationStatus.WAITLISTED if full else RegistrationStatus.REGISTERED
    if registration is None:
        registration = Registration(session_id=session.id, user_id=user.id, status=status)
        db.session.add(registration)
    registration.status = status
    registration.registered_by_id = getattr(actor, "id", None)
    registration.waitlisted_at = now if full else None
    registration.promoted_at = registration.cancelled_at = None
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:  # the same person's other request won the race; theirs stands
        return Placed(get_registration(session, user), promoted)
    audit.record("registration." + status.value, registration, actor, session_id=session.id, user_id=user.id)
    return Placed(registration, promoted)


def register(session: LiveSession, user: Any, actor: Any, now: datetime) -> Registration:
    """:func:`take_place`, returning only the registration: for callers with nobody to tell (the demo data). A
    caller serving a person must use :func:`take_place` and email its ``promoted`` after the commit."""
    return take_place(session, user, actor, now).registration


def check_cancellable(session: LiveSession, registration: Registration | None, now: datetime) -> None:
    """Raise a :class:`DomainError` unless ``registration`` is a seat or waitlist place that can still be given up
    (the session is scheduled and has not started)."""
    if registration is None or registration.status not in ACTIVE:
        raise DomainError(_("There is no registration to cancel."))
    if session.status is SessionStatus.CANCELLED:
        raise DomainError(_("This session was cancelled; your registration is kept as history."))
    if session.status is not SessionStatus.SCHEDULED or now >= session.starts_at:
        raise DomainError(_("This session has started or is over; registrations can no longer change."))


def cancel_registration(session: LiveSession, user: Any, actor: Any, now: datetime) -> list[Registration]:
    """Give up a seat or a waitlist place; returns the people promoted into a freed seat (to be told by email)."""
    check_cancellable(session, get_registration(session, user), now)
    lock_session(session)
    registration = get_registration(session, user)
    check_cancellable(session, registration, now)  # again under the lock: another request may have cancelled it
    was_registered = registration.status is RegistrationStatus.REGISTERED
    registration.status = RegistrationStatus.CANCELLED
    registration.cancelled_at = now
    db.session.flush()
    audit.record("registration.cancelled", registration, actor, session_id=session.id, user_id=user.id)
    return fill_seats(session, now) if was_registered else []


def list_held_in_course(user: Any, course_id: int, now: datetime) -> list[LiveSession]:
    """Scheduled sessions of a course, not yet started, in which ``user`` holds a seat or a waitlist place, soonest
    first: the registrations that :func:`cancel_in_course` gives up."""
    return list(db.session.execute(
        select(LiveSession).join(Registration, Registration.session_id == LiveSession.id)
        .where(Registration.user_id == user.id, Registration.status.in_(ACTIVE), LiveSession.course_id == course_id,
               LiveSession.status == SessionStatus.SCHEDULED, LiveSession.starts_at > now)
        .order_by(LiveSession.starts_at, LiveSession.id)
    ).scalars())


def cancel_in_course(user: Any, course_id: int, actor: Any, now: datetime) -> list[tuple[LiveSession, list[Registration]]]:
    """Give up every seat and waitlist place ``user`` holds in the course's upcoming sessions (someone leaving the
    course), each like :func:`cancel_registration`, so the waitlists move up. Sessions that have started or are over
    keep their registrations (attendance is recorded against them). Returns, per session, the people promoted."""
    return [(session, cancel_registration(session, user, actor, now))
            for session in list_held_in_course(user, course_id, now)]


def fill_seats(session: LiveSession, now: datetime) -> list[Registration]:
    """Promote the first in line on the waitlist into free seats, never one of the session's own trainers (a place
    kept from before :func:`end_for_trainers`). The caller holds the session lock."""
    if session.status is not SessionStatus.SCHEDULED or now >= session.starts_at:
        return []
    free = session.capacity - _registered_count(session)
    if free <= 0:
        return []
    leads = exists().where(SessionTrainer.session_id == session.id, SessionTrainer.user_id == Registration.user_id)
    promoted = list(db.session.execute(
        select(Registration).where(Registration.session_id == session.id,
                                   Registration.status == RegistrationStatus.WAITLISTED, ~leads)
        .order_by(Registration.waitlisted_at, Registration.id).limit(free)
    ).scalars())
    for registration in promoted:
        registration.status = RegistrationStatus.REGISTERED
        registration.promoted_at = now
        audit.record("registration.promoted", registration, None, session_id=session.id,
                     user_id=registration.user_id)
    db.session.flush()
    return promoted


def end_for_trainers(session: LiveSession, user_ids: list[int], actor: Any, now: datetime) -> list[Registration]:
    """End the seat or waitlist place of people just made the session's trainers (trainers do not register for their
    own sessions: :func:`check_not_host`), each audited as ``registration.ended_as_trainer``; returns them. The
    caller holds the session lock and then fills the freed seats (:func:`fill_seats`). Once the session has started,
    registrations no longer change (attendance is recorded against them): someone holding a place cannot be made its
    trainer then (a :class:`DomainError` on the ``trainers`` field)."""
    held = [r for r in registrations_of(session.id, list(user_ids)).values() if r.status in ACTIVE]
    if held and now >= session.starts_at:
        people = ", ".join(sorted(get_user(r.user_id).name for r in held))
        # i18n: %(names)s is one or more people's names, separated by commas.
        raise DomainError(ngettext(
            "%(names)s holds a place in this session, which has started: they cannot become one of its trainers now.",
            "%(names)s hold places in this session, which has started: they cannot become its trainers now.",
            len(held), names=people), field="trainers")
    for registration in sorted(held, key=lambda r: r.id):
        was = registration.status
        registration.status, registration.cancelled_at = RegistrationStatus.CANCELLED, now
        audit.record("registration.ended_as_trainer", registration, actor, session_id=session.id,
                     user_id=registration.user_id, held=was.value)
    db.session.flush()
    return held


def waitlist_position(registration: Registration) -> int | None:
    """1 for the first in line; None if not on the waitlist."""
    if registration.status is not RegistrationStatus.WAITLISTED:
        return None
    ahead = db.session.execute(
        select(func.count(Registration.id)).where(
            Registration.session_id == registration.session_id,
            Registration.status == RegistrationStatus.WAITLISTED,
            or_(Registration.waitlisted_at < registration.waitlisted_at,
                and_(Registration.waitlisted_at == registration.waitlisted_at, Registration.id < registration.id)),
        )
    ).scalar_one()
    return ahead + 1


def registrations_of(session_id: int, user_ids: list[int]) -> dict[int, Registration]:
    """The registrations (any status) of these people for one session, keyed by user id, in one query."""
    if not user_ids:
        return {}
    return {r.user_id: r for r in db.session.execute(
        select(Registration).where(Registration.session_id == session_id, Registration.user_id.in_(user_ids))
    ).scalars()}


def _current_staff(org: Organisation, user_id: int) -> Any:
    user = get_user(user_id)
    membership = get_membership(org, user)
    if membership is None or membership.employment_end is not None:
        raise PermissionDenied(_("That person is not current staff of your organisation."))
    return user


def register_staff(session: LiveSession, org: Organisation, user_id: int, manager: Any, now: datetime) -> Placed:
    """A manager registers a current staff member of ``org`` (seat or waitlist, like the person themselves, the
    waitlist moving up first: :func:`take_place`)."""
    return take_place(session, _current_staff(org, user_id), manager, now)


def cancel_staff(session: LiveSession, org: Organisation, user_id: int, manager: Any,
                 now: datetime) -> list[Registration]:
    return cancel_registration(session, _current_staff(org, user_id), manager, now)
