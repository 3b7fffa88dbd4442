"""Once a session has started no seat changes hands (lms/live/registration.py: ``fill_seats``), so someone still on
its waitlist who did not come is no longer told her place in line nor promised an email: her session page says the
session has started and no seat will free up, with a link to find another session (no "Leave the waitlist"); her
badge there and on "My registrations", and her course page, read "Waitlist closed: the session has started", and
"Still to do" no longer names the session. Once it is over, her pages say what they say of any past session she did
not attend. Before the start nothing changes.

The trainers' counts and her own pages use one rule of who came (lms/live/turnout.py: ``was_there``)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from lms import db
from lms.catalog.models import Course
from lms.db import utcnow
from lms.enrollment import services as enrollment
from lms.live import attendance, turnout
from lms.live.models import Attendance, AttendanceStatus, IntervalSource, RegistrationStatus
from lms.live.my_sessions import Standing, list_my_course_sessions, my_places
from tests.live_support import add_time, held_at, page_text, seat, soon

WAITING = RegistrationStatus.WAITLISTED
PROMISE = "We will email you if a seat frees up."
CLOSED = "This session has started, so no seat will free up: your place on the waitlist has ended."
CLOSED_BADGE = '<span class="badge live-mine">Waitlist closed: the session has started</span>'
WAITING_BADGE = '<span class="badge live-mine">On the waitlist</span>'


def _full(module, trainer, make_user, minutes_ahead: int):
    """A full session (Ana has its one seat) with Ben on its waitlist."""
    session = soon(module, trainer, minutes_ahead, capacity=1)
    ana, ben = make_user("ana@example.org", name="Ana"), make_user("ben@example.org", name="Ben")
    seat(session, ana)
    seat(session, ben, status=WAITING)
    return session, ben


def _page(client, u, login, person, endpoint: str, **args) -> str:
    login(person)
    return page_text(client.get(u(endpoint, **args)))


def test_under_way_her_page_says_no_seat_will_free_up(client, u, login, module, trainer, make_user):
    session, ben = _full(module, trainer, make_user, -10)
    page = _page(client, u, login, ben, "lms.sessions.detail", session_id=session.id)
    assert PROMISE not in page and "You are number" not in page
    assert CLOSED in page and CLOSED_BADGE in page and WAITING_BADGE not in page
    assert "Leave the waitlist" not in page and "Find another session of this course" in page


def test_before_the_start_she_keeps_her_place_and_the_promise(client, u, login, module, trainer, make_user):
    session, ben = _full(module, trainer, make_user, 10)
    page = _page(client, u, login, ben, "lms.sessions.detail", session_id=session.id)
    assert f"You are number 1 on the waitlist. {PROMISE}" in page and "Leave the waitlist" in page
    assert WAITING_BADGE in page and CLOSED not in page and CLOSED_BADGE not in page


@pytest.mark.parametrize(("minutes_ahead", "badge", "not_badge"),
                         [(10, WAITING_BADGE, CLOSED_BADGE), (-10, CLOSED_BADGE, WAITING_BADGE)],
                         ids=["before-the-start", "under-way"])
def test_my_registrations_badge(client, u, login, module, trainer, make_user, minutes_ahead, badge, not_badge):
    _session, ben = _full(module, trainer, make_user, minutes_ahead)
    page = _page(client, u, login, ben, "lms.sessions.mine")
    coming_up = page.split("My registrations</h1>", 1)[1].split("Calendar feed", 1)[0]  # happening now, coming up
    assert badge in coming_up and not_badge not in coming_up


@pytest.mark.parametrize(("minutes_ahead", "standing"), [(10, "waitlisted"), (-10, "waitlist_closed")],
                         ids=["before-the-start", "under-way"])
def test_her_course_page(client, u, login, module, trainer, make_user, minutes_ahead, standing):
    session, ben = _full(module, trainer, make_user, minutes_ahead)
    course = db.session.get(Course, session.course_id)
    enrollment.enroll(ben, course)
    db.session.commit()
    mine = list_my_course_sessions(ben, session.course_id, utcnow())
    assert [item.standing.value for item in mine.items] == [standing]
    page = _page(client, u, login, ben, "lms.courses.course", course_slug=course.slug)
    assert str(Standing(standing).title) in page
    held = "You are on the waitlist for the session on"
    if standing == "waitlisted":
        assert mine.held_for(module.id) is not None and held in page
    else:  # "Still to do" sends her to find another session
        assert mine.held_for(module.id) is None and held not in page
        assert "Register for a live session and attend it to complete this module." in page


def test_once_over_she_reads_what_any_past_session_says(client, u, login, module, trainer, make_user):
    session = held_at(module, trainer, utcnow() - timedelta(hours=3), 120, capacity=1)
    seat(session, make_user("ana@example.org"))
    ben = make_user("ben@example.org", name="Ben")
    seat(session, ben, status=WAITING)
    page = _page(client, u, login, ben, "lms.sessions.detail", session_id=session.id)
    assert "This session took place on" in page
    for said in (PROMISE, CLOSED, "Waitlist closed", "On the waitlist", "Your attendance", "Leave the waitlist"):
        assert said not in page, said
    assert list_my_course_sessions(ben, session.course_id, utcnow()).items == []


def test_someone_who_came_off_the_waitlist_is_not_told_the_waitlist_closed(client, u, login, module, trainer,
                                                                          make_user):
    session, ben = _full(module, trainer, make_user, -10)
    add_time(session, ben, 1, 6)
    page = _page(client, u, login, ben, "lms.sessions.detail", session_id=session.id)
    assert CLOSED not in page and CLOSED_BADGE not in page
    assert "Attendance not final yet</span>" in page


def test_the_counts_and_her_own_pages_agree_on_who_came(module, trainer, make_user):
    """One rule (``turnout.was_there``): time not set aside, or marked present or late; never a trainer of the
    session. Everyone below is without a seat, so each who came is counted as having come without one."""
    session = soon(module, trainer, -30, capacity=1)
    seat(session, make_user("ana@example.org"))
    people = {name: make_user(f"{name}@example.org", name=name) for name in
              ("timed", "voided", "present", "late", "absent", "excused", "waiting")}
    for person in people.values():
        seat(session, person, status=WAITING)
    add_time(session, people["timed"], 0, 5)
    add_time(session, people["voided"], 0, 5).is_void = True
    for name, status in (("present", AttendanceStatus.PRESENT), ("late", AttendanceStatus.LATE),
                         ("absent", AttendanceStatus.ABSENT), ("excused", AttendanceStatus.EXCUSED)):
        db.session.add(Attendance(session_id=session.id, user_id=people[name].id, status=status))
    add_time(session, trainer, 0, None, IntervalSource.JOIN_BUTTON)  # hosting is not attending
    db.session.commit()
    came = {name for name, person in people.items() | {("trainer", trainer)} if my_places(person, [session.id])[1]}
    assert came == {"timed", "present", "late"}
    assert turnout.count_turnout([session.id])[session.id].came_without_seat == len(came)


# ---------------------------------------------------------------- "My registrations": results of sessions that are over

def _recent(client, u) -> str:
    page = page_text(client.get(u("lms.sessions.mine")))
    return page.split("Recent sessions", 1)[1].split("Calendar feed", 1)[0]


def _badge(title: str) -> str:
    return f'<span class="badge live-mine">{title}</span>'


def _past(module, trainer, hours_ago: int):
    return held_at(module, trainer, utcnow() - timedelta(hours=hours_ago), 120, capacity=2)


def test_my_registrations_gives_the_result_of_sessions_that_are_over(client, u, login, module, trainer, make_user):
    """As her course page does (lms/live/my_sessions.py: ``result_of``), not only "Registered"."""
    ana = make_user("ana@example.org", name="Ana")
    went, missed, open_ = _past(module, trainer, 30), _past(module, trainer, 20), _past(module, trainer, 6)
    for session in (went, missed, open_):
        seat(session, ana)
    add_time(went, ana, 0, 120)
    for session in (went, missed):
        attendance.finalize(session, trainer, utcnow(), 75)
    db.session.commit()
    login(ana)
    recent = _recent(client, u)
    for title in ("Attended", "Absent", "Attendance not final yet"):
        assert recent.count(_badge(title)) == 1, title
    assert _badge("Registered") not in recent


def test_my_registrations_results_cost_no_more_queries_with_more_sessions(client, u, login, module, trainer,
                                                                         make_user, count_queries):
    ana = make_user("ana@example.org", name="Ana")

    def one_more(hours_ago: int) -> None:
        session = _past(module, trainer, hours_ago)
        seat(session, ana)
        add_time(session, ana, 0, 120)
        attendance.finalize(session, trainer, utcnow(), 75)
        db.session.commit()

    one_more(30)
    login(ana)
    client.get(u("lms.sessions.mine"))
    with count_queries() as few:
        client.get(u("lms.sessions.mine"))
    for hours_ago in (20, 10):
        one_more(hours_ago)
    with count_queries() as many:
        recent = _recent(client, u)
    assert recent.count(_badge("Attended")) == 3
    assert many.count == few.count, many.statements[few.count:]
