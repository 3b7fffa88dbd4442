"""Live-session views: upcoming sessions, a session's page, registering and cancelling (after a confirmation page),
"My registrations". Managers registering their staff are in :mod:`staff`, trainer pages in :mod:`manage`, calendars in
:mod:`calendars`.

Lists and session pages are public for sessions of published courses (so trainees can share them); the address and
join link show only to people with a seat and to trainers.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, flash, redirect, request, url_for

from lms import db
from lms.db import utcnow
from lms.errors import DomainError
from lms.hours.live_attendance import SessionHours, hours_date, session_hours
from lms.i18n import _, current_locale, format_when, supported_locales
from lms.live import attendance as attendance_rules
from lms.live import calendar, checkin, completed_module, listing, outcome, registration, session_cards, turnout
from lms.live.models import RegistrationStatus, SessionMode
from lms.live.registration_overlaps import RegistrationOverlap
from lms.live.times import to_zone, zoned_clock_text
from lms.orgs import services as org_services
from lms.security import access, current_user
from lms.web.forms import EmptyForm
from lms.web.live import bp, staff_seats
from lms.web.live.schedule_support import (
    checkin_opens_text,
    checkin_state,
    day_of,
    join_opens_text,
    join_state,
    load_session,
    opening,
    render,
    tell_promoted,
    viewer,
    viewer_format_locale,
    viewer_zone,
)
from lms.web.urls import external_url

#: "My registrations" also lists the sessions of the last few months.
PAST_SHOWN = timedelta(days=90)


@bp.get("/", endpoint="index")
@access.public
def index():
    filters, ignored = listing.parse_filters(request.args, supported_locales(), language_key="language")
    sessions = listing.list_upcoming(filters, utcnow(), viewer_zone())
    cards = listing.describe(sessions, current_locale(), viewer(), utcnow())
    happening, upcoming = listing.split_started(cards, utcnow())
    return render(
        "lms/live/index.html", cards=cards, happening=happening, upcoming=upcoming, filters=filters, ignored=ignored,
        modes=SessionMode.choices(), limit=listing.LIST_LIMIT, until_error=_until_error(filters),
    )


def _until_error(filters: listing.SessionFilters) -> str | None:
    """Why the "Until" box cannot be used, shown beside it (the page answers 200 and keeps both dates, as the hours
    queue does with its "To" box), instead of a list that would read as "no sessions"."""
    if not filters.is_reversed:
        return None
    # i18n: beside the "Until" date filter of the live-session list when it is earlier than the "From" date.
    return _("This date is before “From”, so no session can match. Choose the same day as “From” or a later one.")


@bp.get("/<int:session_id>")
@access.public
def detail(session_id: int):
    return _detail_page(load_session(session_id))


def _detail_page(session, overlap: dict | None = None, status: int = 200):
    """The session's page; ``overlap``: why registering was refused and where to cancel the other place
    (:func:`_overlap_box`), shown with a 409."""
    card = listing.describe([session], current_locale(), viewer(), utcnow())[0]
    # not once she came, nor after the start: the page no longer gives it (a query saved)
    position = registration.waitlist_position(card.mine) if card.holds_place_in_line else None
    managed = org_services.managed_orgs(current_user) if current_user else []
    join_open, join_opens = join_state(session, utcnow())
    checkin_open, checkin_later = checkin_state(session, utcnow())
    here = _checked_in_at(session)
    result = outcome.outcome_for(session, viewer(), card.mine, card.was_there) if card.is_over else None
    hours = _hours(session, result)
    may_take_place = card.is_open and viewer() is not None and not (card.is_registered or card.is_waitlisted)
    return render(
        "lms/live/detail.html",
        done_before=may_take_place and completed_module.has_completed_module(viewer(), session.module_id),
        started=session.starts_at <= utcnow(),
        checked_in=here,
        card=card,
        position=position,
        managed=managed,
        form=EmptyForm(),
        join_open=join_open,
        join_later=join_opens_text(join_opens) if join_opens else None,
        checkin_open=checkin_open,
        checkin_later=checkin_later,
        outcome=result,
        hours=hours,
        took_place_on=day_of(session) if card.is_over else None,
        hours_day=_hours_day(session, result, hours),
        subscribed=calendar.has_subscription(viewer()) if card.is_registered and card.is_upcoming else None,
        overlap=overlap,
        min_run_percent=attendance_rules.MIN_RUN_PERCENT,
        turnout=_turnout(session),
    ), status


def _turnout(session) -> turnout.Turnout | None:
    """Who waits and who came without a seat, for the trainers' part of the page only (two queries)."""
    return turnout.count_turnout([session.id])[session.id] if getattr(viewer(), "is_trainer", False) else None


def _checked_in_at(session) -> str | None:
    """When the viewer checked in, if they are checked in now (in the room: a walk-in or someone off the waitlist too,
    not only a registered trainee); None otherwise."""
    current = checkin.open_intervals(session, current_user) if current_user and session.address else []
    if not current:
        return None
    zone = viewer_zone()
    first = min(interval.joined_at for interval in current)
    return zoned_clock_text(first, zone, viewer_format_locale(), to_zone(session.starts_at, zone).date())


def _hours(session, result: outcome.Outcome | None) -> SessionHours | None:
    """The viewer's training hours for the session as the ledger holds them (approved, pending), once attendance is
    final: the page says what the timesheet will pay, not only the minutes attended."""
    if result is None or result.result is outcome.Result.PENDING:
        return None
    return session_hours(viewer().id, session.id)


def _hours_day(session, result: outcome.Outcome | None, hours: SessionHours | None) -> str | None:
    """The date the viewer's training hours for the session carry, in words, when it is not the day the page says the
    session took place (an entry made before live hours were dated on the person's calendar, or a change of time zone
    since); None when it is, and for anyone with no attendance in it."""
    if result is None:
        return None
    day = hours_date(session, viewer(), hours)
    return format_when(day, "long") if day != to_zone(session.starts_at, viewer_zone()).date() else None


@bp.errorhandler(checkin.NotOpenError)
def not_open(error: checkin.NotOpenError):
    """Joining or checking in outside the window (a page left open, a bookmarked link, a code typed early) leads back
    to the session page with when it opens, not to an error page."""
    db.session.rollback()
    flash(_not_open_text(error), "error")
    return redirect(url_for(".detail", session_id=error.details["session_id"]))


def _not_open_text(error: checkin.NotOpenError) -> str:
    opens, closes = error.details["opens_at"], error.details["closes_at"]
    joining = error.details.get("action") == "join"
    if error.details["reason"] != "window":
        return error.message
    if utcnow() < opens:
        return join_opens_text(opens, not_yet=True) if joining else checkin_opens_text(opens, not_yet=True)
    when = opening(closes)
    if "date" in when:
        # i18n: %(date)s is a day ("Tuesday, December 8, 2026"), %(time)s a time and zone ("9:45 AM PST").
        if joining:
            return _("This session is over: joining closed on %(date)s at %(time)s.", **when)
        return _("This session is over: check-in closed on %(date)s at %(time)s.", **when)
    if joining:
        return _("This session is over: joining closed at %(time)s.", **when)
    return _("This session is over: check-in closed at %(time)s.", **when)


@bp.post("/<int:session_id>/register")
@access.signed_in
def register(session_id: int):
    session = load_session(session_id)
    try:
        placed = registration.take_place(session, viewer(), viewer(), utcnow())  # the waitlist first, then them
    except RegistrationOverlap as exc:  # the page again, saying which session is in the way, with a way out
        db.session.rollback()
        return _detail_page(session, staff_seats.overlap_box(exc, url_for(".unregister", session_id=exc.details["other"])), 409)
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    else:
        db.session.commit()
        seat = placed.registration
        if seat.status is RegistrationStatus.REGISTERED and calendar.has_subscription(viewer()):
            flash(_("You are registered. The session is in your calendar feed."), "success")
        elif seat.status is RegistrationStatus.REGISTERED:  # no calendar reads their feed: the page says how to add it
            # i18n: “Add to my calendar (.ics)” is a link on the session page; “My registrations” a page's name.
            flash(_("You are registered. To have it in your calendar, use “Add to my calendar (.ics)” below, or "
                    "subscribe to your calendar feed on “My registrations”: every session you register for then "
                    "appears in your calendar."), "success")
        else:
            flash(_("The session is full: you are on the waitlist. We will email you if a seat frees up."), "info")
        tell_promoted(session, placed.promoted)  # after the commit; a failed email undoes nothing
    return redirect(url_for(".detail", session_id=session_id))


@bp.route("/<int:session_id>/unregister", methods=["GET", "POST"])
@access.signed_in
def unregister(session_id: int):
    """Giving up a seat (or a waitlist place) takes the confirmation page: in a full session the seat goes to the
    next in line at once, and registering again means the end of the waitlist. A POST without the page's
    ``confirm=yes`` (an old page's one-click button) cancels nothing and is sent to the confirmation page."""
    session = load_session(session_id)
    card = listing.describe([session], current_locale(), viewer(), utcnow())[0]
    try:
        registration.check_cancellable(session, card.mine, utcnow())
    except DomainError as exc:
        flash(exc.message, "error")
        return redirect(url_for(".detail", session_id=session_id))
    if request.method == "POST" and request.form.get("confirm") == "yes":
        return _cancel_mine(session)
    if request.method == "POST":
        flash(_("Nothing was cancelled yet: please confirm below."), "error")
        return redirect(url_for(".unregister", session_id=session_id))
    return render(
        "lms/live/unregister.html",
        card=card,
        form=EmptyForm(),
        position=registration.waitlist_position(card.mine) if card.is_waitlisted else None,
    )


def _cancel_mine(session):
    try:
        promoted = registration.cancel_registration(session, viewer(), viewer(), utcnow())
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    else:
        db.session.commit()
        flash(_("Your registration is cancelled."), "success")
        tell_promoted(session, promoted)
    return redirect(url_for(".detail", session_id=session.id))


@bp.get("/mine")
@access.signed_in
def mine():
    now = utcnow()
    sessions = listing.list_user_sessions(current_user, now - PAST_SHOWN)
    cards = listing.describe(sessions, current_locale(), viewer(), now)
    token = calendar.feed_token(current_user, current_app.config["SECRET_KEY"])
    feed_url = external_url("lms.sessions.feed", token=token) if token else None
    under_way = [c for c in cards if c.is_under_way]
    return render(
        "lms/live/mine.html",
        happening=_happening(under_way, now),
        # A session finalised as having ended early is over, whatever its scheduled end.
        upcoming=[c for c in cards if c.session.ends_at > now and not c.is_over and not c.is_under_way],
        past=[c for c in cards if c.session.ends_at <= now or c.is_over],
        feed_url=feed_url,
        subscribed=bool(feed_url) and calendar.has_subscription(current_user),
        form=EmptyForm(),
    )


def _happening(cards: list[listing.SessionCard], now) -> list[dict]:
    """Sessions under way, for "My registrations": since when the viewer is checked in or joined now (in her zone,
    one query for all), and whether checking in and the Join button work now, as her session page says."""
    here = session_cards.here_since(viewer(), [c.session.id for c in cards])
    zone, fmt = viewer_zone(), viewer_format_locale()
    items = []
    for card in cards:
        now_here = here.get(card.session.id)
        checkin_open, checkin_later = checkin_state(card.session, now)
        first_day = to_zone(card.session.starts_at, zone).date()
        items.append({"card": card, "here": now_here, "checkin_open": checkin_open, "checkin_later": checkin_later,
                      "since": zoned_clock_text(now_here.since, zone, fmt, first_day) if now_here else None,
                      "join_open": join_state(card.session, now)[0]})
    return items


from lms.web.live import calendars, manage, staff  # noqa: E402,F401  (their routes register on import)
