"""Emailed links asked for again: the same link asked for within a short wait is not sent again, so a double tap on a
form, or a reload that sends its POST again, sends one email, not two.

Each link sent is an audit row of the account (who asked, when, and for a new address which one), appended under a
lock on the account's row, so that of two requests at the same moment the second waits and then finds the first.
The caller sends the email before it commits: when the mail server refuses it, the row goes with the rollback and
asking again sends at once. A caller that sends after the response (the password reset, so that the time taken does not
tell who has an account: :mod:`lms.notify.after_response`) commits first and, if the send then fails, takes the row
back with :func:`withdraw`: each row stands for a link sent. A later change that ends the link (a new password, a new
address) ends the wait too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from lms import audit, db
from lms.accounts.models import User
from lms.accounts.services import get_user_by_email
from lms.audit import AuditEvent
from lms.db import utcnow

EMAIL_CHANGE_SENT = "user.email_change_requested"
RESET_SENT = "user.password_reset_requested"
CONFIRM_SENT = "user.email_confirmation_sent"
#: The changes after which an earlier link of each kind no longer stands (it stops working, or its work is done).
_ENDED_BY = {
    EMAIL_CHANGE_SENT: ("user.email_changed", "user.password_changed"),
    RESET_SENT: ("user.password_changed",),
    CONFIRM_SENT: ("user.email_confirmed", "user.email_changed"),
}


@dataclass(frozen=True)
class SentLink:
    """The last link of a kind sent to an account that still stands: when, to which new address (email changes
    only), and from when another may be sent."""

    sent_at: datetime
    resend_at: datetime
    email: str | None = None

    def can_resend(self, now: datetime | None = None) -> bool:
        return (now or utcnow()) >= self.resend_at


def last_sent(user: User, action: str, wait: timedelta, max_age: timedelta,
              now: datetime | None = None) -> SentLink | None:
    """The last link of kind ``action`` (``EMAIL_CHANGE_SENT``, ``RESET_SENT``) sent to ``user``, if it still stands:
    sent less than ``max_age`` ago (the link's own life) and nothing since that ends it. One indexed read."""
    row = db.session.execute(
        select(AuditEvent.action, AuditEvent.at, AuditEvent.data)
        .where(AuditEvent.object_type == User.__name__, AuditEvent.object_id == user.id,
               AuditEvent.action.in_((action, *_ENDED_BY[action])))
        .order_by(AuditEvent.id.desc()).limit(1)
    ).first()
    if row is None or row.action != action or row.at <= (now or utcnow()) - max_age:
        return None
    email = (row.data or {}).get("email")
    return SentLink(sent_at=row.at, resend_at=row.at + wait, email=email if isinstance(email, str) else None)


def claim(user: User, wait: timedelta, actor: User | None = None, *, email: str | None = None,
          now: datetime | None = None) -> SentLink | None:
    """Record that a link is about to be sent to ``user``: the confirmation of the new address ``email``, or without
    one a password reset; or, when the same link was sent less than ``wait`` ago, record nothing and return that one:
    the caller then sends nothing. Locks the account's row until the transaction ends: send, then commit (or roll
    back if the email could not be sent)."""
    db.lock_row(user)
    sent = last_sent(user, RESET_SENT if email is None else EMAIL_CHANGE_SENT, wait, wait, now)
    if sent is not None and sent.email == email:
        return sent
    if email is None:
        audit.record("user.password_reset_requested", user, actor)
    else:
        audit.record("user.email_change_requested", user, actor, email=email)
    db.session.flush()
    return None


def claim_confirmation(user: User, wait: timedelta) -> SentLink | None:
    """As :func:`claim`, for the link that confirms the address of a new account (``user.email_confirmation_sent``)."""
    db.lock_row(user)
    sent = last_sent(user, CONFIRM_SENT, wait, wait)
    if sent is not None:
        return sent
    audit.record(CONFIRM_SENT, user, user)
    db.session.flush()
    return None


def request_password_reset(email: str, wait: timedelta) -> User | None:
    """The account of ``email`` to send a password-reset email to (a link, or for a disabled account whom to ask),
    or None: no such account, or one was sent to it less than ``wait`` ago. See :func:`claim`."""
    user = get_user_by_email(email)
    if user is None or claim(user, wait) is not None:
        return None
    return user


def withdraw(user_id: int, action: str, since: datetime) -> bool:
    """Take back the record of a link of kind ``action`` claimed (:func:`claim`) at or after ``since`` that could not
    be sent after all, so that asking again sends at once. Only while it is still the last of its kinds for the
    account (nothing since ended it); under the same lock as :func:`claim`. True if a row was taken back; the caller
    commits."""
    user = db.session.get(User, user_id)
    if user is None:
        return False
    db.lock_row(user)
    event = db.session.execute(
        select(AuditEvent)
        .where(AuditEvent.object_type == User.__name__, AuditEvent.object_id == user.id,
               AuditEvent.action.in_((action, *_ENDED_BY[action])))
        .order_by(AuditEvent.id.desc()).limit(1)
    ).scalar_one_or_none()
    if event is None or event.action != action or event.at < since:
        return False
    db.session.delete(event)
    db.session.flush()
    return True
