"""Shared by the scheduling views: the viewer, times in the viewer's zone, loading a visible session, emailing."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import current_app, flash, render_template
from flask_babel import get_locale, get_timezone

from lms.i18n import _, locale_names, ngettext
from lms.live import checkin, listing, notices, scheduling
from lms.live.listing import SessionCard
from lms.live.models import LiveSession, Registration
from lms.live.times import instant_text, language_name, when_text
from lms.security import current_user
from lms.web.urls import external_url


def viewer() -> Any:
    """The signed-in user as a plain object, or None."""
    return current_user._get_current_object() if current_user else None


def viewer_zone() -> str:
    return str(get_timezone())


def viewer_format_locale() -> str:
    return str(get_locale())


def when(session: LiveSession) -> str:
    """Start and end in the viewer's zone and language, zone named."""
    return when_text(session.starts_at, session.ends_at, viewer_zone(), viewer_format_locale())


def when_there(session: LiveSession) -> str:
    """The same in the session's own zone (shown too when it differs from the viewer's)."""
    return when_text(session.starts_at, session.ends_at, session.timezone, viewer_format_locale())


def instant(value: Any) -> str:
    return instant_text(value, viewer_zone(), viewer_format_locale()) if value else ""


def checkin_grace() -> timedelta:
    """Check-in and the Join button work from this long before a session starts until this long after it ends."""
    return timedelta(minutes=int(current_app.config["LMS_CHECKIN_GRACE_MINUTES"]))


def join_state(session: LiveSession, now: datetime) -> tuple[bool, datetime | None]:
    """Whether the Join button works now, and when it opens if that is still to come."""
    opens, _closes = checkin.window(session, checkin_grace())
    return checkin.is_recording_open(session, now, checkin_grace()), (opens if now < opens else None)


def join_opens_text(opens: datetime, *, not_yet: bool = False) -> str:
    """When joining opens, in the viewer's zone and language; ``not_yet`` for someone who tried too early."""
    num = int(checkin_grace().total_seconds() // 60)
    if not_yet:
        return ngettext("The online session is not open yet. You can join from %(time)s (%(num)d minute before the "
                        "start).", "The online session is not open yet. You can join from %(time)s (%(num)d minutes "
                        "before the start).", num, time=instant(opens))
    return ngettext("You can join from %(time)s (%(num)d minute before the start).",
                    "You can join from %(time)s (%(num)d minutes before the start).", num, time=instant(opens))


def language(code: str) -> str:
    return dict(locale_names()).get(code) or language_name(code, viewer_format_locale())


def may_see_place(card: SessionCard) -> bool:
    """The address and join link are for people with a seat, and for trainers."""
    return card.is_registered or bool(getattr(current_user, "is_trainer", False))


def load_session(session_id: int) -> LiveSession:
    """The session, or 404 when it does not exist or the viewer may not see it."""
    return listing.require_visible(scheduling.get_session(session_id), viewer())


def render(template: str, **context: Any):
    helpers = {"when": when, "when_there": when_there, "instant": instant, "language": language,
               "zone": viewer_zone(), "may_see_place": may_see_place,
               "has_endpoint": lambda name: name in current_app.view_functions}
    return render_template(template, **helpers, **context)


def link(session: LiveSession) -> str:
    return external_url("lms.sessions.detail", session_id=session.id)


def tell_promoted(session: LiveSession, promoted: list[Registration], *, reveal: bool = False) -> None:
    """After the commit: tell people moved from the waitlist into a seat. Who they are is shown on failure only to
    the session's trainers (``reveal``): a trainee cancelling their seat, or a manager cancelling one of their staff,
    must not learn who was next on the waitlist. Otherwise a failure is logged for the site's operators; the seat is
    on the person's "My sessions" page either way."""
    if not promoted:
        return
    failed = notices.tell("session_promoted", session, promoted, link(session))
    if failed and reveal:
        flash(_("We could not email: %(emails)s.", emails=", ".join(failed)), "error")
    elif failed:
        current_app.logger.warning("session %s: could not email %d people moved up from the waitlist", session.id,
                                   len(failed))


def tell_cancelled(session: LiveSession, people: list[Registration]) -> None:
    failed = notices.tell("session_cancelled", session, people, link(session), show_place=False)
    if failed:
        flash(_("We could not email: %(emails)s. Please tell them another way.", emails=", ".join(failed)), "error")
