"""The one-time key of a scheduling form: the same form sent twice (a double click, a resend) schedules once.

The first session of a form's plan stores the key (unique per person who scheduled it); a later sending finds it
(:func:`first_of_submission`), and one sent at the same moment loses the race on the unique key (:func:`add_session`).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from lms import db
from lms.errors import DomainError
from lms.i18n import _
from lms.live.models import LiveSession

#: The longest one-time form key accepted (the column's size).
SUBMISSION_KEY_MAX = 80


def submission_key(key: str | None, actor: Any) -> str | None:
    """The form's key, stripped; None without one, or for an actor with no id (keys are per person)."""
    key = (key or "").strip() or None
    if key is not None and len(key) > SUBMISSION_KEY_MAX:
        raise DomainError(_("This submission has no valid idempotency key. Reload the form and try again."))
    return key if getattr(actor, "id", None) is not None else None  # keys are per person


def first_of_submission(actor: Any, key: str) -> LiveSession | None:
    """The first session that ``actor``'s form with ``key`` scheduled, if it did."""
    return db.session.execute(
        select(LiveSession).where(LiveSession.created_by_id == actor.id, LiveSession.idempotency_key == key)
    ).scalar_one_or_none()


def add_session(session: LiveSession, key: str | None) -> bool:
    """Add a session (the first of a form's plan with the form's ``key``); False when the unique key shows that the
    form has already scheduled."""
    if key is None:
        db.session.add(session)
        db.session.flush()
        return True
    session.idempotency_key = key
    try:
        with db.session.begin_nested():
            db.session.add(session)
            db.session.flush()
    except IntegrityError:
        return False
    return True
