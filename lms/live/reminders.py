"""Reminders before live sessions, each sent once and only once per person, session and kind.

Kinds come from ``LMS_REMINDER_OFFSETS`` (default ``"24h,1h"``; units ``m``, ``h``, ``d``). A reminder of kind *K* is
due while ``start - K <= now < start``, for people *registered* (not waitlisted or cancelled) for a *scheduled*
session, never its own trainers (a seat kept from before they were made one), and not to someone who has already
checked in or joined (time is recorded for them: a reminder that says "if you cannot come, cancel" would reach them in
the room). ``lms send-reminders`` runs from cron
every few minutes and, for each due reminder:

1. inserts the :class:`ReminderSent` row (unique on session, person and kind) and flushes it — a second runner at
   the same moment waits on that unique key and then gets an ``IntegrityError``, so it skips;
2. sends the email;
3. commits (or rolls back if the mail server refused, so the next run tries again).

When several kinds are due at once for one person (they registered late, or cron was down), one email is sent and
every due kind is recorded, so nobody gets two reminders in the same minute.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError

from lms import db
from lms.accounts.models import User
from lms.live.models import (
    AttendanceInterval,
    LiveSession,
    Registration,
    RegistrationStatus,
    ReminderSent,
    SessionStatus,
    SessionTrainer,
)
from lms.live.notices import TitleBook, send_session_email
from lms.live.registration import lock_session

OFFSET_RE = re.compile(r"^(\d{1,4})([mhd])$")
UNITS = {"m": "minutes", "h": "hours", "d": "days"}


def parse_offsets(text: str) -> list[tuple[str, timedelta]]:
    """``"24h,1h"`` → ``[("24h", 24 hours), ("1h", 1 hour)]``, longest first. Raises ``ValueError`` on bad input."""
    offsets = {}
    for part in (text or "").replace(" ", "").lower().split(","):
        if not part:
            continue
        match = OFFSET_RE.match(part)
        if match is None or int(match.group(1)) == 0:
            raise ValueError(f"bad reminder offset {part!r}: use e.g. 24h, 90m or 2d")
        offsets[part] = timedelta(**{UNITS[match.group(2)]: int(match.group(1))})
    if not offsets:
        raise ValueError("no reminder offsets configured")
    return sorted(offsets.items(), key=lambda item: item[1], reverse=True)


@dataclass(frozen=True)
class DueReminder:
    session_id: int
    user_id: int
    kinds: tuple[str, ...]


def find_due(now: datetime, offsets: list[tuple[str, timedelta]]) -> list[DueReminder]:
    """Every (session, person) with at least one reminder kind due and not yet sent, soonest session first."""
    horizon = now + max(offset for _kind, offset in offsets)
    leads = exists().where(SessionTrainer.session_id == Registration.session_id,
                           SessionTrainer.user_id == Registration.user_id)  # a seat kept from before they led it
    here = exists().where(AttendanceInterval.session_id == Registration.session_id,
                          AttendanceInterval.user_id == Registration.user_id, AttendanceInterval.is_void.is_(False))
    rows = db.session.execute(
        select(Registration.session_id, Registration.user_id, LiveSession.starts_at)
        .join(LiveSession, LiveSession.id == Registration.session_id)
        .join(User, User.id == Registration.user_id)
        .where(Registration.status == RegistrationStatus.REGISTERED, LiveSession.status == SessionStatus.SCHEDULED,
               LiveSession.starts_at > now, LiveSession.starts_at <= horizon, User.is_active.is_(True), ~leads, ~here)
        .order_by(LiveSession.starts_at, Registration.session_id, Registration.user_id)
    ).all()
    session_ids = list({row.session_id for row in rows})
    sent = set()
    if session_ids:
        sent = {tuple(row) for row in db.session.execute(
            select(ReminderSent.session_id, ReminderSent.user_id, ReminderSent.kind)
            .where(ReminderSent.session_id.in_(session_ids))
        )}
    due = []
    for session_id, user_id, starts_at in rows:
        kinds = tuple(kind for kind, offset in offsets
                      if starts_at - offset <= now and (session_id, user_id, kind) not in sent)
        if kinds:
            due.append(DueReminder(session_id, user_id, kinds))
    return due


def claim(item: DueReminder) -> bool:
    """Record the reminder as sent (flushed, not committed). False if another run already has.

    The session row is locked first: overlapping runs queue up per session, and on SQLite it opens the write
    transaction that the savepoint below needs (pysqlite would otherwise commit at the savepoint's release)."""
    lock_session(db.session.get(LiveSession, item.session_id))
    try:
        with db.session.begin_nested():
            db.session.add_all(ReminderSent(session_id=item.session_id, user_id=item.user_id, kind=kind)
                               for kind in item.kinds)
            db.session.flush()
    except IntegrityError:
        return False
    return True


def send(item: DueReminder, link: str, book: TitleBook) -> None:
    """Send the reminder email in the person's language and zone (raises ``MailError``)."""
    session = db.session.get(LiveSession, item.session_id)
    user = db.session.get(User, item.user_id)
    send_session_email("session_reminder", session, user, link, book, show_place=True, kind=item.kinds[-1])
