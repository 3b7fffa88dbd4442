"""Double bookings: a trainer cannot lead two sessions at once, and one room cannot hold two sessions at once.

A plan is refused with :class:`ScheduleConflict` (409) when one of its sessions overlaps another session that is not
cancelled and is led by one of the same trainers, or is held at the same address (in person or hybrid: online
sessions share no room). Times are half-open, so a session ending at 10:00 leaves its trainer and room free for one
starting at 10:00; a completed session that ended early holds them only until it really ended.

The address is free text. Two are the same place when they are equal ignoring case, spacing and punctuation, so
"Room B, 1200 Main St" and "Room A, 1200 Main St" are two rooms; the refusal says to name the room when a building
has several. Two plans checked at the same moment must not both pass: :func:`lock_plan` queues them per trainer
and per place until the transaction ends.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import and_, func, or_, select

from lms import db
from lms.accounts.models import User
from lms.catalog.models import Course, Module
from lms.catalog.texts import load_titles
from lms.errors import ConflictError
from lms.i18n import _, current_locale, format_locale, format_when, to_local
from lms.live.models import LiveSession, SessionMode, SessionStatus, SessionTrainer
from lms.live.times import babel_locale, zone_abbreviation

Window = tuple[datetime, datetime]


class ScheduleConflict(ConflictError):
    """A plan would double-book a trainer or a place. ``details``: ``field`` (where the form shows it), ``other``
    (the id of the session in the way) and ``reason`` (``trainer`` or ``place``)."""


def place_key(address: str | None) -> str | None:
    """The address as compared for double bookings: its words, lower case, single-spaced (None: no place)."""
    words = re.findall(r"\w+", (address or "").casefold())
    return " ".join(words) or None


def lock_plan(trainer_ids: Iterable[int], address: str | None) -> None:
    """Queue plans that could clash until this transaction ends: lock the trainers' rows (on SQLite this takes the
    database's write lock, which queues every writer), and on PostgreSQL also a transaction lock named after the place."""
    for user_id in sorted(set(trainer_ids)):  # always in the same order, so two plans never wait for each other
        user = db.session.get(User, user_id)
        if user is not None:
            db.lock_row(user, key_share=True)
    key = place_key(address)
    if key and db.session.get_bind().dialect.name == "postgresql":
        digest = hashlib.sha256(f"lms-live-place:{key}".encode()).digest()
        db.session.execute(select(func.pg_advisory_xact_lock(int.from_bytes(digest[:8], "big", signed=True))))


def check_free(windows: list[Window], trainer_ids: Iterable[int], address: str | None, exclude_id: int | None = None) -> None:
    """Raise :class:`ScheduleConflict` when a session at one of ``windows`` (UTC start and end) would overlap another
    session, not cancelled, of one of the trainers or at the same place (``address``: None for online sessions).
    ``exclude_id``: the session being edited, which never clashes with itself."""
    overlapping = _overlapping(windows, exclude_id)
    trainer_ids = sorted(set(trainer_ids))
    if trainer_ids:
        row = db.session.execute(
            select(LiveSession, SessionTrainer.user_id)
            .join(SessionTrainer, SessionTrainer.session_id == LiveSession.id)
            .where(*overlapping, SessionTrainer.user_id.in_(trainer_ids))
            .order_by(LiveSession.starts_at, LiveSession.id)
            .limit(1)
        ).first()
        if row is not None:
            other, user_id = row
            raise ScheduleConflict(_trainer_text(other, db.session.get(User, user_id)), field=None, other=other.id,
                                   reason="trainer")
    other = _same_place(overlapping, place_key(address))
    if other is not None:
        raise ScheduleConflict(_place_text(other), field="address", other=other.id, reason="place")


def _overlapping(windows: list[Window], exclude_id: int | None) -> list:
    """Conditions for a session, not cancelled and not ``exclude_id``, overlapping one of ``windows``."""
    end = func.coalesce(LiveSession.ended_early_at, LiveSession.ends_at)
    conditions = [
        LiveSession.status != SessionStatus.CANCELLED,
        or_(*(and_(LiveSession.starts_at < ends_at, end > starts_at) for starts_at, ends_at in windows)),
    ]
    if exclude_id is not None:
        conditions.append(LiveSession.id != exclude_id)
    return conditions


def _same_place(overlapping: list, key: str | None) -> LiveSession | None:
    if key is None:
        return None
    candidates = db.session.execute(
        select(LiveSession)
        .where(*overlapping, LiveSession.mode != SessionMode.ONLINE, LiveSession.address.is_not(None))
        .order_by(LiveSession.starts_at, LiveSession.id)
    ).scalars()
    return next((s for s in candidates if place_key(s.address) == key), None)


def _names(session: LiveSession) -> dict[str, str]:
    """The other session as the reader knows it: module and course titles in their language, and its start in their
    time zone and language, the zone named (``Dec 8, 2026, 6:00 PM PST``)."""
    module, course = db.session.get(Module, session.module_id), db.session.get(Course, session.course_id)
    texts = load_titles([module], [course], current_locale())[course.id]
    zone = zone_abbreviation(to_local(session.starts_at), babel_locale(format_locale(current_locale())))
    return {
        "module": texts(module) or module.slug,
        "course": texts(course) or course.slug,
        "when": f"{format_when(session.starts_at)} {zone}",
    }


def _trainer_text(other: LiveSession, trainer: User) -> str:
    # i18n: %(trainer)s is a person's name; %(module)s and %(course)s are titles; %(when)s is a date, time and time
    # zone ("Dec 8, 2026, 6:00 PM PST").
    return _(
        "%(trainer)s already leads a session at that time, starting %(when)s: “%(module)s” (%(course)s). A trainer "
        "cannot lead two sessions at once: choose another time or other trainers.",
        trainer=trainer.name,
        **_names(other),
    )


def _place_text(other: LiveSession) -> str:
    # i18n: %(module)s and %(course)s are titles; %(when)s is a date, time and time zone ("Dec 8, 2026, 6:00 PM PST").
    return _(
        "Another session is held at this address at that time, starting %(when)s: “%(module)s” (%(course)s). Choose "
        "another time or place. If the two sessions are in different rooms, name the room in the address.",
        **_names(other),
    )
