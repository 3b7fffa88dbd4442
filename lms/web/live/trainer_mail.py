"""Emails to a session's trainers, sent by the scheduling views after their commit: about who leads it, to the
trainers who led it before a change (:func:`lms.live.notices.tell_trainers`) and to each person made one of its
trainers, by an edit or when it is scheduled (:func:`lms.live.notices.tell_new_trainers`); and to its other trainers
when its time, place or join link changes or it is cancelled (:func:`lms.live.notices.tell_co_trainers`). Never to
the person who made the change. A failed
email never undoes the change: it is logged, and the trainer who made it is told whom to tell another way."""

from __future__ import annotations

from flask import current_app, flash

from lms.i18n import _
from lms.live import notices, scheduling, trainers
from lms.live.models import LiveSession
from lms.security import current_user
from lms.web.live.schedule_support import link
from lms.web.urls import external_url


def _links(session: LiveSession) -> dict[str, str]:
    return {"session": link(session), "roster": external_url("lms.sessions.attendance", session_id=session.id),
            "calendar": external_url("lms.sessions.ics", session_id=session.id),
            "teach": external_url("lms.sessions.teach")}


def _say_failed(session: LiveSession, failed: list[str]) -> None:
    if failed:
        current_app.logger.warning("session %s: could not email %d of its trainers", session.id, len(failed))
        flash(_("We could not email: %(emails)s. Please tell them another way.", emails=", ".join(failed)), "error")


def tell_trainers_changed(session: LiveSession, update: scheduling.SessionUpdate) -> None:
    """After an edit's commit: tell the trainers who led the session before a change of who leads it (removed or not,
    but the one who made it), and each person added (but one who added themselves), with the place in it they gave
    up if they held one."""
    change = update.trainers
    failed = notices.tell_trainers(session, change, link(session), by=current_user.name) if change.to_tell else []
    if change.welcome:
        held = {r.user_id: "waitlisted" if r.user_id in update.ended_waitlisted else "registered" for r in update.ended}
        failed += notices.tell_new_trainers(session, change.welcome, change.now, _links(session), current_user.name,
                                            held)
    _say_failed(session, failed)


def tell_trainers_scheduled(done: scheduling.Scheduled) -> None:
    """After scheduling: tell each trainer the plan names (not the one who scheduled it) that they lead it; one email
    for a weekly series, about its first session, saying how many there are."""
    if not (done.is_new and done.welcome):
        return
    first = done.sessions[0]
    failed = notices.tell_new_trainers(first, done.welcome, trainers.list_trainers_of(first), _links(first),
                                       current_user.name, series=len(done.sessions))
    _say_failed(first, failed)


def _others(session: LiveSession, skip: set[int] = frozenset()) -> list:
    """The session's trainers but the one making the change (and ``skip``: people told another way)."""
    return [t for t in trainers.list_trainers_of(session) if t.id != current_user.id and t.id not in skip]


def tell_trainers_moved(session: LiveSession, update: scheduling.SessionUpdate) -> None:
    """After an edit's commit that changed what people are told of (time, place, join link, language, cost...): tell
    its other trainers (not the people just made trainers by it: their welcome says when and where), the time
    before and now."""
    if not update.changes:
        return
    welcomed = {person.id for person in update.trainers.welcome}
    failed = notices.tell_co_trainers("session_changed_trainer", session, _others(session, welcomed), _links(session),
                                      current_user.name, was=(update.was_starts_at, update.was_ends_at),
                                      changes=update.changes)
    _say_failed(session, failed)


def tell_trainers_cancelled(session: LiveSession) -> None:
    """After a cancellation's commit: tell the session's other trainers."""
    failed = notices.tell_co_trainers("session_cancelled_trainer", session, _others(session), _links(session),
                                      current_user.name)
    _say_failed(session, failed)
