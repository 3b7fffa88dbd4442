"""A live session's status: cancelling and completing it (one guarded transition), and the people it concerns.

Cancelling is for a session that has not started (one that has is finalised instead); it keeps every registration as
history, and the caller emails the people returned. Completing is possible once the session has started
(:mod:`lms.live.finalizing` completes it). :mod:`lms.live.scheduling` re-exports these functions.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from lms import audit, db
from lms.db import utcnow
from lms.errors import DomainError
from lms.i18n import _
from lms.live import registration as seats
from lms.live.models import SESSION_TRANSITIONS, LiveSession, Registration, SessionStatus
from lms.reasons import required_reason


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
    """The one guarded transition of a session's status (:data:`SESSION_TRANSITIONS`). Cancelling needs a reason
    and is possible only before the session starts (after that, attendance may be recorded against it: it is
    finalised, as having ended early if it did); completing is possible once the session has started."""
    now = now or utcnow()
    if status not in SESSION_TRANSITIONS[session.status]:
        raise DomainError(
            _("A session that is %(old)s cannot become %(new)s.", old=session.status.title.lower(), new=status.title.lower())
        )
    if status is SessionStatus.CANCELLED and now >= session.starts_at:
        raise DomainError(started_cannot_cancel_text())
    if status is SessionStatus.CANCELLED:
        reason = required_reason(reason, _("Give a reason for cancelling; registrants will read it."))
        session.cancel_reason, session.cancelled_at = reason, now
        session.cancelled_by_id = getattr(actor, "id", None)
        session.sequence, session.updated_at = session.sequence + 1, now  # calendars must take the cancellation
    if status is SessionStatus.COMPLETED and now < session.starts_at:
        raise DomainError(_("A session cannot be completed before it starts."))
    old, session.status = session.status, status
    audit.record("live_session.status_changed", session, actor, reason=reason or None, old=old, new=status)
    db.session.flush()


def is_cancellable(session: LiveSession, now: datetime) -> bool:
    """Whether the session can still be cancelled: scheduled, and not started yet."""
    return session.status is SessionStatus.SCHEDULED and now < session.starts_at


def started_cannot_cancel_text() -> str:
    """Why a session that has started cannot be cancelled, and what to do instead."""
    # i18n: "Finalise attendance" and "The session ended early" are the names of a button and a tick box on the
    # session's "Roster and attendance" page.
    return _("This session has already started, so it can no longer be cancelled: attendance may be recorded for it. "
             "Finalise its attendance instead (“Roster and attendance”, then “Finalise attendance”); if it stopped "
             "before its scheduled end, tick “The session ended early” there.")


def cancel_session(session: LiveSession, reason: str, actor: Any, now: datetime) -> list[Registration]:
    """Cancel a session that has not started; registrations stay as they are (history). Returns the registered and
    waitlisted people to tell."""
    seats.lock_session(session)
    transition(session, SessionStatus.CANCELLED, actor, reason, now)
    return active_registrations(session)


def complete_session(session: LiveSession, actor: Any, now: datetime) -> None:
    transition(session, SessionStatus.COMPLETED, actor, now=now)
