"""Shared by the scheduling views: the viewer, times in the viewer's zone, loading a visible session, emailing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from flask import current_app, flash, render_template
from flask_babel import force_locale, get_locale, get_timezone

from lms import db
from lms.catalog.models import Course
from lms.db import utcnow
from lms.i18n import _, format_locale, format_when, ngettext
from lms.live import checkin, listing, notices, scheduling
from lms.live.listing import SessionCard
from lms.live.models import LiveSession, Registration
from lms.live.times import (
    babel_locale,
    clock_text,
    day_text,
    instant_text,
    is_same_day,
    language_name,
    minutes_between,
    one_day,
    to_zone,
    when_text,
    zoned_clock_text,
)
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


def day_of(session: LiveSession) -> str:
    """The day a session started, in the viewer's zone and language, in words ("Dec 8, 2026")."""
    return format_when(to_zone(session.starts_at, viewer_zone()).date(), "long")


def ended_early(session: LiveSession) -> dict[str, Any] | None:
    """What happened to a session finalised as having ended early, to show beside its scheduled times: when it really
    ended (``time``, in the viewer's zone, zone named, with the day when not the day it started) and the minutes it
    ``ran`` and was ``scheduled`` for. None for any other session."""
    if session.ended_early_at is None:
        return None
    zone, first_day = viewer_zone(), to_zone(session.starts_at, viewer_zone()).date()
    return {"time": zoned_clock_text(session.ended_early_at, zone, viewer_format_locale(), first_day),
            "ran": minutes_between(session.starts_at, session.ended_early_at),
            "scheduled": minutes_between(session.starts_at, session.ends_at)}


def instant(value: Any) -> str:
    return instant_text(value, viewer_zone(), viewer_format_locale()) if value else ""


def instant_there(session: LiveSession, value: Any) -> str:
    """An instant of the session (its registration deadline) in the session's own zone, zone named: the zone the
    trainer typed it in (shown too when it differs from the viewer's)."""
    return instant_text(value, session.timezone, viewer_format_locale()) if value else ""


def checkin_grace() -> timedelta:
    """Check-in and the Join button work from this long before a session starts until this long after it ends."""
    return timedelta(minutes=int(current_app.config["LMS_CHECKIN_GRACE_MINUTES"]))


def join_state(session: LiveSession, now: datetime) -> tuple[bool, datetime | None]:
    """Whether the Join button works now, and when it opens if that is still to come."""
    opens, _closes = checkin.window(session, checkin_grace())
    return checkin.is_recording_open(session, now, checkin_grace()), (opens if now < opens else None)


def opening(opens: datetime) -> dict[str, str]:
    """When something opens, as the viewer reads it: ``time`` (``9:45 AM PST``), and ``date`` (``Tuesday, December 8, 2026``)
    unless it is today in the viewer's zone. Sentences take them as separate placeholders, so each language can say
    "from <day> at <time>" its own way."""
    zone, fmt, now = viewer_zone(), viewer_format_locale(), utcnow()
    parts = {"time": clock_text(opens, zone, fmt)}
    if not is_same_day(opens, now, zone):
        parts["date"] = day_text(opens, zone, fmt, now)
    return parts


def join_opens_text(opens: datetime, *, not_yet: bool = False) -> str:
    """When joining opens, in the viewer's zone and language; ``not_yet`` for someone who tried too early."""
    num, when = int(checkin_grace().total_seconds() // 60), opening(opens)
    if not_yet and "date" in when:
        # i18n: %(date)s is a day ("Tuesday, December 8, 2026"), %(time)s a time and zone ("9:45 AM PST").
        return ngettext(
            "The online session is not open yet. You can join from %(date)s at %(time)s (%(num)d minute before the start).",
            "The online session is not open yet. You can join from %(date)s at %(time)s (%(num)d minutes before the start).",
            num,
            **when,
        )
    if not_yet:
        # i18n: %(time)s is a time today and its zone ("9:45 AM PST").
        return ngettext(
            "The online session is not open yet. You can join from %(time)s (%(num)d minute before the start).",
            "The online session is not open yet. You can join from %(time)s (%(num)d minutes before the start).",
            num,
            **when,
        )
    if "date" in when:
        # i18n: %(date)s is a day ("Tuesday, December 8, 2026"), %(time)s a time and zone ("9:45 AM PST").
        return ngettext(
            "You can join from %(date)s at %(time)s (%(num)d minute before the start).",
            "You can join from %(date)s at %(time)s (%(num)d minutes before the start).",
            num,
            **when,
        )
    # i18n: %(time)s is a time today and its zone ("9:45 AM PST").
    return ngettext(
        "You can join from %(time)s (%(num)d minute before the start).",
        "You can join from %(time)s (%(num)d minutes before the start).",
        num,
        **when,
    )


def checkin_state(session: LiveSession, now: datetime) -> tuple[bool, str | None]:
    """Whether the Check in button works now, and otherwise what the session page says instead (None: nothing,
    as after the session)."""
    grace = checkin_grace()
    if checkin.is_checkin_open(session, now, grace):
        return True, None
    opens, _closes = checkin.window(session, grace)
    if now < opens and session.attendance_finalized_at is None:
        return False, checkin_opens_text(opens)
    if checkin.is_recording_open(session, now, grace):
        return False, _("Check-in opens when your trainer shows the check-in code in the room. Reload this page then.")
    return False, None


def checkin_opens_text(opens: datetime, *, not_yet: bool = False) -> str:
    """When check-in opens, in the viewer's zone and language; ``not_yet`` for someone who tried too early."""
    num, when = int(checkin_grace().total_seconds() // 60), opening(opens)
    if not_yet and "date" in when:
        # i18n: %(date)s is a day ("Tuesday, December 8, 2026"), %(time)s a time and zone ("9:45 AM PST").
        return ngettext(
            "Check-in is not open yet. You can check in from %(date)s at %(time)s (%(num)d minute before the start).",
            "Check-in is not open yet. You can check in from %(date)s at %(time)s (%(num)d minutes before the start).",
            num,
            **when,
        )
    if not_yet:
        # i18n: %(time)s is a time today and its zone ("9:45 AM PST").
        return ngettext(
            "Check-in is not open yet. You can check in from %(time)s (%(num)d minute before the start).",
            "Check-in is not open yet. You can check in from %(time)s (%(num)d minutes before the start).",
            num,
            **when,
        )
    if "date" in when:
        # i18n: %(date)s is a day ("Tuesday, December 8, 2026"), %(time)s a time and zone ("9:45 AM PST").
        return ngettext(
            "You can check in from %(date)s at %(time)s (%(num)d minute before the start), with the code your trainer "
            "shows in the room.",
            "You can check in from %(date)s at %(time)s (%(num)d minutes before the start), with the code your trainer "
            "shows in the room.",
            num,
            **when,
        )
    # i18n: %(time)s is a time today and its zone ("9:45 AM PST").
    return ngettext(
        "You can check in from %(time)s (%(num)d minute before the start), with the code your trainer shows in the room.",
        "You can check in from %(time)s (%(num)d minutes before the start), with the code your trainer shows in the room.",
        num,
        **when,
    )


def in_language(locale: str, caller: Callable[[], str]) -> str:
    """``{% call in_language(session.locale) %}...{% endcall %}``: that part of a page in another language and its
    formats. The check-in code screen is shown to the room, so it speaks the session's language, while the trainer's
    own controls around it stay in theirs."""
    with force_locale(babel_locale(format_locale(locale))):  # a code Babel does not know reads as English
        return caller()


def room_clock(session: LiveSession, value: datetime | None) -> str:
    """A time on the session's wall clock in the language of the moment (inside :func:`in_language`, the room's),
    with the day when it is not the session's day (always when its check-in window crosses midnight, so both ends of
    "open from ... to ..." name theirs), and the zone named (as every page names it)."""
    if value is None:
        return ""
    first_day = one_day(*checkin.window(session, checkin_grace()), session.timezone)
    return zoned_clock_text(value, session.timezone, viewer_format_locale(), first_day)


def language(code: str) -> str:
    """A session's language named in the viewer's language, as in the session emails ("Idioma: Inglés")."""
    return language_name(code, viewer_format_locale())


def may_see_place(card: SessionCard) -> bool:
    """The address and join link are for people with a seat, and for trainers."""
    return card.is_registered or bool(getattr(current_user, "is_trainer", False))


def load_session(session_id: int) -> LiveSession:
    """The session, or 404 when it does not exist or the viewer may not see it."""
    return listing.require_visible(scheduling.get_session(session_id), viewer())


def render(template: str, **context: Any):
    helpers = {
        "when": when,
        "when_there": when_there,
        "ended_early": ended_early,
        "instant": instant,
        "instant_there": instant_there,
        "language": language,
        "zone": viewer_zone(),
        "may_see_place": may_see_place,
        "has_endpoint": lambda name: name in current_app.view_functions,
    }
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
        current_app.logger.warning("session %s: could not email %d people moved up from the waitlist", session.id, len(failed))


def tell_cancelled(session: LiveSession, people: list[Registration]) -> None:
    course = db.session.get(Course, session.course_id)
    other_sessions = external_url("lms.sessions.index", course=course.slug)  # never the cancelled session itself
    failed = notices.tell("session_cancelled", session, people, link(session), show_place=False,
                          other_sessions=other_sessions)
    if failed:
        flash(_("We could not email: %(emails)s. Please tell them another way.", emails=", ".join(failed)), "error")


def tell_changed(session: LiveSession, update: scheduling.SessionUpdate) -> None:
    """After the commit: email everyone registered or waitlisted about a new time, place, join link, language or cost
    (or notes, when the trainer asked). A failed email never undoes the edit: it is logged, and the trainer is told
    how many people to tell another way."""
    if not update.to_tell:
        return
    calendar_link = external_url("lms.sessions.ics", session_id=session.id)
    was = (update.was_starts_at, update.was_ends_at)
    failed = notices.tell_changed(session, update.to_tell, link(session), calendar_link, was, update.changes)
    if failed:
        current_app.logger.warning("session %s: could not email %d people about its change", session.id, len(failed))
        flash(
            ngettext(
                "%(num)d person could not be emailed about the change: %(emails)s. Please tell them another way.",
                "%(num)d people could not be emailed about the change: %(emails)s. Please tell them another way.",
                len(failed),
                emails=", ".join(failed),
            ),
            "error",
        )

