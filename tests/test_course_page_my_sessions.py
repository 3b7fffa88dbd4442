"""The course page lists the trainee's own live sessions of that course (lms.live.my_sessions): a seat, a waitlist
place, a session cancelled since, and how the sessions that are over came out (attended, part, absent, not final
yet), each with its date and time in the trainee's zone and language and a link to the session, in a fixed number
of queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask_babel import force_locale
from markupsafe import escape

from lms import db
from lms.accounts.models import SiteRole
from lms.catalog import services as catalog
from lms.db import utcnow
from lms.i18n import _
from lms.live import attendance, registration, scheduling
from lms.live.models import RegistrationStatus
from lms.live.my_sessions import Standing, list_my_course_sessions
from lms.live.times import when_text
from tests.live_support import schedule, seat, stayed
from tests.test_learning import build_course

NEW_YORK = "America/New_York"


@pytest.fixture
def trainer(make_user):
    return make_user("trainer@example.org", role=SiteRole.TRAINER)


@pytest.fixture
def course(trainer):
    return build_course(trainer, live=True, quiz=False)


@pytest.fixture
def live(course):
    return catalog.get_module(course, "live")


@pytest.fixture
def trainee(make_user, course):
    from lms.enrollment import services as enrollment

    user = make_user("maria@example.org", name="María", locale="es", timezone=NEW_YORK)
    enrollment.enroll(user, course)
    db.session.commit()
    return user


def upcoming(live, trainer, days: int, **fields):
    (session,) = schedule(live, trainer, day=(utcnow() + timedelta(days=days)).date(), **fields)
    return session


def past(live, trainer, days: int):
    """A two-hour session that started ``days`` ago (in UTC, so no clock change gets in the way)."""
    start = (utcnow() - timedelta(days=days)).replace(second=0, microsecond=0)
    (session,) = schedule(live, trainer, allow_past=True, day=start.date(), at=start.time(), timezone="Africa/Abidjan")
    return session


@pytest.fixture
def history(trainer, live, trainee, make_user):
    """Every kind of session the trainee may have in the course, and some that must not be listed."""
    now, other = utcnow(), make_user("other@example.org")
    seat_ = upcoming(live, trainer, 5)
    registration.register(seat_, trainee, trainee, now)
    full = upcoming(live, trainer, 8, capacity=1)
    registration.register(full, other, other, now)
    registration.register(full, trainee, trainee, now)
    cancelled = upcoming(live, trainer, 10)
    registration.register(cancelled, trainee, trainee, now)
    scheduling.cancel_session(cancelled, "The trainer is ill", trainer, now)
    gave_up = upcoming(live, trainer, 12)
    registration.register(gave_up, trainee, trainee, now)
    registration.cancel_registration(gave_up, trainee, trainee, now)
    not_mine = upcoming(live, trainer, 14)
    registration.register(not_mine, other, other, now)
    db.session.commit()

    attended, absent, partly, waiting, walk_in, too_late = (past(live, trainer, d) for d in (2, 3, 4, 5, 6, 7))
    seat(attended, trainee)
    stayed(attended, trainee, 120)
    seat(absent, trainee)
    seat(partly, trainee)
    stayed(partly, trainee, 30)
    seat(waiting, trainee)  # attendance not finalised yet
    stayed(walk_in, trainee, 115)  # no seat: checked in anyway
    seat(too_late, trainee, status=RegistrationStatus.WAITLISTED)  # on the waitlist of a session now over
    for session in (attended, absent, partly, walk_in, too_late):
        attendance.finalize(session, trainer, utcnow(), 75)
    db.session.commit()
    return {"seat": seat_, "waitlist": full, "cancelled": cancelled, "gave_up": gave_up, "not_mine": not_mine,
            "attended": attended, "absent": absent, "partly": partly, "waiting": waiting, "walk_in": walk_in,
            "too_late": too_late}


def test_the_service_lists_each_session_with_its_standing(app, course, trainee, history):
    mine = list_my_course_sessions(trainee, course.id, utcnow())
    listed = {item.session.id: item.standing for item in mine.items}
    assert listed == {
        history["seat"].id: Standing.REGISTERED,
        history["waitlist"].id: Standing.WAITLISTED,
        history["cancelled"].id: Standing.SESSION_CANCELLED,
        history["attended"].id: Standing.ATTENDED,
        history["absent"].id: Standing.ABSENT,
        history["partly"].id: Standing.PARTLY,
        history["waiting"].id: Standing.PENDING,
        history["walk_in"].id: Standing.ATTENDED,
    }
    starts = [item.session.starts_at for item in mine.items]
    assert starts == sorted(starts)  # in the order they start
    assert next(i for i in mine.items if i.session.id == history["attended"].id).minutes == 120
    assert mine.held_for(history["seat"].module_id).session.id == history["seat"].id  # the seat before the waitlist


def test_nothing_for_someone_else_another_course_or_a_visitor(app, trainer, course, trainee, history, make_user):
    other_course = build_course(trainer, slug="other", live=True, quiz=False)
    elsewhere = upcoming(catalog.get_module(other_course, "live"), trainer, 20)
    registration.register(elsewhere, trainee, trainee, utcnow())
    db.session.commit()
    assert [i.session.id for i in list_my_course_sessions(trainee, other_course.id, utcnow()).items] == [elsewhere.id]
    assert elsewhere.id not in {i.session.id for i in list_my_course_sessions(trainee, course.id, utcnow()).items}
    assert list_my_course_sessions(make_user(), course.id, utcnow()).items == []
    assert list_my_course_sessions(None, course.id, utcnow()).items == []


def test_the_course_page_shows_them_in_the_trainees_zone_and_language(app, client, u, login, trainee, history):
    login(trainee)
    page = client.get(u("lms.courses.course", course_slug="core")).text
    mine = page.split('id="my-sessions-heading"', 1)[1].split("</ul>", 1)[0]
    with app.test_request_context(), force_locale("es"):
        titles = {key: _(text) for key, text in (
            ("seat", "Registered"), ("waitlist", "On the waitlist"), ("cancelled", "Session cancelled"),
            ("attended", "Attended"), ("absent", "Absent"), ("partly", "Attended part of the session"),
            ("waiting", "Attendance not final yet"), ("walk_in", "Attended"))}
        heading = _("Your live sessions in this course")
    assert f">{escape(heading)}</h3>" in page
    for key, title in titles.items():
        session = history[key]
        item = mine.split(f'id="my-session-{session.id}"', 1)[1].split("</li>", 1)[0]
        when = when_text(session.starts_at, session.ends_at, NEW_YORK, "es_US")
        assert f'<a href="{u("lms.sessions.detail", session_id=session.id)}">{escape(when)}</a>' in item, key
        assert f"<strong>{escape(title)}</strong>" in item, key
    for key in ("gave_up", "not_mine", "too_late"):
        assert f'id="my-session-{history[key].id}"' not in page, key
    in_time = ("walk_in", "waiting", "partly", "absent", "attended", "seat", "waitlist", "cancelled")
    order = [mine.index(f'id="my-session-{history[key].id}"') for key in in_time]
    assert order == sorted(order)  # in the order they start


def test_nothing_listed_without_sessions_nor_for_someone_not_enrolled(client, u, login, trainee, make_user, course):
    login(trainee)
    assert "my-sessions-heading" not in client.get(u("lms.courses.course", course_slug="core")).text
    client.submit(u("lms.accounts.logout"))
    assert "my-sessions-heading" not in client.get(u("lms.courses.course", course_slug="core")).text


def test_the_course_page_runs_the_same_queries_for_one_session_or_many(client, u, login, trainer, live, trainee,
                                                                      count_queries):
    registration.register(upcoming(live, trainer, 5), trainee, trainee, utcnow())
    db.session.commit()
    login(trainee)
    path = u("lms.courses.course", course_slug="core")
    client.get(path)
    with count_queries() as one:
        page = client.get(path).text
    assert page.count('id="my-session-') == 1
    for days in (7, 9, 11):
        registration.register(upcoming(live, trainer, days), trainee, trainee, utcnow())
    for days in (2, 3):
        session = past(live, trainer, days)
        seat(session, trainee)
        stayed(session, trainee, 120)
        attendance.finalize(session, trainer, utcnow(), 75)
    db.session.commit()
    with count_queries() as many:
        page = client.get(path).text
    assert page.count('id="my-session-') == 6
    assert many.count == one.count, many.statements[one.count:]
