"""Check-in views: the code screen a trainer shows in the room; trainees' check-in, check-out, the Join button and
the page that opens the meeting after it.

The code screen uses ``@access.trainer`` and then :func:`lms.live.roster.get_managed_session`, as the other trainer
pages (:mod:`lms.web.live.attendance`); the others are for anyone signed in who may see the session.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import segno
from flask import flash, g, redirect, render_template, request, url_for
from werkzeug.urls import iri_to_uri

from lms import db
from lms.db import utcnow
from lms.errors import DomainError, NotFoundError
from lms.i18n import _
from lms.limiter import failed_attempt, limiter
from lms.live import checkin as checkins
from lms.live import listing
from lms.live import roster as rosters
from lms.live.models import LiveSession
from lms.live.times import one_day, zoned_clock_text
from lms.security import access, current_user
from lms.web.live import bp, checkin_limits
from lms.web.live.attendance_forms import CheckinForm
from lms.web.live.attendance_support import actor, session_page
from lms.web.live.schedule_support import checkin_grace, viewer_format_locale, viewer_zone, when, when_there
from lms.web.urls import external_url


@bp.route("/<int:session_id>/check-in-code", methods=["GET", "POST"])
@access.trainer
def checkin_code(session_id: int):
    """The big-type screen the trainer shows in the room (POST makes a new code)."""
    session = rosters.get_managed_session(session_id, current_user)
    if request.method == "POST":
        try:
            checkins.new_code(session, actor())
        except DomainError as exc:
            db.session.rollback()
            flash(exc.message, "error")
        else:
            db.session.commit()
        return redirect(url_for("lms.sessions.checkin_code", session_id=session_id))
    opens, closes = checkins.window(session, checkin_grace())
    url = _checkin_url()
    closed = _closed_reason(session, opens)
    qr = segno.make(f"{url}?code={session.checkin_code}", error="m") if session.checkin_code and not closed else None
    return render_template(
        "lms/live/attendance/code.html",
        opens=opens,
        closes=closes,
        is_open=checkins.is_checkin_open(session, utcnow(), checkin_grace()),
        not_yet=utcnow() < opens,  # the trainer prepares the screen: the code is shown, with when it starts working
        closed=closed,
        checkin_url=url,
        qr=qr.svg_data_uri(scale=6, border=3) if qr else None,
        **session_page(session),
    )


def _closed_reason(session: LiveSession, opens: datetime) -> str | None:
    """Why check-in is closed for good, as :func:`lms.live.checkin.require_checkin_open` says it: ``cancelled``,
    ``closed`` (attendance is final) or ``over`` (its window has passed); None while it is open or yet to open (or
    waits for a code), when the screen shows the code."""
    try:
        checkins.require_checkin_open(session, utcnow(), checkin_grace())
    except checkins.NotOpenError as error:
        reason = error.details["reason"]
        if reason == "window":
            return None if utcnow() < opens else "over"
        return None if reason == "no_code" else reason
    return None


def _checkin_url() -> str:
    try:
        return external_url("lms.sessions.checkin")
    except RuntimeError:  # no LMS_BASE_URL or SERVER_NAME: show the address this screen was opened at
        return url_for("lms.sessions.checkin", _external=True)


def _checkin_user_key() -> str:
    return f"checkin-user:{current_user.id}"


@bp.route("/check-in", methods=["GET", "POST"])
@access.signed_in
@limiter.limit(checkin_limits.client_limit, methods=["POST"], deduct_when=failed_attempt)
@limiter.limit(checkin_limits.user_limit, key_func=_checkin_user_key, methods=["POST"], deduct_when=failed_attempt)
def checkin():
    """Trainees type the code shown in the room. Only wrong or closed codes count towards the rate limits, so a
    whole class behind one Wi-Fi address can check in at once (also when it types the code before check-in opens),
    and a code of the wrong length is a typo, not a guess
    (:mod:`lms.web.live.checkin_limits`, which also words the page shown once a limit is reached). Outside a
    session's check-in (the session page's button, ``?session=<id>``, or a right code typed too early or too late)
    the trainee goes back to the session page, which says when check-in opens (the blueprint's
    :class:`~lms.live.checkin.NotOpenError` handler)."""
    if request.args.get("session"):
        checkins.require_checkin_open(_visible_session(request.args.get("session", type=int)), utcnow(), checkin_grace())
    form = CheckinForm(code=request.args.get("code", ""))
    if form.validate_on_submit():
        try:
            session = checkins.find_session_by_code(form.code.data, utcnow(), checkin_grace())
            checkins.check_in(session, actor(), utcnow(), checkin_grace())
        except DomainError as exc:
            g.lms_attempt_failed = checkin_limits.counts_towards_limit(exc, utcnow())
            if isinstance(exc, checkins.NotOpenError) and listing.is_visible(rosters.get_session(exc.details["session_id"]), actor()):
                raise  # back to the session page, which says when check-in opens, or that it closed or was cancelled
            db.session.rollback()
            form.code.errors.append(_hidden_reason(exc))
        else:
            db.session.commit()
            return redirect(url_for("lms.sessions.checked_in", session_id=session.id))
    return render_template("lms/live/attendance/checkin.html", form=form), 400 if form.errors else 200


def _hidden_reason(error: DomainError) -> str:
    """What the form says: for a session the person may not see, only that check-in is not open (never whether it
    was cancelled or finalised, nor when it opens)."""
    return checkins.window_text(checkin_grace()) if isinstance(error, checkins.NotOpenError) else error.message


def _visible_session(session_id: int | None) -> LiveSession:
    if session_id is None or not 0 < session_id < 2**31:
        raise NotFoundError(_("No such session."))
    return listing.require_visible(rosters.get_session(session_id), actor())


@bp.get("/<int:session_id>/checked-in")
@access.signed_in
def checked_in(session_id: int):
    return _checked_in_page(rosters.get_session(session_id))


def _checked_in_page(session: LiveSession, confirm_error: str | None = None):
    """The person's times in ``session``, with Check out; ``confirm_error``: the problem with its "I am leaving the
    session now" box, shown at the box (a check-out sent without it, answered 400)."""
    mine = checkins.list_my_intervals(session, current_user)
    if not mine:
        raise NotFoundError(_("You have not checked in to this session."))
    page = render_template(
        "lms/live/attendance/checked_in.html", intervals=mine, is_in=any(i.left_at is None for i in mine),
        confirm_out=checkins.check_out_needs_confirmation(mine, utcnow()), confirm_error=confirm_error,
        **{**session_page(session), **_reader_times(session)},
    )
    return page, 400 if confirm_error else 200


def _reader_times(session: LiveSession) -> dict[str, Any]:
    """A trainee's check-in page reads times as the session page does: in the reader's zone, zone named, with the
    session's own zone beside when it differs (trainer pages keep the session's wall clock, as trainers type it)."""
    zone, locale = viewer_zone(), viewer_format_locale()
    first_day = one_day(*checkins.window(session, checkin_grace()), zone)  # crossing midnight: every time dated

    def clock(value: datetime | None) -> str:
        return zoned_clock_text(value, zone, locale, first_day) if value is not None else ""

    return {"when": when(session), "when_there": when_there(session), "zone": zone, "clock": clock}


@bp.post("/<int:session_id>/check-out")
@access.signed_in
def checkout(session_id: int):
    session, now = rosters.get_session(session_id), utcnow()
    if request.form.get("confirm") != "yes" and checkins.check_out_needs_confirmation(
            checkins.open_intervals(session, actor()), now):
        return _checked_in_page(session, _("You checked in a moment ago. To check out now, tick “I am leaving the session "
                                           "now” and press “Check out” again."))
    checkins.check_out(session, actor(), now)
    db.session.commit()
    flash(_("You are checked out. Thank you for coming!"), "success")
    return redirect(url_for("lms.sessions.checked_in", session_id=session_id))


@bp.post("/<int:session_id>/join")
@access.signed_in
def join(session_id: int):
    """Record the join time, then show the page that opens the meeting (:func:`joined`). Never a redirect to the
    meeting itself: the site's CSP ``form-action 'self'`` also governs the redirects that answer a form, and a
    meeting link often redirects on to another origin (a provider's sign-in page, a short link)."""
    session = rosters.get_session(session_id)
    checkins.join_online(session, actor(), utcnow(), checkin_grace())
    db.session.commit()
    return redirect(url_for("lms.sessions.joined", session_id=session_id), 303)


@bp.get("/<int:session_id>/joined")
@access.signed_in
def joined(session_id: int):
    """"Open the meeting": the meeting's name and time and a plain link to it, opened at once by a ``Refresh``
    header (the HTTP form of ``<meta http-equiv="refresh">``: a navigation, not a form submission, so no CSP
    ``form-action`` applies, and no script). Records nothing; someone who has not joined goes to the session page."""
    session = rosters.get_session(session_id)
    joining = checkins.joined_meeting(session, actor(), utcnow(), checkin_grace())
    if joining is None:
        return redirect(url_for("lms.sessions.detail", session_id=session_id))
    link, since = joining
    page = render_template("lms/live/attendance/joined.html", link=link, since=since,
                           **{**session_page(session), **_reader_times(session)})
    return page, {**_refresh_to(link), "Referrer-Policy": "no-referrer"}  # none to the provider, as rel="noreferrer"


def _refresh_to(link: str) -> dict[str, str]:
    """The ``Refresh`` header to ``link`` (ASCII, as headers must be), or none for a link that is no valid address
    (a port out of range), or one that would still hold other than printable ASCII (control characters in its host,
    from before scheduling refused them, :func:`lms.live.plans.check`): the page's link is still there. Delay 0:
    browsers replace the page in their history, so Back from the meeting leads to the session page."""
    try:
        uri = iri_to_uri(link)
    except ValueError:
        return {}
    return {"Refresh": f"0; url={uri}"} if _PRINTABLE_ASCII.fullmatch(uri) else {}


_PRINTABLE_ASCII = re.compile(r"[!-~]+")
