"""Trainer pages: the sessions I lead, and the forms to schedule (once or weekly), edit and cancel a session.

Any trainer may schedule a session for a live module of any course and edit or cancel any session (training teams
share the work), but who leads a session is changed only by its own trainers or a site administrator; the list shows
by default the sessions the trainer leads or created.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, flash, redirect, request, url_for
from flask_babel import get_locale

from lms import db
from lms.accounts.services import list_trainers
from lms.catalog import module_kind
from lms.catalog.texts import load_titles
from lms.db import utcnow
from lms.errors import DomainError
from lms.i18n import _, current_locale, ngettext
from lms.live import attendance_window, edit_checks, listing, scheduling, trainers, turnout
from lms.live.models import SessionStatus
from lms.live.plans import ends_next_day_text, session_times
from lms.live.times import when_text
from lms.security import access, current_user
from lms.web.live import bp
from lms.web.live.schedule_forms import CancelForm, EditSessionForm, NewSessionForm, SessionForm
from lms.web.live.schedule_support import (
    in_language,
    render,
    room_clock,
    tell_cancelled,
    tell_changed,
    tell_promoted,
    viewer,
)
from lms.web.live.trainer_mail import (
    tell_trainers_cancelled,
    tell_trainers_changed,
    tell_trainers_moved,
    tell_trainers_scheduled,
)

#: The trainer's list also shows sessions of the last few weeks (to take attendance afterwards).
RECENT = timedelta(days=30)


@bp.context_processor
def _room_helpers() -> dict:
    """For the screens a trainer shows the room (the check-in code): parts of the page in the session's language."""
    return {"in_language": in_language, "room_clock": room_clock}


@bp.get("/teach")
@access.trainer
def teach():
    everyone = request.args.get("all") == "1"
    sessions = listing.list_trainer_sessions(current_user, utcnow() - RECENT, everyone=everyone)
    cards = listing.describe(sessions, current_locale(), viewer(), utcnow())
    people = turnout.count_turnout([s.id for s in sessions])
    return render("lms/live/teach.html", cards=cards, people=people, everyone=everyone, Status=SessionStatus)


def _form(form_class: type[SessionForm] = SessionForm, **kwargs) -> SessionForm:
    groups = scheduling.list_live_modules()
    texts = load_titles([m for _c, modules in groups for m in modules], [c for c, _m in groups], current_locale())
    choices = {texts[c.id](c) or c.slug: [(m.id, texts[c.id](m) or m.slug) for m in modules] for c, modules in groups}
    trainers = [(u.id, u.name) for u in list_trainers()]
    return form_class(module_choices=choices, trainer_choices=trainers, **kwargs)


@bp.route("/new", methods=["GET", "POST"])
@access.trainer
def create():
    form = _form(NewSessionForm)
    if request.method == "GET":
        form.timezone.data = current_user.timezone or current_app.config["LMS_DEFAULT_TIMEZONE"]
        form.locale.data, form.trainers.data = current_locale(), [current_user.id]
        form.module.data = request.args.get("module", type=int)
    if form.validate_on_submit():
        try:
            done = scheduling.schedule_sessions(form.data_for(), form.repeat.data, viewer(), utcnow(),
                                                key=form.idempotency_key.data, afterwards=form.afterwards.data)
        except DomainError as exc:
            db.session.rollback()
            form.show_error(exc.message, exc.details.get("field"))
        else:
            db.session.commit()
            flash(*_scheduled_text(done, afterwards=form.afterwards.data))
            tell_trainers_scheduled(done)
            return redirect(url_for(".detail", session_id=done.sessions[0].id))
    status = 400 if request.method == "POST" else 200
    return render("lms/live/form.html", form=form, session=None), status


@bp.route("/<int:session_id>/edit", methods=["GET", "POST"])
@access.trainer
def edit(session_id: int):
    session = scheduling.get_session(session_id)
    if session.status is not SessionStatus.SCHEDULED:
        return _not_scheduled(session)
    form = _form(EditSessionForm)
    del form.repeat  # a series is edited one session at a time
    leaders = None if trainers.may_change(session, viewer()) else trainers.list_trainers_of(session)
    if leaders is not None:  # only its trainers or an admin change who leads it; others still edit the rest
        del form.trainers
    if request.method == "GET":
        form.fill_from(scheduling.data_of(session, with_end_time=True))
    # an end after midnight is no end time (the form's end time is on the first day): the length says so
    form.minutes.description = ends_next_day_text(session.starts_at, session.ends_at, session.timezone) or ""
    if form.validate_on_submit():
        try:
            data = form.data_for(kept_trainer_ids=[t.id for t in leaders or []])
            asked = _to_confirm(session, data)
            if asked:
                return render("lms/live/form.html", form=form, session=session, leaders=leaders, **asked), 409
            update = scheduling.update_session(session, data, viewer(), utcnow(), tell_notes=form.tell.data)
        except DomainError as exc:
            db.session.rollback()
            form.show_error(exc.message, exc.details.get("field"))
        else:
            db.session.commit()
            flash(_saved_text(update, asked_to_tell=form.tell.data), "success")
            _say_ended(update)
            tell_promoted(session, update.promoted, reveal=True)
            tell_changed(session, update)
            tell_trainers_changed(session, update)
            tell_trainers_moved(session, update)
            return redirect(url_for(".detail", session_id=session.id))
    status = 400 if request.method == "POST" else 200
    return render("lms/live/form.html", form=form, session=session, leaders=leaders), status


def _to_confirm(session, data: scheduling.SessionData) -> dict:
    """What the edit form asks before saving (no JavaScript: a ticked box sent again confirms): recorded attendance
    times the new time cuts (``confirm_times``), a new time zone that moves the session for the people registered
    (``confirm_zone``, with its new time as the old zone tells it). Empty when nothing is asked, or all is ticked."""
    losing, moved = _losing_time(session, data), edit_checks.zone_move(session, data, utcnow())
    asks = {"confirm_times": losing, "confirm_zone": moved}
    if all(not value or request.form.get(name) == "yes" for name, value in asks.items()):
        return {}
    if moved:
        asks |= {"zone_was": when_text(session.starts_at, session.ends_at, session.timezone, str(get_locale())),
                 "zone_now": when_text(moved.starts_at, moved.ends_at, session.timezone, str(get_locale()))}
    return asks


def _losing_time(session, data: scheduling.SessionData) -> int:
    """How many people's credited time the new time would lower (0 when it cannot be worked out: the service then
    refuses the data with its own message)."""
    try:
        starts_at, ends_at, _deadline = session_times(data, 0)
    except DomainError:
        return 0
    return attendance_window.count_losing_time(session, starts_at, ends_at, utcnow())


def _scheduled_text(done: scheduling.Scheduled, afterwards: bool = False) -> tuple[str, str]:
    num = len(done.sessions)
    if done.is_new and afterwards:
        # i18n: after recording a session that had already started or taken place; “Roster and attendance” is the
        # name of a button on the session's page.
        return _("Session recorded. Take its attendance under “Roster and attendance”: by hand, or by importing the "
                 "meeting report or sign-in sheet."), "success"
    if done.is_new:
        return _("Sessions scheduled: %(num)d.", num=num), "success"
    # i18n: after the "Schedule a session" form was sent twice (a double click, a page sent again).
    return ngettext(
        "This form was already sent, so nothing new was scheduled. Here is the session it scheduled.",
        "This form was already sent, so nothing new was scheduled. Here is the first of the %(num)d sessions it scheduled.",
        num,
    ), "info"


def _saved_text(update: scheduling.SessionUpdate, asked_to_tell: bool = False) -> str:
    if asked_to_tell and not update.changes:
        # i18n: after saving a session with "Email the people registered about this change" ticked.
        return _("Session saved. Nobody was emailed: nothing they are told about changed.")
    if not update.to_tell:
        return _("Session saved.")
    return ngettext(
        "Session saved. %(num)d person is being told of the change by email.",
        "Session saved. %(num)d people are being told of the change by email.",
        len(update.to_tell),
    )


def _say_ended(update: scheduling.SessionUpdate) -> None:
    """Say whose registration or waitlist place the edit ended because they now lead the session (a seat went to the
    next in line): one message for seats, another for waitlist places."""
    ended = {registration.user_id for registration in update.ended}
    seated = [person.name for person in update.trainers.added if person.id in ended - update.ended_waitlisted]
    waiting = [person.name for person in update.trainers.added if person.id in ended & update.ended_waitlisted]
    if seated:
        # i18n: %(names)s is one or more people's names, separated by commas.
        flash(ngettext("%(names)s now leads this session, so their registration for it was ended: trainers do not "
                       "register for their own sessions.",
                       "%(names)s now lead this session, so their registrations for it were ended: trainers do not "
                       "register for their own sessions.", len(seated), names=", ".join(seated)), "info")
    if waiting:
        # i18n: %(names)s is one or more people's names, separated by commas.
        flash(ngettext("%(names)s now leads this session, so their place on its waitlist was ended: trainers do not "
                       "register for their own sessions.",
                       "%(names)s now lead this session, so their places on its waitlist were ended: trainers do not "
                       "register for their own sessions.", len(waiting), names=", ".join(waiting)), "info")


def _warn_if_none_left(card: listing.SessionCard) -> None:
    """Cancelling the last upcoming session of a required live module leaves its trainees unable to finish the
    course (:func:`lms.catalog.module_kind.list_live_without_sessions`): say so at once. The module stays required."""
    if not module_kind.list_live_without_sessions(card.course, modules=[card.module]):
        return
    flash(_("“%(module)s” is a required module of “%(course)s” and has no upcoming live session left: trainees cannot "
            "complete the course until one is scheduled. Schedule another session for it; until then the course's "
            "authoring page flags it and its course page tells trainees.", module=card.title,
            course=card.course_title), "info")


def _not_scheduled(session):
    flash(_("This session is %(status)s and can no longer be changed.", status=session.status.title.lower()), "error")
    return redirect(url_for(".detail", session_id=session.id))


@bp.route("/<int:session_id>/cancel", methods=["GET", "POST"])
@access.trainer
def cancel(session_id: int):
    session = scheduling.get_session(session_id)
    if session.status is not SessionStatus.SCHEDULED:
        return _not_scheduled(session)
    if not scheduling.is_cancellable(session, utcnow()):  # started: attendance may be recorded, it is finalised
        flash(scheduling.started_cannot_cancel_text(), "error")
        return redirect(url_for(".detail", session_id=session.id))
    form = CancelForm()
    if form.validate_on_submit():
        try:
            people = scheduling.cancel_session(session, form.reason.data, viewer(), utcnow())
        except DomainError as exc:
            db.session.rollback()
            form.reason.errors.append(exc.message)
        else:
            db.session.commit()
            flash(
                ngettext("The session is cancelled. Registrations are kept; %(num)d person is being told by email.",
                         "The session is cancelled. Registrations are kept; %(num)d people are being told by email.",
                         len(people)),
                "success",
            )
            tell_cancelled(session, people)
            tell_trainers_cancelled(session)
            _warn_if_none_left(listing.describe([session], current_locale(), viewer(), utcnow())[0])
            return redirect(url_for(".detail", session_id=session.id))
    card = listing.describe([session], current_locale(), viewer(), utcnow())[0]
    status = 400 if request.method == "POST" else 200
    return render("lms/live/cancel.html", form=form, card=card), status
