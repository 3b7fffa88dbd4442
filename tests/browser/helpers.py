"""Set-up for the browser journeys, through the same services the CLI and views use (call inside
``live_server.data()``), and the Spanish catalog so journeys in Spanish click what a Spanish reader sees."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import cache
from typing import Any

from babel.support import Translations
from sqlalchemy import select

from lms import db
from lms.accounts import services as accounts
from lms.catalog import course_authoring, lesson_authoring, module_authoring
from lms.catalog import services as catalog
from lms.catalog.models import Course, Lesson, Module
from lms.catalog.texts import set_text
from lms.live import scheduling
from lms.live.models import LiveSession, Registration, RegistrationStatus, SessionMode
from lms.live.times import to_zone
from lms.orgs import services as orgs
from lms.orgs.services import Employment
from tests.browser.conftest import DEMO_PASSWORD, ROOT, follow, sign_in

ZONE = "America/Los_Angeles"


@cache
def _spanish() -> Translations:
    return Translations.load(str(ROOT / "translations"), ["es"], domain="lms")


def es(message: str, context: str | None = None, **values: Any) -> str:
    """``message`` (in ``context`` if given, as ``pgettext``) as the Spanish catalog has it (a message the catalog
    lacks would show in English: fail)."""
    text = _spanish().pgettext(context, message) if context else _spanish().gettext(message)
    assert text != message, f"not translated into Spanish: {message!r}"
    return text % values if values else text


def user(email: str) -> Any:
    return accounts.get_user_by_email(email)


def new_person(email: str, name: str, *, locale: str = "en", employee_id: str | None = None) -> Any:
    """A trainee with the demo password, employed by the demo organisation when ``employee_id`` is given."""
    person = accounts.register_user(email, name, DEMO_PASSWORD, locale=locale)
    if employee_id:
        employment = Employment(employee_id, "Community Health Worker", date(2025, 1, 6))
        orgs.add_member(orgs.get_org("demo"), person, employment, actor=None)
    db.session.flush()
    return person


def core_course() -> tuple[Course, Module]:
    """The demo core course and its live module."""
    course = catalog.get_course("chw-core")
    return course, catalog.get_module(course, "live-practice")


def lesson_to_translate(slug: str, title: str, body: str, *, spanish_body: str | None = None) -> tuple[Course, Lesson]:
    """A course ``slug`` by the demo trainer: the module ``basics`` and its lesson ``first`` (“Heat stroke”, ``body``),
    whose title is translated into Spanish (its text too, when ``spanish_body`` is given)."""
    trainer = user("trainer@example.org")
    course = course_authoring.create_course(course_authoring.CourseData(slug=slug, title=title), trainer)
    module = module_authoring.add_module(course, module_authoring.ModuleData(slug="basics", title="Basics"), trainer)
    lesson = lesson_authoring.add_lesson(course, module, "first", "Heat stroke", body, 10, trainer)
    set_text(course, lesson, "title", "es", "Golpe de calor", trainer)
    if spanish_body is not None:
        set_text(course, lesson, "body", "es", spanish_body, trainer)
    return course, lesson


def schedule(starts_at: datetime, minutes: int, *, locale: str = "en", mode: SessionMode = SessionMode.IN_PERSON,
             capacity: int = 12, join_url: str = "") -> LiveSession:
    """A session of the core course's live module led by the demo trainer, at ``starts_at`` (past ones too)."""
    _course, module = core_course()
    local = to_zone(starts_at, ZONE)
    data = scheduling.SessionData(
        module_id=module.id, starts_on=local.date(), start_time=local.time().replace(second=0, microsecond=0),
        minutes=minutes, timezone=ZONE, locale=locale, mode=mode, capacity=capacity,
        address="Valley Community Health, Training Room A, 1200 Main Street, Fresno, CA 93721"
        if mode is not SessionMode.ONLINE else "", join_url=join_url, trainer_ids=(user("trainer@example.org").id,),
    )
    return scheduling.create_sessions(data, 1, user("trainer@example.org"), allow_past=True)[0]


def seat(session: LiveSession, person: Any) -> None:
    """A seat given before the session started (registration is closed once it has started)."""
    db.session.add(Registration(session_id=session.id, user_id=person.id, status=RegistrationStatus.REGISTERED,
                                registered_by_id=person.id))
    db.session.flush()


def session_of(series_key: str) -> LiveSession:
    return db.session.execute(select(LiveSession).where(LiveSession.series_key == series_key)
                              .order_by(LiveSession.starts_at)).scalars().first()


def local_input(moment: datetime) -> str:
    """A ``datetime-local`` input value in the sessions' zone."""
    return to_zone(moment, ZONE).strftime("%Y-%m-%dT%H:%M")


def minutes_ago(minutes: int) -> datetime:
    from lms.db import utcnow

    return (utcnow() - timedelta(minutes=minutes)).replace(second=0, microsecond=0)


def pending_external(live_server: Any, email: str, name: str, employee_id: str, *, count: int, title: str,
                     minutes: int, key: str) -> dict:
    """A new member of the demo staff with ``count`` external trainings ("<title> 1", ...) waiting for approval, on
    as many days in a row ending yesterday: their id and the entries' ids, oldest first."""
    from lms.hours import external_training
    from lms.hours.periods import org_today

    with live_server.data():
        person = new_person(email, name, employee_id=employee_id)
        org = orgs.get_org("demo")
        today = org_today(org)
        ids = []
        for number in range(count):
            data = external_training.ExternalTraining(title=f"{title} {number + 1}",
                                                      activity_date=today - timedelta(days=count - number),
                                                      minutes=minutes, provider="County Public Health", org_id=org.id)
            ids.append(external_training.submit_external(person, data, f"{key}-{employee_id}-{number}")[0].id)
        return {"id": person.id, "entries": ids}


def entry_statuses(live_server: Any, ids: list[int]) -> list[Any]:
    """The statuses of hours entries ``ids`` as stored now, in that order."""
    from lms.hours.models import HoursEntry

    with live_server.app.app_context():
        rows = dict(db.session.execute(select(HoursEntry.id, HoursEntry.status).where(HoursEntry.id.in_(ids))).all())
        db.session.remove()
    return [rows[i] for i in ids]


def open_queue(open_page: Any, person_id: int, email: str = "employer@example.org") -> Any:
    """A new page signed in as ``email`` (the demo organisation's manager) on that organisation's approval queue,
    showing the entries of person ``person_id`` only."""
    page = open_page()
    sign_in(page, email)
    page.goto(f"/hours/orgs/demo/queue?person={person_id}")
    return page


def reject_without_reason(page: Any, entry: str) -> None:
    """On the queue, select the entry ``entry`` (“<title> of <name>”, as its checkbox is labelled) and press "Reject
    selected" with no reason given: the queue comes back with the reason refused."""
    page.get_by_label(f"Select {entry}").check()
    follow(page.get_by_role("button", name="Reject selected"))
