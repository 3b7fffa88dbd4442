"""A trainer's counts beside the seats ("Sessions I lead", the session page's "For trainers") sort people as the roster
does: someone off the waitlist who checked in came anyway, with the walk-ins, and is no longer counted as waiting
(lms/live/turnout.py). The trainee's own list on the course page says the same (lms/live/my_sessions.py)."""

from __future__ import annotations

import re

from lms import db
from lms.db import utcnow
from lms.live import turnout
from lms.live.models import Attendance, AttendanceStatus, RegistrationStatus
from lms.live.my_sessions import Standing, list_my_course_sessions
from tests.live_support import add_time, page_text, seat, soon

WAITING = RegistrationStatus.WAITLISTED


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page_text(response)))


def _mark(session, person, status: AttendanceStatus) -> None:
    db.session.add(Attendance(session_id=session.id, user_id=person.id, status=status))
    db.session.commit()


def _full_session_under_way(module, trainer, make_user):
    """One seat (Ana, there); on the waitlist Ben (checked in), Cleo (nothing), Dora (time set aside since), Eva (marked
    present by the trainer); Finn, a walk-in with no registration, checked in; the trainer joined the meeting."""
    session = soon(module, trainer, -10, capacity=1)
    ana, ben, cleo, dora, eva, finn = (make_user(f"{n}@example.org", name=n.title())
                                       for n in ("ana", "ben", "cleo", "dora", "eva", "finn"))
    seat(session, ana)
    seat(session, ben, cleo, dora, eva, status=WAITING)
    add_time(session, ana, 0, None)
    add_time(session, ben, 2, None)
    add_time(session, dora, 1, 3).is_void = True
    db.session.commit()
    _mark(session, eva, AttendanceStatus.PRESENT)
    add_time(session, finn, 5, None)
    add_time(session, trainer, 0, None)  # hosting is not attending: never counted
    return session, {"ana": ana, "ben": ben, "cleo": cleo, "dora": dora, "eva": eva, "finn": finn}


def test_people_who_came_are_not_counted_as_waiting(client, u, login, module, trainer, make_user):
    session, _people = _full_session_under_way(module, trainer, make_user)
    login(trainer)
    row = _text(client.get(u("lms.sessions.teach"))).split("Role-play practice", 1)[1]
    assert "1 of 1" in row
    assert "3 came without a seat" in row  # Ben and Eva off the waitlist, Finn walked in
    assert "1 waiting" in row and "4 waiting" not in row  # only Cleo waits

    roster = _text(client.get(u("lms.sessions.attendance", session_id=session.id)))
    assert "Waitlisted (1)" in roster  # the same people as the roster's list of those waiting

    trainers_part = _text(client.get(u("lms.sessions.detail", session_id=session.id))).split("For trainers", 1)[1]
    assert "1 of 1 seat taken. 3 people came without a seat. 1 person is on the waitlist." in trainers_part


def test_nobody_came_nobody_waits(client, u, login, module, trainer, make_user):
    session = soon(module, trainer, 60, capacity=2)
    seat(session, make_user("ana@example.org"))
    login(trainer)
    row = _text(client.get(u("lms.sessions.teach"))).split("Role-play practice", 1)[1]
    assert "1 of 2" in row and "waiting" not in row and "without a seat" not in row
    assert "Nobody is on the waitlist." in _text(client.get(u("lms.sessions.detail", session_id=session.id)))


def test_counts_per_session_in_two_queries(app, module, trainer, make_user, count_queries):
    first, _people = _full_session_under_way(module, trainer, make_user)
    second = soon(module, trainer, 600, capacity=1)
    seat(second, make_user("gil@example.org"), status=WAITING)
    ids = [first.id, second.id, 999_999]
    with count_queries() as counter:
        counts = turnout.count_turnout(ids)
    assert counter.count == 2
    assert counts == {ids[0]: turnout.Turnout(waiting=1, came_without_seat=3),
                      ids[1]: turnout.Turnout(waiting=1, came_without_seat=0),
                      999_999: turnout.Turnout()}


def test_the_teach_page_queries_do_not_grow_with_sessions(client, u, login, module, trainer, make_user, count_queries):
    _full_session_under_way(module, trainer, make_user)
    login(trainer)

    def queries() -> int:
        with count_queries() as counter:
            assert client.get(u("lms.sessions.teach")).status_code == 200
        return counter.count

    few = queries()
    for minutes in (300, 400, 500):
        session = soon(module, trainer, minutes, capacity=1)
        seat(session, make_user(), status=WAITING)
    assert queries() == few


def test_on_her_course_page_someone_off_the_waitlist_who_came_is_not_waiting(module, trainer, make_user):
    session, people = _full_session_under_way(module, trainer, make_user)
    standing = {name: [item.standing for item in list_my_course_sessions(people[name], session.course_id, utcnow()).items]
                for name in ("ben", "cleo", "finn")}
    assert standing == {"ben": [Standing.PENDING], "cleo": [Standing.WAITLIST_CLOSED], "finn": [Standing.PENDING]}
