"""One person, one session at a time: nobody holds places in two live sessions whose times overlap.

Registering (oneself on the session page or through the API, or a manager registering staff) is refused with
:class:`RegistrationOverlap` (409) when the person already holds a registration, a seat or a waitlist place, in
another session, not cancelled, whose time overlaps the new one's. Times are compared as instants (stored in UTC), so
a session planned in New York and one planned in Los Angeles clash when they run at the same moment. Times are
half-open: a session ending at 10:00 leaves the person free for one starting at 10:00; a session that ended early
holds them only until it really ended. The refusal names the other session and its time in the person's own time
zone (the zone named), and says whether it is a seat or a waitlist place, so they can cancel one of the two.

Only registering is refused. A trainer who moves a session so that it overlaps another session of someone
registered is not blocked (the trainer cannot see everyone's calendar, and the person may cancel either); if the
person is then credited for both, the approver sees the overlap (:mod:`lms.hours.overlaps`).

Two registrations of the same person sent at the same moment must not both pass: :func:`check_free` first takes the
person's row lock (always after the session's), so the second waits, then sees the first.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from lms import db
from lms.catalog.models import Course, Module
from lms.catalog.texts import load_titles
from lms.errors import ConflictError
from lms.i18n import _, current_locale, format_locale, zone_of
from lms.live.models import LiveSession, Registration, RegistrationStatus, SessionStatus
from lms.live.times import when_text

HELD = (RegistrationStatus.REGISTERED, RegistrationStatus.WAITLISTED)


class RegistrationOverlap(ConflictError):
    """The person holds a place in another session at that time. ``details``: ``other`` (that session's id),
    ``waitlisted`` (the place there is on the waitlist) and ``cancellable`` (it has not started, so the place can
    still be given up)."""

    code = "registration_overlap"


def find_overlapping(session: LiveSession, user: Any) -> tuple[LiveSession, Registration] | None:
    """The earliest other session, not cancelled, overlapping ``session`` in which ``user`` holds a seat or a
    waitlist place, with that registration; None when there is none."""
    end = func.coalesce(LiveSession.ended_early_at, LiveSession.ends_at)
    row = db.session.execute(
        select(LiveSession, Registration).join(Registration, Registration.session_id == LiveSession.id)
        .where(Registration.user_id == user.id, Registration.status.in_(HELD), LiveSession.id != session.id,
               LiveSession.status != SessionStatus.CANCELLED,
               LiveSession.starts_at < session.counted_end, end > session.starts_at)
        .order_by(LiveSession.starts_at, LiveSession.id).limit(1)
    ).first()
    return None if row is None else (row[0], row[1])


def check_free(session: LiveSession, user: Any, actor: Any, now: datetime) -> None:
    """Raise :class:`RegistrationOverlap` when ``user`` holds a place in another session at ``session``'s time.
    Takes the person's row lock first (see the module docstring); ``actor`` is who registers (the wording says
    "you" to the person themselves)."""
    db.lock_row(user, key_share=True)
    found = find_overlapping(session, user)
    if found is None:
        return
    other, held = found
    waitlisted = held.status is RegistrationStatus.WAITLISTED
    cancellable = other.status is SessionStatus.SCHEDULED and now < other.starts_at
    raise RegistrationOverlap(_text(other, user, actor, waitlisted), other=other.id, waitlisted=waitlisted,
                              cancellable=cancellable)


def _names(other: LiveSession, user: Any) -> dict[str, str]:
    """The other session as the reader knows it: titles in their language, its time in the person's zone."""
    module, course = db.session.get(Module, other.module_id), db.session.get(Course, other.course_id)
    texts = load_titles([module], [course], current_locale())[course.id]
    return {
        "module": texts(module) or module.slug,
        "course": texts(course) or course.slug,
        "when": when_text(other.starts_at, other.ends_at, zone_of(user), format_locale(current_locale())),
    }


def _text(other: LiveSession, user: Any, actor: Any, waitlisted: bool) -> str:
    names = _names(other, user)
    if actor is not None and actor.id == user.id:
        if waitlisted:
            # i18n: %(module)s and %(course)s are titles; %(when)s is a day and times with their zone
            # ("Wednesday, December 16, 2026 · 9:00 AM - 12:00 PM PST").
            return _("You are on the waitlist of another session at that time: “%(module)s” (%(course)s), %(when)s. "
                     "Nobody can attend two sessions at once, so you cannot register for this one as well.", **names)
        # i18n: %(module)s and %(course)s are titles; %(when)s is a day and times with their zone.
        return _("You are already registered for another session at that time: “%(module)s” (%(course)s), %(when)s. "
                 "Nobody can attend two sessions at once, so you cannot register for this one as well.", **names)
    if waitlisted:
        # i18n: %(name)s is a person's name; %(module)s and %(course)s are titles; %(when)s is a day and times with
        # their zone.
        return _("%(name)s is on the waitlist of another session at that time: “%(module)s” (%(course)s), %(when)s. "
                 "Nobody can attend two sessions at once, so they cannot be registered for this one as well.",
                 name=user.name, **names)
    # i18n: %(name)s is a person's name; %(module)s and %(course)s are titles; %(when)s is a day and times with their
    # zone.
    return _("%(name)s is already registered for another session at that time: “%(module)s” (%(course)s), %(when)s. "
             "Nobody can attend two sessions at once, so they cannot be registered for this one as well.",
             name=user.name, **names)
