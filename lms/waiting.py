"""How long a request refused by a rate limit must wait, in the reader's words, for the 429 page (``lms.errors``)."""

from __future__ import annotations

import math
import time
from datetime import timedelta

from flask import current_app
from flask_babel import format_timedelta

from lms.limiter import limiter_for


def wait_text() -> str | None:
    """Until the breached limit lets a request through (what Flask-Limiter sends as ``Retry-After``) in words ("2
    minutes", "1 hour"), rounded up to whole minutes, hours or days, never too short; None when no limit of
    Flask-Limiter's was breached in this request (a 429 of a view's own, e.g. invitations over their allowance)."""
    try:
        breached = [limit for limit in limiter_for(current_app).current_limits if limit.breached]
    except Exception:  # no limiter in this app, or its storage cannot be read: the caller's general words
        return None
    if not breached:
        return None
    seconds = int(max(limit.reset_at for limit in breached) - time.time())  # as Flask-Limiter's Retry-After says
    minutes = max(1, math.ceil(seconds / 60))
    for unit in (24 * 60, 60):  # a whole number of the largest unit it comes to
        if minutes >= unit:
            minutes = math.ceil(minutes / unit) * unit
            break
    return format_timedelta(timedelta(minutes=minutes), threshold=1)
