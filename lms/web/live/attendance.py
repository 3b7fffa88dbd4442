"""Live-session views: the trainer's roster, check-in codes, report import and finalising; trainees' check-in,
check-out and the Join button.

Trainer pages use ``@access.trainer`` and then :func:`lms.live.roster.get_managed_session`: trainers who do not run the
session get 404 (its roster is not theirs to see), site admins see every session.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import segno
from flask import abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from werkzeug.routing import BuildError

from lms import db
from lms.db import utcnow
from lms.errors import DomainError, NotFoundError
from lms.i18n import _, current_locale, ngettext
from lms.limiter import failed_attempt, limiter
from lms.live import attendance as services
from lms.live import attendees, listing, report_import
from lms.live import checkin as checkins
from lms.live import roster as rosters
from lms.live.models import AttendanceStatus, LiveSession
from lms.live.times import to_zone, wall_clock_text, when_text, zoned_clock_text
from lms.security import access, current_user
from lms.web.live import bp
from lms.web.live.attendance_forms import (
    CheckinForm,
    FinalizeForm,
    RemoveForm,
    ReportForm,
    RosterStatusForm,
    StatusForm,
    TimeForm,
    local_to_utc,
    utc_to_local,
)
from lms.web.live.schedule_support import viewer_format_locale, viewer_zone, when, when_there
from lms.web.urls import external_url


def _grace() -> timedelta:
    return timedelta(minutes=int(current_app.config["LMS_CHECKIN_GRACE_MINUTES"]))


def _min_share() -> int:
    return int(current_app.config["LMS_ATTENDANCE_MIN_SHARE"])


def _actor() -> Any:
    return current_user._get_current_object()


def _clock(session: LiveSession) -> Callable[[datetime | None], str]:
    """Times on attendance pages are wall-clock times in the session's zone (as the trainer types them)."""
    locale = viewer_format_locale()  # es_US: "PST", "a.m."; plain es has neither
    first_day = to_zone(session.starts_at, session.timezone).date()

    def clock(value: datetime | None) -> str:
        return wall_clock_text(value, session.timezone, locale, first_day) if value is not None else ""

    return clock


def _page(session: LiveSession) -> dict[str, Any]:
    return {
        "info": rosters.describe(session, current_locale()),
        "session": session,
        "when": when_text(session.starts_at, session.ends_at, session.timezone, viewer_format_locale()),
        "clock": _clock(session),
        "min_share": _min_share(),
        "min_run_percent": services.MIN_RUN_PERCENT,
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


# ---------------------------------------------------------------- the trainer's roster


@bp.route("/<int:session_id>/attendance", methods=["GET", "POST"])
@access.trainer
def attendance(session_id: int):
    session = rosters.get_managed_session(session_id, current_user)
    form = RosterStatusForm()
    if form.validate_on_submit():
        try:
            changed = services.set_statuses(
                session, rosters.load_roster(session, utcnow()), _wanted_statuses(), _actor(), utcnow(), _min_share(),
                form.reason.data or "",
            )
        except DomainError as exc:
            db.session.rollback()
            form.form_errors.append(exc.message)
        else:
            db.session.commit()
            flash(
                ngettext("Saved: %(num)d change.", "Saved: %(num)d changes.", changed) if changed else _("Nothing changed."), "success"
            )
            return redirect(url_for("lms.sessions.attendance", session_id=session.id))
    return _roster_page(session, form, _finalize_form(session, formdata=None), 400 if form.errors else 200)


def _roster_page(session: LiveSession, form: RosterStatusForm, finalize_form: FinalizeForm, status: int):
    """The roster; after a refused save or finalising, with the statuses that were chosen on it still chosen."""
    return render_template(
        "lms/live/attendance/roster.html",
        roster=rosters.load_roster(session, utcnow()),
        form=form,
        chosen=_wanted_statuses(),
        finalize_form=finalize_form,
        **_page(session),
    ), status


def _finalize_form(session: LiveSession, **kwargs: Any) -> FinalizeForm:
    form = FinalizeForm(**kwargs)
    if utcnow() >= session.ends_at:  # "now" is no longer early: the time must be given
        form.ended_at.description = ""
    return form


def _wanted_statuses() -> dict[int, AttendanceStatus]:
    wanted = {}
    for key, value in request.form.items():
        user_id = key.removeprefix("status-")
        if key.startswith("status-") and user_id.isdigit() and len(user_id) <= 18 and value in {s.value for s in AttendanceStatus}:
            wanted[int(user_id)] = AttendanceStatus(value)
    return wanted


@bp.post("/<int:session_id>/attendance/finalize")
@access.trainer
def finalize_attendance(session_id: int):
    """Sent by the roster's form (its "Finalise attendance" button): the statuses chosen on the roster are saved and
    attendance made final together. Refused (nothing saved), the roster is shown again as it was sent, with why."""
    session = rosters.get_managed_session(session_id, current_user)
    form = _finalize_form(session)
    if form.validate_on_submit():
        try:
            ended_at = local_to_utc(form.ended_at.data, session.timezone)
            rows = services.finalize(session, _actor(), utcnow(), _min_share(), early=form.early.data, ended_at=ended_at,
                                     statuses=_wanted_statuses())
        except DomainError as exc:
            db.session.rollback()
            _refused(form, exc)
        else:
            db.session.commit()
            done = sum(1 for row in rows if row.completed_module)
            flash(
                ngettext("Attendance is final for %(num)d person.", "Attendance is final for %(num)d people.", len(rows))
                + " "
                + ngettext("%(num)d completed the module.", "%(num)d completed the module.", done),
                "success",
            )
            return redirect(url_for("lms.sessions.attendance", session_id=session_id))
    return _roster_page(session, RosterStatusForm(formdata=None), form, 409 if session.attendance_finalized_at else 400)


def _refused(form: FinalizeForm, error: DomainError) -> None:
    """The service's refusal beside the field it is about (the early tick, the time it ended), else above the form."""
    field = error.details.get("field")
    if field in ("early", "ended_at"):
        form[field].errors = [*form[field].errors, error.message]
    else:
        form.form_errors.append(error.message)


# ---------------------------------------------------------------- one person


@bp.route("/<int:session_id>/attendance/<int:user_id>", methods=["GET", "POST"])
@access.trainer
def attendance_person(session_id: int, user_id: int):
    session = rosters.get_managed_session(session_id, current_user)
    user = attendees.get_person(session, user_id)
    line = rosters.load_person(session, user, utcnow())
    action = request.form.get("action", "") if request.method == "POST" else ""
    forms = _person_forms(session, line, action)
    if request.method == "POST":
        form = forms.get(action)
        if form is None:
            abort(400)
        if form.validate_on_submit():
            try:
                services.change_attendance(
                    session, user, _change(action, form, session), _actor(), utcnow(), _min_share(), form.reason.data or ""
                )
            except DomainError as exc:
                db.session.rollback()
                form.form_errors.append(exc.message)
            else:
                db.session.commit()
                flash(_("Saved."), "success")
                return redirect(url_for("lms.sessions.attendance_person", session_id=session_id, user_id=user_id))
    return render_template("lms/live/attendance/person.html", line=line, forms=forms, **_page(session)), (
        400 if request.method == "POST" else 200
    )


def _person_forms(session: LiveSession, line: rosters.RosterLine, action: str) -> dict[str, FlaskForm]:
    """The page's three forms; only the one that was sent reads the request."""

    def bound(name: str, cls: type[FlaskForm], **defaults: Any) -> FlaskForm:
        return cls(prefix=name) if action == name else cls(formdata=None, prefix=name, **defaults)

    clock = _clock(session)
    status = bound("status", StatusForm, status=line.status.value if line.status else "")
    time = bound(
        "time",
        TimeForm,
        joined_at=utc_to_local(session.starts_at, session.timezone),
        left_at=utc_to_local(session.ends_at, session.timezone),
    )
    time.replaces.choices = [("", _("Nothing: add this time"))] + [
        (str(i.id), f"{clock(i.joined_at)} – {clock(i.left_at) or _('still there')} ({i.source.title})") for i in line.live_intervals
    ]
    return {"status": status, "time": time, "remove": bound("remove", RemoveForm)}


def _change(action: str, form: Any, session: LiveSession) -> services.Change:
    if action == "status":
        return services.Change(status=AttendanceStatus(form.status.data))
    if action == "time":
        return services.Change(
            joined_at=local_to_utc(form.joined_at.data, session.timezone),
            left_at=local_to_utc(form.left_at.data, session.timezone),
            void_interval_id=int(form.replaces.data) if form.replaces.data else None,
        )
    return services.Change(void_interval_id=form.interval_id.data)


# ---------------------------------------------------------------- meeting reports


@bp.route("/<int:session_id>/attendance/import", methods=["GET", "POST"])
@access.trainer
def import_report(session_id: int):
    session = rosters.get_managed_session(session_id, current_user)
    form = ReportForm()
    result = None
    if form.validate_on_submit():
        parsed = report_import.parse_report(report_import.decode(form.file.data.read()), session.timezone)
        try:
            result = report_import.apply_report(
                session, parsed, _actor(), utcnow(), _min_share(), form.reason.data or "", form.file.data.filename or ""
            )
        except DomainError as exc:
            db.session.rollback()
            form.form_errors.append(exc.message)
        else:
            db.session.commit()
    status = 400 if request.method == "POST" and result is None else 200
    return render_template("lms/live/attendance/import.html", form=form, result=result, **_page(session)), status


# ---------------------------------------------------------------- check-in codes


@bp.route("/<int:session_id>/check-in-code", methods=["GET", "POST"])
@access.trainer
def checkin_code(session_id: int):
    """The big-type screen the trainer shows in the room (POST makes a new code)."""
    session = rosters.get_managed_session(session_id, current_user)
    if request.method == "POST":
        try:
            checkins.new_code(session, _actor())
        except DomainError as exc:
            db.session.rollback()
            flash(exc.message, "error")
        else:
            db.session.commit()
        return redirect(url_for("lms.sessions.checkin_code", session_id=session_id))
    opens, closes = checkins.window(session, _grace())
    url = _checkin_url()
    qr = segno.make(f"{url}?code={session.checkin_code}", error="m") if session.checkin_code else None
    return render_template(
        "lms/live/attendance/code.html",
        opens=opens,
        closes=closes,
        is_open=checkins.in_window(session, utcnow(), _grace()),
        checkin_url=url,
        qr=qr.svg_data_uri(scale=6, border=3) if qr else None,
        **_page(session),
    )


def _checkin_url() -> str:
    try:
        return external_url("lms.sessions.checkin")
    except RuntimeError:  # no LMS_BASE_URL or SERVER_NAME: show the address this screen was opened at
        return url_for("lms.sessions.checkin", _external=True)


def _checkin_limit_user() -> str:
    return current_app.config["LMS_CHECKIN_LIMIT"]


def _checkin_limit_client() -> str:
    return current_app.config["LMS_CHECKIN_LIMIT_PER_CLIENT"]


def _checkin_user_key() -> str:
    return f"checkin-user:{current_user.id}"


@bp.route("/check-in", methods=["GET", "POST"])
@access.signed_in
@limiter.limit(_checkin_limit_client, methods=["POST"], deduct_when=failed_attempt)
@limiter.limit(_checkin_limit_user, key_func=_checkin_user_key, methods=["POST"], deduct_when=failed_attempt)
def checkin():
    """Trainees type the code shown in the room. Only wrong or closed codes count towards the rate limits, so a
    whole class behind one Wi-Fi address can check in at once. Outside a session's check-in (the session page's
    button, ``?session=<id>``, or a right code typed too early or too late) the trainee goes back to the session page,
    which says when check-in opens (the blueprint's :class:`~lms.live.checkin.NotOpenError` handler)."""
    if request.args.get("session"):
        checkins.require_checkin_open(_visible_session(request.args.get("session", type=int)), utcnow(), _grace())
    form = CheckinForm(code=request.args.get("code", ""))
    if form.validate_on_submit():
        try:
            session = checkins.find_session_by_code(form.code.data, utcnow(), _grace())
            checkins.check_in(session, _actor(), utcnow(), _grace())
        except DomainError as exc:
            g.lms_attempt_failed = True
            if isinstance(exc, checkins.NotOpenError) and listing.is_visible(rosters.get_session(exc.details["session_id"]), _actor()):
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
    return checkins.window_text(_grace()) if isinstance(error, checkins.NotOpenError) else error.message


def _visible_session(session_id: int | None) -> LiveSession:
    if session_id is None or not 0 < session_id < 2**31:
        raise NotFoundError(_("No such session."))
    return listing.require_visible(rosters.get_session(session_id), _actor())


@bp.get("/<int:session_id>/checked-in")
@access.signed_in
def checked_in(session_id: int):
    session = rosters.get_session(session_id)
    mine = checkins.list_my_intervals(session, current_user)
    if not mine:
        raise NotFoundError(_("You have not checked in to this session."))
    return render_template(
        "lms/live/attendance/checked_in.html", intervals=mine, is_in=any(i.left_at is None for i in mine),
        confirm_out=checkins.check_out_needs_confirmation(mine, utcnow()), **{**_page(session), **_reader_times(session)},
    )


def _reader_times(session: LiveSession) -> dict[str, Any]:
    """A trainee's check-in page reads times as the session page does: in the reader's zone, zone named, with the
    session's own zone beside when it differs (trainer pages keep the session's wall clock, as trainers type it)."""
    zone, locale = viewer_zone(), viewer_format_locale()
    first_day = to_zone(session.starts_at, zone).date()

    def clock(value: datetime | None) -> str:
        return zoned_clock_text(value, zone, locale, first_day) if value is not None else ""

    return {"when": when(session), "when_there": when_there(session), "zone": zone, "clock": clock}


@bp.post("/<int:session_id>/check-out")
@access.signed_in
def checkout(session_id: int):
    session, now = rosters.get_session(session_id), utcnow()
    if request.form.get("confirm") != "yes" and checkins.check_out_needs_confirmation(
            checkins.open_intervals(session, _actor()), now):
        flash(_("You checked in a moment ago. To check out now, tick “I am leaving the session now” and press "
                "“Check out” again."), "error")
        return redirect(url_for("lms.sessions.checked_in", session_id=session_id))
    checkins.check_out(session, _actor(), now)
    db.session.commit()
    flash(_("You are checked out. Thank you for coming!"), "success")
    return redirect(url_for("lms.sessions.checked_in", session_id=session_id))


@bp.post("/<int:session_id>/join")
@access.signed_in
def join(session_id: int):
    """Record the join time, then send the trainee on to the meeting."""
    session = rosters.get_session(session_id)
    link = checkins.join_online(session, _actor(), utcnow(), _grace())
    db.session.commit()
    return redirect(link, 303)
