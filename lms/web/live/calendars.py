"""Calendars: one session as ``/sessions/<id>.ics`` (public for sessions of published courses, like the session
page; the address and join link only for people with a seat and trainers), and the personal feed
``/sessions/feed/<token>.ics`` whose secret link the owner can reset or turn off on "My registrations" (its first read
is kept: :func:`lms.live.calendar.note_feed_read`)."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from flask import Response, abort, current_app, flash, redirect, request, url_for

from lms import db
from lms.db import utcnow
from lms.i18n import _, current_locale, in_language
from lms.live import calendar, listing
from lms.notify.services import recipient_locale
from lms.security import access, current_user
from lms.web.live import bp
from lms.web.live.schedule_support import link, load_session, may_see_place, viewer

#: The personal feed shows the sessions of the last few months too.
FEED_PAST_DAYS = 90


def _uid_domain() -> str:
    config = current_app.config
    return urlsplit(config.get("LMS_BASE_URL") or "").hostname or config.get("SERVER_NAME") or "chw-learn"


def _ics(body: bytes, filename: str, private: bool) -> Response:
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    # A personal calendar (a signed-in viewer's, or the secret feed) is kept by no cache: it names their sessions.
    response.headers["Cache-Control"] = "private, no-store" if private else "public, max-age=300"
    return response


@bp.get("/<int:session_id>.ics")
@access.public
def ics(session_id: int):
    session = load_session(session_id)
    now = utcnow()
    cards = listing.describe([session], current_locale(), viewer(), now)
    entries = calendar.entries_for(cards, link, may_see_place, bool(getattr(current_user, "is_trainer", False)))
    body = calendar.build_calendar(cards[0].title, entries, _uid_domain(), now)
    return _ics(body, f"session-{session.id}.ics", private=bool(current_user))


@bp.get("/feed/<token>.ics")
@access.public
def feed(token: str):
    user = calendar.user_for_feed_token(token, current_app.config["SECRET_KEY"])
    if user is None:
        abort(404)
    now = utcnow()
    language = recipient_locale(user)
    with in_language(language):
        sessions = listing.list_feed_sessions(user, now - timedelta(days=FEED_PAST_DAYS))
        cards = listing.describe(sessions, language, user, now)
        entries = calendar.entries_for(cards, link, lambda card: card.is_registered or user.is_trainer, user.is_trainer)
        body = calendar.build_calendar(_("My training sessions"), entries, _uid_domain(), now)
    if calendar.note_feed_read(user):  # the first read of this link: registering now says "in your calendar feed"
        db.session.commit()
    return _ics(body, "training-sessions.ics", private=True)


@bp.post("/feed")
@access.signed_in
def calendar_feed():
    """Reset the secret link (old links stop working) or turn the feed off."""
    action = request.form.get("action", "")
    if action == "reset":
        calendar.reset_feed(viewer())
        flash(_("Your calendar link is new. Old links no longer work: add the new one to your calendar."), "success")
    elif action == "off":
        calendar.disable_feed(viewer())
        flash(_("Your calendar feed is off. Make a new link to turn it on again."), "success")
    else:
        flash(_("Choose what to do with your calendar link."), "error")
    db.session.commit()
    return redirect(url_for(".mine"))
