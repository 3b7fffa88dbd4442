"""What the attendance pages share (the trainer's roster, one person, the report import, the check-in screens): the
settings they read, the signed-in user, and the session's header and clock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from flask import current_app, url_for
from werkzeug.routing import BuildError

from lms.db import utcnow
from lms.i18n import current_locale
from lms.live import attendance as services
from lms.live import checkin
from lms.live import roster as rosters
from lms.live.models import AttendanceStatus, LiveSession
from lms.live.times import one_day, wall_clock_text, when_text
from lms.security import current_user
from lms.web.live.schedule_support import checkin_grace, viewer_format_locale


def min_share() -> int:
    """``LMS_ATTENDANCE_MIN_SHARE``: the percent of a session that completes its module."""
    return int(current_app.config["LMS_ATTENDANCE_MIN_SHARE"])


def actor() -> Any:
    """The signed-in user as a plain object (every attendance page needs one)."""
    return current_user._get_current_object()


def session_clock(session: LiveSession) -> Callable[[datetime | None], str]:
    """Times on attendance pages are wall-clock times in the session's zone (as the trainer types them), each with
    its day when the check-in window crosses midnight (11:42 PM beside Dec 7, 2:31 AM read as the same night)."""
    locale = viewer_format_locale()  # es_US: "PST", "a.m."; plain es has neither
    first_day = one_day(*checkin.window(session, checkin_grace()), session.timezone)

    def clock(value: datetime | None) -> str:
        return wall_clock_text(value, session.timezone, locale, first_day) if value is not None else ""

    return clock


def session_page(session: LiveSession) -> dict[str, Any]:
    """What every attendance page of ``session`` shows in its header and tables."""
    return {
        "info": rosters.describe(session, current_locale()),
        "session": session,
        "when": when_text(session.starts_at, session.ends_at, session.timezone, viewer_format_locale()),
        "clock": session_clock(session),
        "min_share": min_share(),
        "min_run_percent": services.MIN_RUN_PERCENT,
        "ran_long_enough": services.ran_long_enough(session),
        "running": session.starts_at <= utcnow() < session.ends_at,
        "scheduled_minutes": _minutes_between(session.starts_at, session.ends_at),
        "counted_minutes": _minutes_between(session.starts_at, session.counted_end),
        "status_choices": AttendanceStatus.choices(),
        "session_url": _session_url(session),
    }


def _minutes_between(start: datetime, end: datetime) -> int:
    return max(int((end - start).total_seconds()) // 60, 0)


def _session_url(session: LiveSession) -> str | None:
    """The session's public page (scheduling's ``lms.sessions.detail``), if that view is there."""
    try:
        return url_for("lms.sessions.detail", session_id=session.id)
    except BuildError:
        return None
