"""The email that warns a token's owner, once, that the token expires within
:data:`lms.accounts.api_tokens.WARNING_PERIOD` (7 days), so that a program using it (a payroll import) is given a new
one before it is refused.

``lms notify-expiring-tokens`` runs from cron and, for each token due a warning:

1. :func:`claim`: locks the token's row (``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite's write lock), checks again
   that it is still due and that no ``api_token.expiry_notice_sent`` audit row names it, and appends that row
   (flushed, not committed). A second run at the same moment waits on the lock, then finds the row and skips;
2. :func:`send_notice`: emails the owner in their language, the moment in their time zone;
3. the command commits (or rolls back when the mail server refused, so the next run tries again).

The audit row is the record that the warning was sent: it needs no table of its own, and the audit log shows it.
A token due a warning: not revoked, expiring after now and within the period, its owner's account active.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Exists, exists, select

from lms import audit, db
from lms.accounts.api_tokens import WARNING_PERIOD, expires_within
from lms.accounts.models import ApiToken, User
from lms.audit import AuditEvent
from lms.i18n import format_locale, zone_of
from lms.live.times import instant_text
from lms.notify.services import recipient_locale, send_email

#: The audit action that records a sent warning (one per token).
NOTICE_SENT = "api_token.expiry_notice_sent"


def _notice_of(token_id: Any) -> Exists:
    """Whether a warning of the token (an id, or the column in a query of tokens) was recorded."""
    return exists().where(AuditEvent.object_type == ApiToken.__name__, AuditEvent.object_id == token_id,
                          AuditEvent.action == NOTICE_SENT)


def find_due(now: datetime) -> list[int]:
    """The ids of the tokens due a warning and not warned yet, soonest to expire first."""
    return list(db.session.execute(
        select(ApiToken.id).join(User, User.id == ApiToken.user_id)
        .where(ApiToken.revoked_at.is_(None), ApiToken.expires_at > now, ApiToken.expires_at <= now + WARNING_PERIOD,
               User.is_active.is_(True), ~_notice_of(ApiToken.id))
        .order_by(ApiToken.expires_at, ApiToken.id)
    ).scalars())


def claim(token_id: int, now: datetime) -> ApiToken | None:
    """Record that the token's warning is sent (flushed, not committed) and return the token; None when it is no
    longer due (revoked, expired or its owner disabled meanwhile) or another run has warned of it already."""
    token = db.session.get(ApiToken, token_id)
    if token is None:
        return None
    db.lock_row(token)  # overlapping runs queue up here; the loser then sees the winner's row
    if not expires_within(token, WARNING_PERIOD, now) or not token.user.is_active:
        return None
    if db.session.execute(select(_notice_of(token.id))).scalar():
        return None
    audit.record("api_token.expiry_notice_sent", token, None, expires_at=token.expires_at)  # NOTICE_SENT
    db.session.flush()
    return token


def send_notice(token: ApiToken, link: str) -> None:
    """Email the token's owner that it expires soon, in their language and time zone (raises ``MailError``)."""
    user = token.user
    language = recipient_locale(user)
    zone, fmt = zone_of(user), format_locale(language)
    send_email(user.email, "api_token_expiring", language, user=user, token=token, link=link,
               expires=instant_text(token.expires_at, zone, fmt),
               last_used=instant_text(token.last_used_at, zone, fmt) if token.last_used_at else "")
