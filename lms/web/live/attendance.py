"""Attendance views for trainers: the roster (statuses, finalising) and one person's attendance. The report import
is in :mod:`lms.web.live.reports`, check-in (the code screen, and trainees' check-in, check-out and Join button) in
:mod:`lms.web.live.checkins`.

Trainer pages use ``@access.trainer`` and then :func:`lms.live.roster.get_managed_session`: trainers who do not run the
session get 404 (its roster is not theirs to see), site admins see every session.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm

from lms import db
from lms.db import utcnow
from lms.errors import DomainError
from lms.i18n import _, ngettext
from lms.live import attendance as services
from lms.live import attendees, credit_notices, roster_statuses
from lms.live import roster as rosters
from lms.live.attendance_changes import RosterChoice, is_correction
from lms.live.models import AttendanceStatus, LiveSession
from lms.security import access, current_user
from lms.web.live import absent_step, bp
from lms.web.live import attendance_notes as notes
from lms.web.live.attendance_forms import (
    FinalizeForm,
    FindPersonForm,
    RemoveForm,
    RosterStatusForm,
    StatusForm,
    TimeForm,
    local_to_utc,
    mark_reason,
    time_defaults,
)
from lms.web.live.attendance_support import actor, min_share, session_clock, session_page
from lms.web.live.credit_mail import tell_changed
from lms.web.org_forms import show_error

# ---------------------------------------------------------------- the trainer's roster


@bp.route("/<int:session_id>/attendance", methods=["GET", "POST"])
@access.trainer
def attendance(session_id: int):
    session = rosters.get_managed_session(session_id, current_user)
    change = roster_statuses.prepare(session, _roster_choices(), utcnow()) if request.method == "POST" else None
    # a save that changes a status of final attendance is a correction: its reason is checked at the box
    form = mark_reason(RosterStatusForm(), session.attendance_finalized_at is not None,
                       checked=change is not None and is_correction(change.roster, change.choices))
    if not form.validate_on_submit() or change is None:
        return _roster_page(session, form, status=400 if form.errors else 200)
    if absent_step.is_undecided(change.absent):  # asked first: set their time aside too, or keep it counted
        return _roster_page(session, form, status=409, absent=change.absent, ask=True)
    try:
        roster_statuses.save(change, absent_step.to_set_aside(change.absent), actor(), utcnow(), min_share(),
                             form.reason.data or "")
    except DomainError as exc:
        db.session.rollback()
        show_error(form, exc)  # a missing reason: at its box
        return _roster_page(session, form, status=400 if form.errors else 200, absent=change.absent)
    db.session.commit()
    _tell_saved(change)
    if not change.saved.stale:
        return redirect(url_for("lms.sessions.attendance", session_id=session.id))
    # the others' changes are saved; the stale rows show what is saved now, and why they were not changed
    form.form_errors.extend(row.text for row in change.saved.stale)
    return _roster_page(session, form, status=409, picked={})


def _tell_saved(change: roster_statuses.RosterSave) -> None:
    """After a save of the roster is committed: what it changed, the emails about changed credit, whose time was set
    aside, and who is still credited while absent."""
    saved = change.saved
    flash(ngettext("Saved: %(num)d change.", "Saved: %(num)d changes.", saved.changed) if saved.changed
          else _("Nothing changed."), "success" if saved.changed or not saved.stale else "info")
    tell_changed(change.lowered)
    absent_step.tell_set_aside(change.absent)
    _warn_credited_absent(change.session, change.was)


def _roster_page(session: LiveSession, form: RosterStatusForm, finalize_form: FinalizeForm | None = None,
                 status: int = 200, find_form: FindPersonForm | None = None,
                 picked: dict[int, tuple[Any, Any]] | None = None, absent: list | None = None, ask: bool = False):
    """The roster; after a refused save or finalising, with the statuses that were chosen on it still chosen (and the
    ones it showed still the ones it compares with), except ``stale`` rows, which show what is saved now. ``absent``:
    people the save marks absent who have credited time, with the choice to set it aside (``ask``: asked first)."""
    roster = rosters.load_roster(session, utcnow())
    saved = {line.user.id: line.status for line in roster.lines}
    picked = _picked(saved) if picked is None else picked
    mark_reason(form, roster.is_final, checked=False)  # shown marked required (checked by the view that read it)
    return render_template(
        "lms/live/attendance/roster.html",
        roster=roster,
        form=form,
        picked=picked,
        finalize_form=finalize_form if finalize_form is not None else _finalize_form(session, formdata=None),
        find_form=find_form or FindPersonForm(formdata=None, prefix="find"),
        absent_time=absent or [],
        absent_ask=ask,
        absent_choice=absent_step.choice_of,
        shortfall=lambda line, status: services.shortfall(session, status, line.seconds, min_share()),
        **session_page(session),
    ), status


def _picked(saved: dict[int, Any], stale: tuple[int, ...] = ()) -> dict[int, tuple[Any, Any]]:
    """user id → (status the page showed, status chosen), from the form sent, for the roster shown again (``saved``:
    the statuses saved now, for rows sent without the one shown, and for ``stale`` rows, shown as saved now)."""
    picked = {}
    for uid, choice in _roster_choices().items():
        if uid in saved and uid not in stale:
            picked[uid] = (choice.shown if choice.has_shown else saved[uid], choice.status)
    return picked


@bp.post("/<int:session_id>/attendance/find")
@access.trainer
def find_attendee(session_id: int):
    """The roster's "Add a person by email": on to that person's attendance page, where their time is recorded."""
    session = rosters.get_managed_session(session_id, current_user)
    find_form = FindPersonForm(prefix="find")
    if find_form.validate_on_submit():
        try:
            user = attendees.find_by_email(session, find_form.email.data, actor())
        except DomainError as exc:
            db.session.rollback()
            find_form.email.errors = [*find_form.email.errors, exc.message]
        else:
            db.session.commit()
            return redirect(url_for("lms.sessions.attendance_person", session_id=session_id, user_id=user.id))
    return _roster_page(session, RosterStatusForm(formdata=None), status=400, find_form=find_form)


def _warn_credited_absent(session: LiveSession, was: dict[int, AttendanceStatus | None]) -> None:
    """After saving statuses: who was just marked absent or excused yet still has time that counts as training hours
    (the roster marks everyone in that case)."""
    for line in rosters.load_roster(session, utcnow()).lines:
        if line.is_host or line.status is was.get(line.user.id):
            continue
        warning = notes.credited_while_absent(line.user.name, line.status, line.minutes)
        if warning:
            flash(warning, "info")


def _finalize_form(session: LiveSession, **kwargs: Any) -> FinalizeForm:
    form = FinalizeForm(**kwargs)
    if utcnow() >= session.ends_at:  # "now" is no longer early: the time must be given
        form.ended_at.description = ""
    return form


def _roster_choices() -> dict[int, RosterChoice]:
    """The roster's rows as sent: ``status-<user id>`` (the chosen status, "" for not set) and ``shown-<user id>``
    (the one the page showed). A row with an unknown status value is ignored."""
    values = {s.value: s for s in AttendanceStatus} | {"": None}
    choices = {}
    for key, value in request.form.items():
        user_id = key.removeprefix("status-")
        if not (key.startswith("status-") and user_id.isdigit() and len(user_id) <= 18) or value not in values:
            continue
        shown = request.form.get(f"shown-{user_id}")
        if shown is not None and shown not in values:
            continue
        choices[int(user_id)] = RosterChoice(values[value], values.get(shown or ""), has_shown=shown is not None)
    return choices


@bp.post("/<int:session_id>/attendance/finalize")
@access.trainer
def finalize_attendance(session_id: int):
    """Sent by the roster's form (its "Finalise attendance" button): the statuses chosen on the roster are saved and
    attendance made final together. Refused (nothing saved), the roster is shown again as it was sent, with why."""
    session = rosters.get_managed_session(session_id, current_user)
    form = _finalize_form(session)
    if form.validate_on_submit():
        try:
            ended_at = local_to_utc(form.ended_at.data, session.timezone, after=session.starts_at, field="ended_at")
            rows = services.finalize(session, actor(), utcnow(), min_share(), early=form.early.data, ended_at=ended_at,
                                     statuses=_roster_choices())
        except DomainError as exc:
            db.session.rollback()
            _refused(form, exc)
            saved = {line.user.id: line.status for line in rosters.load_roster(session, utcnow()).lines}
            picked = _picked(saved, tuple(exc.details.get("stale", ())))
            return _roster_page(session, RosterStatusForm(formdata=None), form, exc.status, picked=picked)
        else:
            db.session.commit()
            flash(notes.finalised(session, rows), "success")
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
            was, credited = notes.before(session, user, line.attendance), credit_notices.final_minutes(session, user)
            try:
                row = services.change_attendance(
                    session, user, _change(action, form, session), actor(), utcnow(), min_share(), form.reason.data or ""
                )
            except DomainError as exc:
                db.session.rollback()
                show_error(form, exc)  # a missing reason: at its box
            else:
                notice = credit_notices.credit_changed(session, user, credited, row, actor(), form.reason.data or "")
                db.session.commit()
                tell_changed(notice)
                seconds = rosters.load_person(session, user, utcnow()).seconds
                flash(notes.changed(session, user, row, was, seconds, min_share()), "success")
                return redirect(url_for("lms.sessions.attendance_person", session_id=session_id, user_id=user_id))
    return render_template("lms/live/attendance/person.html", line=line, forms=forms, **session_page(session)), (
        400 if request.method == "POST" else 200
    )


def _person_forms(session: LiveSession, line: rosters.RosterLine, action: str) -> dict[str, FlaskForm]:
    """The page's three forms; only the one that was sent reads the request."""

    def bound(name: str, cls: type[FlaskForm], **defaults: Any) -> FlaskForm:
        return cls(prefix=name) if action == name else cls(formdata=None, prefix=name, **defaults)

    clock, final = session_clock(session), session.attendance_finalized_at is not None
    status = bound("status", StatusForm, status=line.status.value if line.status else "")
    # the session's date and start in both boxes, not its scheduled span: that made one stray "Save time" credit the
    # whole session, even one that ended early; unchanged, it is refused (the leave time must be after the join time)
    time = bound("time", TimeForm, **time_defaults(session.starts_at, session.timezone))
    time.replaces.choices = [("", _("Nothing: add this time"))] + [
        (str(i.id), f"{clock(i.joined_at)} – {clock(i.left_at) or _('still there')} ({i.source.title})") for i in line.live_intervals
    ]
    return {name: mark_reason(form, final) for name, form in
            (("status", status), ("time", time), ("remove", bound("remove", RemoveForm)))}


def _change(action: str, form: Any, session: LiveSession) -> services.Change:
    if action == "status":
        return services.Change(status=AttendanceStatus(form.status.data))
    if action == "time":
        joined_at = local_to_utc(form.joined_at.data, session.timezone, field="joined_at")
        return services.Change(
            joined_at=joined_at,
            left_at=local_to_utc(form.left_at.data, session.timezone, after=joined_at, field="left_at"),
            void_interval_id=int(form.replaces.data) if form.replaces.data else None,
        )
    return services.Change(void_interval_id=form.interval_id.data)


from lms.web.live import attendance_export, checkins, reports  # noqa: E402,F401  (their routes register on import)
