"""Live sessions, after a QA re-check:

1. trainers reach the meeting by the Join button and its "Open the meeting" page, recording nothing, as the API
   gives them the link (docs/live-sessions.md, API): the session's own trainers (seat or not, at any time) and site
   trainers without a seat; anyone else without a seat is still refused;
2. on the trainer's roster (and a person's page) someone who came without a seat, off the waitlist or a walk-in,
   reads "Came without a seat", as the trainers' counts say (:func:`lms.live.turnout.was_there`); the roster's
   queries do not grow with the people;
3. "Open the meeting" says since when time counts: from the start for someone who joined before it (time before the
   start is not counted, :mod:`lms.live.intervals`)."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select

from lms import db
from lms.live import checkin
from lms.live.models import Attendance, AttendanceInterval, AttendanceStatus, IntervalSource, RegistrationStatus
from lms.live.times import clock_text
from tests.live_support import LA, ONLINE, add_time, page_text, seat, soon

ROOM = "https://meet.example.org/j/777"
GRACE = timedelta(minutes=15)


def _online(module, trainer, minutes_ahead: int):
    return soon(module, trainer, minutes_ahead, **{**ONLINE, "join_url": ROOM})


def _intervals() -> int:
    return db.session.execute(select(func.count(AttendanceInterval.id))).scalar_one()


def _api_join(client, u, session):
    return client.post(u("lms.api.join_session", session_id=session.id), headers={"X-CSRFToken": client.csrf_token()})


# ---------------------------------------------------------------- 1. trainers reach the meeting


def _reaches_the_meeting(client, u, session) -> None:
    joined = client.submit(u("lms.sessions.join", session_id=session.id))
    assert joined.status_code == 303, page_text(joined)[:500]
    page = client.get(joined.headers["Location"])
    assert page.status_code == 200 and page.headers["Refresh"] == f"0; url={ROOM}"
    assert "recorded from" not in page_text(page)
    assert client.get(u("lms.sessions.joined", session_id=session.id)).status_code == 200  # reached directly too


def test_the_sessions_own_trainer_reaches_the_meeting_and_records_nothing(client, u, login, module, trainer):
    session = _online(module, trainer, -5)
    login(trainer)
    _reaches_the_meeting(client, u, session)
    assert _api_join(client, u, session).get_json() == {"join_url": ROOM}
    assert _intervals() == 0


def test_the_trainer_reaches_the_meeting_before_the_window_too_as_the_api_gives_the_link(client, u, login, module,
                                                                                          trainer):
    session = _online(module, trainer, 120)  # opens in 105 minutes: time to set the meeting up
    seat(session, trainer)  # a place kept from before they led it changes nothing
    login(trainer)
    _reaches_the_meeting(client, u, session)
    response = _api_join(client, u, session)
    assert response.status_code == 200 and response.get_json() == {"join_url": ROOM}
    assert _intervals() == 0


def test_another_trainer_without_a_seat_reaches_it_and_records_nothing(client, u, login, module, trainer, teresa):
    session = _online(module, trainer, -5)
    login(teresa)
    _reaches_the_meeting(client, u, session)
    assert _intervals() == 0


def test_someone_else_without_a_seat_is_still_refused(client, u, login, module, trainer, make_user):
    session = _online(module, trainer, -5)
    ben = make_user("ben@example.org")
    seat(session, ben, status=RegistrationStatus.WAITLISTED)
    login(ben)
    refused = client.submit(u("lms.sessions.join", session_id=session.id))
    assert refused.status_code == 400 and "Only people registered for this session can join it." in page_text(refused)
    assert client.get(u("lms.sessions.joined", session_id=session.id)).status_code == 400
    response = _api_join(client, u, session)
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_registered"
    assert _intervals() == 0


def test_a_trainer_with_a_seat_in_someone_elses_session_attends_it(client, u, login, module, trainer, teresa):
    session = _online(module, trainer, -5)
    seat(session, teresa)  # she learns here: her time is recorded
    login(teresa)
    joined = client.submit(u("lms.sessions.join", session_id=session.id))
    assert "recorded from" in page_text(client.get(joined.headers["Location"]))
    assert _intervals() == 1


# ---------------------------------------------------------------- 2. the roster: came without a seat


def _badge(page: str, name: str) -> str:
    return re.search(rf"{name}</a>.*?</th>", page, re.S).group(0)


def test_the_roster_says_who_came_without_a_seat_as_the_counts_do(client, u, login, module, trainer, make_user):
    session = soon(module, trainer, -30, capacity=1)
    ana, wanda, walt, nora = (make_user(f"{n}@example.org", name=n.title()) for n in ("ana", "wanda", "walt", "nora"))
    seat(session, ana)
    seat(session, wanda, nora, status=RegistrationStatus.WAITLISTED)
    add_time(session, wanda, 0, None, IntervalSource.IMPORT)  # off the waitlist, in the meeting report
    session.checkin_code = "KXT4PW"
    checkin.check_in(session, walt, session.starts_at + timedelta(minutes=2), GRACE)  # a walk-in
    db.session.add(Attendance(session_id=session.id, user_id=nora.id, status=AttendanceStatus.EXCUSED))  # did not come
    db.session.commit()

    login(trainer)
    page = page_text(client.get(u("lms.sessions.attendance", session_id=session.id)))
    for came in ("Wanda", "Walt"):
        assert "Came without a seat" in _badge(page, came) and "On the waitlist" not in _badge(page, came)
    assert "On the waitlist" in _badge(page, "Nora") and "Came without a seat" not in _badge(page, "Nora")
    assert "badge" not in _badge(page, "Ana")
    person = page_text(client.get(u("lms.sessions.attendance_person", session_id=session.id, user_id=wanda.id)))
    assert "Came without a seat" in person and "On the waitlist" not in person
    teach = page_text(client.get(u("lms.sessions.detail", session_id=session.id)))
    assert "2 people came without a seat." in teach


def test_time_set_aside_is_not_coming(client, u, login, module, trainer, make_user):
    session = soon(module, trainer, -30)
    wanda = make_user("wanda@example.org", name="Wanda")
    seat(session, wanda, status=RegistrationStatus.WAITLISTED)
    interval = add_time(session, wanda, 0, 10)
    interval.is_void = True
    db.session.commit()
    login(trainer)
    row = _badge(page_text(client.get(u("lms.sessions.attendance", session_id=session.id))), "Wanda")
    assert "On the waitlist" in row and "Came without a seat" not in row


def test_the_roster_queries_do_not_grow_with_the_people_who_came(client, u, login, module, trainer, make_user,
                                                                 count_queries):
    session = soon(module, trainer, -30, capacity=1)
    seat(session, make_user())
    login(trainer)
    path = u("lms.sessions.attendance", session_id=session.id)

    def came(*people) -> None:
        seat(session, *people, status=RegistrationStatus.WAITLISTED)
        for person in people:
            add_time(session, person, 0, None)

    def queries() -> int:
        with count_queries() as counter:
            assert client.get(path).status_code == 200
        return counter.count

    came(make_user())
    few = queries()
    came(*(make_user() for _ in range(5)))
    assert queries() == few
    assert page_text(client.get(path)).count("Came without a seat") == 6


# ---------------------------------------------------------------- 3. since when time counts


def test_joined_before_the_start_counts_from_the_start(client, u, login, module, trainer, make_user):
    session = _online(module, trainer, 3)  # she joins 3 minutes early
    ana = make_user("ana@example.org", timezone=LA)
    seat(session, ana)
    login(ana)
    page = page_text(client.get(client.submit(u("lms.sessions.join", session_id=session.id)).headers["Location"]))
    (interval,) = db.session.execute(select(AttendanceInterval)).scalars()
    assert interval.joined_at < session.starts_at
    assert f"Your attendance time is recorded from {clock_text(session.starts_at, LA, 'en')}." in page
    assert clock_text(interval.joined_at, LA, "en") not in page

