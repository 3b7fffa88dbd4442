"""Live sessions in the JSON API: upcoming sessions, one session, and registering or cancelling oneself.

Listing and reading are public, like the web pages (sessions of published courses only); the address appears only
for people with a seat and for trainers. The meeting link itself (``join_url``) is for trainers: a trainee gets it
from ``POST /sessions/<id>/join``, which records their join time like the web page's Join button (the same service
call, rules and window), so an app built on the API cannot bypass attendance. Times are ISO 8601 in UTC;
``timezone`` is the session's own. ``came`` says whether the caller came (:func:`lms.live.turnout.was_there`), beside
``my_registration``, which stays her registration (a person off the waitlist who came is still ``waitlisted``).

The OpenAPI description of these routes: :mod:`lms.api.live_spec`.
"""

from __future__ import annotations

from typing import Any

from flask import jsonify, request

from lms import db
from lms.api import bp, dates
from lms.api.query_args import choice_arg, refuse_unknown
from lms.db import utcnow
from lms.errors import NotFoundError
from lms.i18n import current_locale, ngettext, supported_locales
from lms.live import checkin, listing, notices, registration, scheduling
from lms.live.models import RegistrationStatus, SessionMode
from lms.live.registration_overlaps import RegistrationOverlap
from lms.live.session_cards import SessionCard
from lms.live.times import iso_utc
from lms.security import access, current_user
from lms.web.live.schedule_support import checkin_grace, link, viewer, viewer_zone


class NotRegistered(NotFoundError):
    """Joining needs a seat: for anyone else there is nothing to join (404, as for a session one may not see)."""

    code = "not_registered"


def _card_json(card: SessionCard, position: int | None = None) -> dict[str, Any]:
    s = card.session
    return {
        "id": s.id,
        "starts_at": iso_utc(s.starts_at),
        "ends_at": iso_utc(s.ends_at),
        "timezone": s.timezone,
        "language": s.locale,
        "mode": s.mode.value,
        "status": s.status.value,
        "capacity": s.capacity,
        "seats_left": card.seats_left,
        "waitlisted": card.waitlisted,
        "registration_open": card.is_open,
        "registration_closes_at": iso_utc(registration.registration_closes_at(s)),
        "cost_cents": s.cost_cents,
        "series_key": s.series_key,
        "module": {"slug": card.module.slug, "title": card.title},
        "course": {"slug": card.course.slug, "title": card.course_title},
        "my_registration": None if card.mine is None else {
            "status": card.mine.status.value, "waitlist_position": position,
        },
        # whatever my_registration says (on the waitlist, or none: a walk-in): the one rule of who came
        "came": card.was_there if viewer() is not None else None,
    }


def _detail_json(card: SessionCard) -> dict[str, Any]:
    position = registration.waitlist_position(card.mine) if card.is_waitlisted else None
    body = _card_json(card, position)
    is_trainer = bool(getattr(current_user, "is_trainer", False))
    may_see = card.is_registered or is_trainer
    body.update({
        "trainers": [t.name for t in card.trainers],
        "address": card.session.address if may_see else None,
        "join_url": card.session.join_url if is_trainer else None,
        "notes": card.session.notes if may_see else None,
        "cancel_reason": card.session.cancel_reason,
    })
    return body


def _load(session_id: int) -> SessionCard:
    session = listing.require_visible(scheduling.get_session(session_id), viewer())
    return listing.describe([session], _shown_language(), viewer(), utcnow())[0]


def _shown_language() -> str:
    """The language of the titles shown: ``?lang=`` (one of the site's), else the request's, as on every address
    (docs/api.md, "Messages and their language")."""
    asked = request.args.get("lang", "")
    return asked if asked in supported_locales() else current_locale()


#: The filters of the session list. ``language`` filters (as on the web page); ``lang``, taken everywhere, only
#: chooses the language of the titles.
SESSION_FILTERS = ("language", "mode", "from", "until", "course")


@bp.get("/sessions")
@access.public
def list_sessions():
    """Upcoming sessions (not yet over), as the web page lists them; ``from`` and ``until`` narrow that list."""
    refuse_unknown(*SESSION_FILTERS)
    choice_arg("lang", supported_locales())  # a language this site does not have: 400, not a silent default
    sessions = listing.list_upcoming(_session_filters(), utcnow(), viewer_zone())
    cards = listing.describe(sessions, _shown_language(), viewer(), utcnow())
    return jsonify({"sessions": [_card_json(card) for card in cards]})


def _session_filters() -> listing.SessionFilters:
    """The list's filters; one that is not valid is a 400 naming it (``parameter``)."""
    first, last = dates.date_arg("from"), dates.date_arg("until")
    dates.refuse_reversed("from", first, "until", last)
    return listing.SessionFilters(lang=choice_arg("language", supported_locales()),
                                  mode=choice_arg("mode", [m.value for m in SessionMode]),
                                  date_from=first, date_until=last, course=request.args.get("course", "")[:64])


@bp.get("/sessions/<int:session_id>")
@access.public
def get_session(session_id: int):
    return jsonify(_detail_json(_load(session_id)))


@bp.route("/sessions/<int:session_id>/registration", methods=["POST", "DELETE"])
@access.signed_in
def session_registration(session_id: int):
    """POST: take a seat (201 when new, 200 when already held) or a waitlist place; DELETE: cancel it."""
    session = listing.require_visible(scheduling.get_session(session_id), viewer())
    if request.method == "DELETE":
        promoted = registration.cancel_registration(session, viewer(), viewer(), utcnow())
        db.session.commit()
        notices.tell("session_promoted", session, promoted, link(session))  # failures are logged by send_email
        return jsonify(_detail_json(_load(session_id)))
    before = registration.get_registration(session, viewer())
    was_active = before is not None and before.status is not RegistrationStatus.CANCELLED
    try:
        placed = registration.take_place(session, viewer(), viewer(), utcnow())
    except RegistrationOverlap as exc:
        return _overlap(exc)
    db.session.commit()
    # A seat free while people waited went to them first (not to this caller): tell them, as the web pages do.
    notices.tell("session_promoted", session, placed.promoted, link(session))  # failures are logged by send_email
    return jsonify(_detail_json(_load(session_id))), 200 if was_active else 201


def _overlap(exc: RegistrationOverlap) -> Any:
    """409 saying which session the person holds at that time (``other_session_id``; ``DELETE`` its registration
    to free the time) and whether that place is on its waitlist."""
    db.session.rollback()
    response = jsonify({"error": {"code": exc.code, "message": exc.message, "other_session_id": exc.details["other"],
                                  "other_waitlisted": exc.details["waitlisted"]}})
    response.status_code = 409
    return response


@bp.post("/sessions/<int:session_id>/join")
@access.signed_in
def join_session(session_id: int):
    """A seat holder's join: records the time (as the web Join button does) and gives the meeting link. Trainers
    without a seat, and the session's own trainers, get the link they already see in the session at any time, and
    nothing is recorded (:func:`lms.live.checkin.join_online`)."""
    session = listing.require_visible(scheduling.get_session(session_id), viewer())
    try:
        url = checkin.join_online(session, viewer(), utcnow(), checkin_grace())
    except checkin.NotRegisteredError as exc:
        raise NotRegistered(exc.message) from None
    except checkin.NotOpenError as exc:
        db.session.rollback()
        return _not_open(exc)
    db.session.commit()
    return jsonify({"join_url": url})


def _not_open(exc: checkin.NotOpenError) -> Any:
    """409 saying why, and when joining opens or closed (``opens_at`` / ``closes_at``, UTC)."""
    opens, closes = exc.details["opens_at"], exc.details["closes_at"]
    num = int(checkin_grace().total_seconds() // 60)
    message = exc.message
    if exc.details["reason"] == "window" and utcnow() < opens:
        # i18n: %(time)s is a UTC time in ISO 8601 for programs ("2026-12-08T17:45:00Z").
        message = ngettext("Joining is not open yet: it opens at %(time)s (UTC), %(num)d minute before the start.",
                           "Joining is not open yet: it opens at %(time)s (UTC), %(num)d minutes before the start.",
                           num, time=iso_utc(opens))
    elif exc.details["reason"] == "window":
        # i18n: %(time)s is a UTC time in ISO 8601 for programs ("2026-12-08T20:15:00Z").
        message = ngettext("This session is over: joining closed at %(time)s (UTC), %(num)d minute after the end.",
                           "This session is over: joining closed at %(time)s (UTC), %(num)d minutes after the end.",
                           num, time=iso_utc(closes))
    response = jsonify({"error": {"code": "not_open", "message": message, "reason": exc.details["reason"],
                                  "opens_at": iso_utc(opens), "closes_at": iso_utc(closes)}})
    response.status_code = 409
    return response
