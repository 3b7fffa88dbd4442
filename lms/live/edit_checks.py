"""What an edit of a session asks the trainer to confirm before it is saved, besides recorded attendance times cut by
a new time (:mod:`lms.live.attendance_window`): a new time zone for a session people are registered for.

A session keeps its wall-clock time when its time zone changes (6 PM stays 6 PM, in the new zone), so changing only
the zone moves it for everyone, and everyone registered or on the waitlist is emailed at once
(:func:`lms.live.scheduling.update_session`). The edit form says where the new time falls in the old zone and asks
first (:mod:`lms.web.live.manage`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from lms.errors import DomainError
from lms.live.models import LiveSession
from lms.live.plans import session_times
from lms.live.scheduling import SessionData
from lms.live.session_status import active_registrations


@dataclass(frozen=True)
class ZoneMove:
    """A new time zone that moves a session people are registered for: how many are told, and the new times."""

    people: int
    starts_at: datetime
    ends_at: datetime


def zone_move(session: LiveSession, data: SessionData, now: datetime) -> ZoneMove | None:
    """The move that saving ``data`` would make by changing the session's time zone, when people registered or on
    the waitlist would be emailed of it (the session is not over); None otherwise, or when the new time cannot be
    worked out (the service then refuses the data with its own message)."""
    if data.timezone == session.timezone:
        return None
    try:
        starts_at, ends_at, _deadline = session_times(data, 0)
    except DomainError:
        return None
    if (starts_at, ends_at) == (session.starts_at, session.ends_at) or max(session.ends_at, ends_at) <= now:
        return None
    people = len(active_registrations(session))
    return ZoneMove(people, starts_at, ends_at) if people else None
