"""Emails about live sessions, each in the recipient's language and time zone.

Templates (``templates/lms/email/``): ``session_cancelled``, ``session_changed`` (new time, place, join link,
language or cost, or notes the trainer chose to tell), ``session_promoted`` (a seat came free from the waitlist),
``session_registered`` (someone else registered you), ``session_reminder``, ``session_trainers_changed`` (to its
trainers: who leads it changed) and ``session_trainer_added`` (to someone made one of its trainers),
``session_changed_trainer`` and ``session_cancelled_trainer`` (to its other trainers: it changed, or was cancelled).
They are sent by the caller *after* its commit (a rolled-back change must not have told anyone), except reminders,
whose exactly-once row is committed with the sending (see :mod:`lms.live.reminders`). Links are built by the caller
(web or CLI layer). Session emails carry no attachment: the changed-session and new-trainer emails link to the
session's ``.ics`` instead.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select

from lms import db
from lms.accounts.models import User
from lms.catalog.models import Course, Module
from lms.catalog.texts import load_titles
from lms.i18n import format_locale, zone_of
from lms.live.models import LiveSession, Registration, SessionMode
from lms.live.times import instant_text, language_name, when_text
from lms.live.trainers import TrainerChange, names
from lms.notify.services import MailError, recipient_locale, send_email


def recipient_zone(user: Any) -> str:
    return zone_of(user)


@dataclass
class TitleBook:
    """Module and course titles per (module, language), as plain strings, loaded once for a batch of emails (the
    strings survive the commits between messages)."""

    titles_by_key: dict[tuple[int, str], tuple[str, str]] = field(default_factory=dict)

    def titles(self, session: LiveSession, locale: str) -> tuple[str, str]:
        key = (session.module_id, locale)
        if key not in self.titles_by_key:
            module, course = db.session.execute(
                select(Module, Course).join(Course, Course.id == Module.course_id).where(Module.id == session.module_id)
            ).one()
            texts = load_titles([module], [course], locale)[course.id]
            self.titles_by_key[key] = (texts(module) or module.slug, texts(course) or course.slug)
        return self.titles_by_key[key]


def session_context(session: LiveSession, user: Any, link: str, book: TitleBook, show_place: bool) -> dict[str, Any]:
    """What every session email shows, in the recipient's language and zone."""
    language = recipient_locale(user)
    zone, fmt = recipient_zone(user), format_locale(language)
    title, course_title = book.titles(session, language)
    return {
        "user": user,
        "session": session,
        "title": title,
        "course_title": course_title,
        "link": link,
        "when": when_text(session.starts_at, session.ends_at, zone, fmt),
        # in person: the session's own local time too when the recipient's zone differs (as the session page does)
        "when_there": (when_text(session.starts_at, session.ends_at, session.timezone, fmt)
                       if session.timezone != zone and session.mode is not SessionMode.ONLINE else ""),
        "deadline": instant_text(session.registration_deadline, zone, fmt) if session.registration_deadline else "",
        "language": language_name(session.locale, fmt),
        "show_place": show_place,
    }


def send_session_email(
    template: str, session: LiveSession, user: Any, link: str, book: TitleBook | None = None, show_place: bool = True, **extra: Any
) -> None:
    """Send one session email (raises :class:`MailError`)."""
    context = session_context(session, user, link, book or TitleBook(), show_place)
    send_email(user.email, template, recipient_locale(user), **(context | extra))


def users_of(registrations: list[Registration]) -> dict[int, User]:
    ids = [r.user_id for r in registrations]
    if not ids:
        return {}
    return {u.id: u for u in db.session.execute(select(User).where(User.id.in_(ids))).scalars()}


def tell(
    template: str,
    session: LiveSession,
    registrations: list[Registration],
    link: str,
    show_place: bool = True,
    per_person: Callable[[Any], dict[str, Any]] | None = None,
    **extra: Any,
) -> list[str]:
    """Email each registrant (after the caller's commit); returns the addresses that could not be reached.
    ``per_person(user)`` adds what is written for each recipient (a time in their zone and language)."""
    failed, book, users = [], TitleBook(), users_of(registrations)
    for registration in registrations:
        user = users.get(registration.user_id)
        if user is None or not user.is_active:
            continue
        more = per_person(user) if per_person else {}
        try:
            send_session_email(template, session, user, link, book, show_place, registration=registration, **extra, **more)
        except MailError:
            failed.append(user.email)
    return failed


def tell_changed(
    session: LiveSession,
    registrations: list[Registration],
    link: str,
    calendar_link: str,
    was: tuple[datetime, datetime],
    changes: tuple[str, ...],
) -> list[str]:
    """Email each person registered or waitlisted what changed (``changes``, see
    :class:`lms.live.scheduling.SessionUpdate`): the time before and now in their zone and language, the new
    language or cost, and (to people with a seat) the new place and notes. Returns the addresses not reached."""

    def before(user: Any) -> dict[str, Any]:
        return {"was": when_text(*was, recipient_zone(user), format_locale(recipient_locale(user)))}

    return tell("session_changed", session, registrations, link, per_person=before, changes=changes, calendar_link=calendar_link)


def tell_trainers(session: LiveSession, change: TrainerChange, link: str, by: str) -> list[str]:
    """Email the trainers who led the session before its trainer list changed (``change.to_tell``: removed or not,
    but the one who changed it), each in their language: who was added and removed, by whom (``by``), who leads it
    now. Returns the addresses not reached."""
    failed, book = [], TitleBook()
    removed = {user.id for user in change.removed}
    for user in change.to_tell:
        try:
            send_session_email("session_trainers_changed", session, user, link, book, by=by, added=names(change.added),
                               removed=names(change.removed), leaders=names(change.now), was_removed=user.id in removed)
        except MailError:
            failed.append(user.email)
    return failed


def tell_new_trainers(session: LiveSession, people: list[User], leaders: list[User], links: dict[str, str], by: str,
                      held: dict[int, str] | None = None, series: int = 1) -> list[str]:
    """Email each of ``people``, just made trainers of the session (never the one who did it), in their language and
    zone: by whom, when and where, who leads it now (``leaders``), the place in it they gave up if they held one
    (``held``: user id → ``registered`` or ``waitlisted``), how many weekly sessions it starts when a series was
    scheduled (``series``), and ``links``: ``roster`` (their page as its trainer), ``calendar`` (its ``.ics``),
    ``session`` (its page) and ``teach`` (the sessions they lead). Returns the addresses not reached."""
    failed, book, held = [], TitleBook(), held or {}
    for user in people:
        try:
            send_session_email("session_trainer_added", session, user, links["session"], book, by=by,
                               leaders=names(leaders), held=held.get(user.id, ""), series=series,
                               roster_link=links["roster"], calendar_link=links["calendar"],
                               teach_link=links["teach"])
        except MailError:
            failed.append(user.email)
    return failed


def tell_co_trainers(template: str, session: LiveSession, people: list[User], links: dict[str, str], by: str,
                     was: tuple[datetime, datetime] | None = None, **extra: Any) -> list[str]:
    """Email each of ``people`` (the session's other trainers, never the one who made the change) in their language
    and zone that the session moved (``session_changed_trainer``: ``was`` is its time before) or was cancelled
    (``session_cancelled_trainer``), by whom (``by``). Returns the addresses not reached."""
    failed, book = [], TitleBook()
    for user in people:
        if not user.is_active:
            continue
        more = {"was": when_text(*was, recipient_zone(user), format_locale(recipient_locale(user)))} if was else {}
        try:
            send_session_email(template, session, user, links["session"], book, by=by, roster_link=links["roster"],
                               calendar_link=links["calendar"], **extra, **more)
        except MailError:
            failed.append(user.email)
    return failed
