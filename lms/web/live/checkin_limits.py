"""The check-in rate limits and the page a trainee sees when one is reached.

Only wrong or closed codes count (:func:`counts_towards_limit`): not a typo, nor the right code typed too early.
Once a limit is reached even the right code is refused until the window moves on: that refusal is what stops
guessing, so the page says plainly how long to wait and that the trainer can record the attendance meanwhile.
"""

from __future__ import annotations

import math
import time
from datetime import datetime

from flask import current_app, request
from limits import parse

from lms import errors
from lms.i18n import _, ngettext
from lms.limiter import limiter_for
from lms.live import checkin as checkins
from lms.web.live import bp


def user_limit() -> str:
    return current_app.config["LMS_CHECKIN_LIMIT"]


def client_limit() -> str:
    return current_app.config["LMS_CHECKIN_LIMIT_PER_CLIENT"]


def counts_towards_limit(error: errors.DomainError, now: datetime) -> bool:
    """A wrong code or the code of a closed session is a guess; a code of the wrong length is a typo that could never
    be right, and a refusal after the right code guesses nothing: a trainer of the session, or someone early, before
    its check-in opens (a whole room arriving early on one Wi-Fi address must not lock itself out)."""
    if isinstance(error, checkins.NotOpenError) and is_too_early(error, now):
        return False
    return isinstance(error, checkins.WrongCodeError | checkins.NotOpenError)


def is_too_early(error: checkins.NotOpenError, now: datetime) -> bool:
    """Whether ``error`` refused the right code of a session whose check-in opens later."""
    return error.details.get("reason") == "window" and now < error.details["opens_at"]


def wait_seconds() -> int:
    """Until the reached limit lets one more attempt through, as Flask-Limiter computes its ``Retry-After``; the
    longest configured window when it cannot say."""
    breached = [limit for limit in limiter_for(current_app).current_limits if limit.breached]
    if breached:
        return max(0, int(max(limit.reset_at for limit in breached) - time.time()))
    return max(parse(value).get_expiry() for value in (user_limit(), client_limit()))


@bp.errorhandler(429)
def too_many_codes(error: Exception):
    """The check-in form's 429 says how long to wait and what to do meanwhile; other pages keep the general one."""
    if request.endpoint != "lms.sessions.checkin":
        return errors.handle_http_error(error)
    minutes = max(1, math.ceil(wait_seconds() / 60))
    message = ngettext(
        "Too many wrong check-in codes were sent from your account or this network, so check-in is paused here, even "
        "for the right code. Try again in %(num)d minute. If you cannot wait, ask your trainer to record your "
        "attendance.",
        "Too many wrong check-in codes were sent from your account or this network, so check-in is paused here, even "
        "for the right code. Try again in %(num)d minutes. If you cannot wait, ask your trainer to record your "
        "attendance.",
        minutes,
    )
    return errors.error_page(429, _("Check-in paused"), message)
