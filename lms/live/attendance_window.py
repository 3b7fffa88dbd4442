"""Moving a session whose attendance times are recorded: whose credited time the new window would cut.

Minutes count only inside the session's window (:mod:`lms.live.intervals`), so moving a session that took place (or is
running) after people's times were recorded can silently lower their credited minutes, and with them their training
hours and whether they complete the module. The edit form asks the trainer to confirm first
(:mod:`lms.web.live.manage`)."""

from __future__ import annotations

from datetime import datetime

from lms.live.intervals import attended_seconds
from lms.live.models import LiveSession
from lms.live.roster import load_roster


def count_losing_time(session: LiveSession, starts_at: datetime, ends_at: datetime, now: datetime) -> int:
    """How many people (not its trainers) would have fewer credited seconds if ``session`` ran from ``starts_at`` to
    ``ends_at`` instead: their recorded times (not set aside) fall partly outside the new window."""
    if (starts_at, ends_at) == (session.starts_at, session.ends_at) or session.attendance_finalized_at is not None:
        return 0
    losing = 0
    for line in load_roster(session, now).lines:
        spans = [(i.joined_at, i.left_at) for i in line.live_intervals]
        if not line.is_host and spans and attended_seconds(spans, starts_at, ends_at, now) < line.seconds:
            losing += 1
    return losing
