"""Someone on the waitlist who came anyway (checked in, joined, has time recorded not set aside, or was marked present
or late) is there, not waiting: her session page shows her check-in and that the trainer decides her attendance
when finalising, not "You are number N on the waitlist"; her badge there and on "My registrations" reads
"Attendance not final yet", as her course page does (lms/live/my_sessions.py); once the session is over her page
says her attendance is not final yet until the trainer finalises it. A walk-in with no registration reads the same.
Someone still waiting keeps her place in line. The API's ``my_registration`` keeps its meaning (her registration and
her place in line)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from lms import db
from lms.db import utcnow
from lms.live import attendance, checkin
from lms.live.models import Attendance, AttendanceStatus, IntervalSource, RegistrationStatus
from lms.live.my_sessions import Standing, list_my_course_sessions
from tests.live_support import ONLINE, add_time, held_at, page_text, seat, soon

WAITING = RegistrationStatus.WAITLISTED
GRACE = timedelta(minutes=15)
NOT_FINAL = "Your attendance is not final yet: it shows here once your trainer has recorded it."
PENDING_BADGE = '<span class="badge live-mine">Attendance not final yet</span>'
WAITING_BADGE = '<span class="badge live-mine">On the waitlist</span>'
#: still waiting once the session started (tests/test_live_waitlist_after_start.py)
CLOSED_BADGE = '<span class="badge live-mine">Waitlist closed: the session has started</span>'


def _full(module, trainer, make_user, minutes_ahead: int, **fields):
    """A full session (Ana has its one seat) with Ben, then Cleo, on its waitlist."""
    session = soon(module, trainer, minutes_ahead, capacity=1, **fields)
    ana, ben, cleo = (make_user(f"{n}@example.org", name=n.title()) for n in ("ana", "ben", "cleo"))
    seat(session, ana)
    seat(session, ben, status=WAITING)
    seat(session, cleo, status=WAITING)  # after Ben: number 2
    return session, ana, ben, cleo


def _check_in(session, trainer, person) -> None:
    checkin.new_code(session, trainer)
    checkin.check_in(session, person, utcnow(), GRACE)
    db.session.commit()


def _page(client, u, login, person, session) -> str:
    login(person)
    return page_text(client.get(u("lms.sessions.detail", session_id=session.id)))


@pytest.mark.parametrize("minutes_ahead", [10, -10], ids=["before-the-start", "under-way"])
def test_checked_in_off_the_waitlist_she_reads_her_check_in_not_her_place(client, u, login, module, trainer, make_user,
                                                                        minutes_ahead):
    session, _ana, ben, _cleo = _full(module, trainer, make_user, minutes_ahead)
    _check_in(session, trainer, ben)
    page = _page(client, u, login, ben, session)
    assert "You checked in at" in page and "Check out" in page
    assert "You are number" not in page and "on the waitlist. We will email you" not in page
    assert NOT_FINAL in page
    assert PENDING_BADGE in page and WAITING_BADGE not in page


def _checked_out(session, person) -> None:
    add_time(session, person, 1, 6)


def _from_a_report(session, person) -> None:
    add_time(session, person, 0, 8, IntervalSource.IMPORT)


def _marked_present(session, person) -> None:
    db.session.add(Attendance(session_id=session.id, user_id=person.id, status=AttendanceStatus.PRESENT))
    db.session.commit()


@pytest.mark.parametrize(("how", "fields"), [(_checked_out, {}), (_from_a_report, ONLINE), (_marked_present, {})],
                         ids=["checked-out", "time-from-a-report", "marked-present"])
def test_with_time_in_the_session_she_is_not_told_her_place(client, u, login, module, trainer, make_user, how, fields):
    session, _ana, ben, _cleo = _full(module, trainer, make_user, -10, **fields)
    how(session, ben)
    page = _page(client, u, login, ben, session)
    assert "You are number" not in page and "Registration is closed." not in _text_of(page, "Your place")
    assert NOT_FINAL in page and PENDING_BADGE in page and WAITING_BADGE not in page
    assert "You checked in at" not in page  # not in the room now: nothing to check out of


def _text_of(page: str, heading: str) -> str:
    return page.split(heading, 1)[1]


def test_someone_still_waiting_keeps_her_place_in_line(client, u, login, module, trainer, make_user):
    session, _ana, ben, cleo = _full(module, trainer, make_user, 10)
    _check_in(session, trainer, ben)
    add_time(session, cleo, -5, -3).is_void = True  # time set aside: she did not come
    db.session.commit()
    page = _page(client, u, login, cleo, session)
    # Ben, who came, is still ahead of her in line: a seat freed before the start would go to him
    assert "You are number 2 on the waitlist. We will email you if a seat frees up." in page
    assert WAITING_BADGE in page and PENDING_BADGE not in page and NOT_FINAL not in page


def test_my_registrations_says_attendance_not_final_for_those_who_came(client, u, login, module, trainer, make_user):
    session, _ana, ben, cleo = _full(module, trainer, make_user, -10)
    finn = make_user("finn@example.org", name="Finn")  # a walk-in, no registration
    _check_in(session, trainer, ben)
    checkin.check_in(session, finn, utcnow(), GRACE)
    db.session.commit()
    for person, badge, not_badge in ((ben, PENDING_BADGE, WAITING_BADGE), (finn, PENDING_BADGE, WAITING_BADGE),
                                     (cleo, CLOSED_BADGE, PENDING_BADGE)):
        login(person)
        page = page_text(client.get(u("lms.sessions.mine")))
        coming_up = page.split("Happening now", 1)[1].split("Calendar feed", 1)[0]  # under way: listed first
        assert badge in coming_up and not_badge not in coming_up, person.name


@pytest.mark.parametrize("place", ["waitlisted", "walk-in"])
def test_once_over_her_page_says_her_attendance_is_not_final_until_finalised(client, u, login, module, trainer,
                                                                              make_user, place):
    session = held_at(module, trainer, utcnow() - timedelta(hours=3), 120, capacity=1)
    seat(session, make_user("ana@example.org"))
    ben = make_user("ben@example.org", name="Ben")
    if place == "waitlisted":
        seat(session, ben, status=WAITING)
    add_time(session, ben, 0, 110)
    page = _page(client, u, login, ben, session)
    assert "Your attendance" in page and NOT_FINAL in page
    assert "You are number" not in page and "Attendance not final yet</span>" not in page  # over: no badge
    attendance.finalize(session, trainer, utcnow(), 75)
    db.session.commit()
    page = page_text(client.get(u("lms.sessions.detail", session_id=session.id)))
    assert NOT_FINAL not in page and "You attended" in page


def test_on_her_course_page_someone_marked_present_off_the_waitlist_is_not_waiting(module, trainer, make_user):
    """As the trainers' counts say (lms/live/turnout.py): marked present or late, she came."""
    session, _ana, ben, cleo = _full(module, trainer, make_user, -10)
    _marked_present(session, ben)
    standing = {p.name: [i.standing for i in list_my_course_sessions(p, session.course_id, utcnow()).items]
                for p in (ben, cleo)}
    assert standing == {"Ben": [Standing.PENDING], "Cleo": [Standing.WAITLIST_CLOSED]}


def test_the_api_keeps_her_registration_and_place_in_line(client, u, login, module, trainer, make_user):
    """``my_registration`` is her registration (still on the waitlist) and her place in line (a seat freed before
    the start goes to her first): both stay true after she checked in, so they do not change."""
    session, _ana, ben, _cleo = _full(module, trainer, make_user, 10)
    _check_in(session, trainer, ben)
    login(ben)
    body = client.get(u("lms.api.get_session", session_id=session.id)).json
    assert body["my_registration"] == {"status": "waitlisted", "waitlist_position": 1}


def test_my_registrations_costs_no_more_queries_with_more_sessions_she_came_to(client, u, login, module, trainer,
                                                                               make_user, count_queries):
    session, _ana, ben, _cleo = _full(module, trainer, make_user, -10)
    _check_in(session, trainer, ben)
    login(ben)
    path = u("lms.sessions.mine")
    client.get(path)
    with count_queries() as few:
        client.get(path)
    for minutes_ahead in (-30, -50):
        other = soon(module, trainer, minutes_ahead, capacity=1)
        seat(other, ben, status=WAITING)
        add_time(other, ben, 0, None)
    with count_queries() as many:
        page = page_text(client.get(path))
    assert page.count(PENDING_BADGE) == 3
    assert many.count == few.count, many.statements[few.count:]


def test_a_trainer_who_joined_her_own_session_did_not_come_to_it(client, u, login, module, trainer, make_user):
    """Hosting is not attending: a trainer with time in her own session reads none of this (as the counts say)."""
    session, _ana, _ben, _cleo = _full(module, trainer, make_user, -10)
    add_time(session, trainer, 0, None, IntervalSource.JOIN_BUTTON)
    page = _page(client, u, login, trainer, session)
    assert PENDING_BADGE not in page and NOT_FINAL not in page
    login(trainer)
    assert PENDING_BADGE not in page_text(client.get(u("lms.sessions.mine")))
