""""My registrations" lists the sessions under way first, under "Happening now": whether she is checked in or joined
(since when, in her zone and language) or not yet, with her session page's Check in, Check out or Join; never
"Registration is closed" for them (lms/web/live/schedule.py: mine, lms/live/session_cards.py: here_since)."""

from __future__ import annotations

from datetime import timedelta

from lms import db
from lms.db import utcnow
from lms.live import checkin
from lms.live.models import AttendanceInterval, IntervalSource
from lms.live.times import to_zone, zoned_clock_text
from tests.live_support import LA, ONLINE, add_time, held_at, page_text, seat, soon

GRACE = timedelta(minutes=15)
CLOSED = "Registration is closed."
LA_ZONE = "America/Los_Angeles"


def _parts(client, u) -> tuple[str, str, str]:
    """The page as (happening now, coming up, recent sessions)."""
    page = page_text(client.get(u("lms.sessions.mine")))
    head, rest = page.split('id="upcoming-heading"', 1)
    now_part = head.split('id="now-heading"', 1)[1] if 'id="now-heading"' in head else ""
    coming, _sep, past = rest.partition('id="past-heading"')
    return now_part, coming.split('id="feed-heading"', 1)[0], past.split('id="feed-heading"', 1)[0]


def _clock(session, value, locale: str = "en") -> str:
    return zoned_clock_text(value, LA_ZONE, locale, to_zone(session.starts_at, LA_ZONE).date())


def _in_person(module, trainer, make_user, *, code: bool = True, locale: str | None = None):
    session = soon(module, trainer, -10)
    if code:
        checkin.new_code(session, trainer)
    ana = make_user("ana@example.org", name="Ana", locale=locale, timezone=LA)
    seat(session, ana)
    db.session.commit()
    return session, ana


def test_not_checked_in_yet_check_in_is_offered(client, u, login, module, trainer, make_user):
    session, ana = _in_person(module, trainer, make_user)
    login(ana)
    now_part, coming, _past = _parts(client, u)
    assert ">Happening now</h2>" in now_part
    assert u("lms.sessions.detail", session_id=session.id) in now_part
    assert u("lms.sessions.detail", session_id=session.id) not in coming
    assert "You have not checked in yet." in now_part
    assert (f'href="{u("lms.sessions.checkin", session=session.id)}">Check in'
            '<span class="visually-hidden"> Role-play practice, ') in now_part
    assert CLOSED not in now_part and "Check out" not in now_part
    assert "You are not registered for any upcoming session." in coming


def test_before_the_code_is_shown_she_reads_when_check_in_opens(client, u, login, module, trainer, make_user):
    session, ana = _in_person(module, trainer, make_user, code=False)
    login(ana)
    now_part, _coming, _past = _parts(client, u)
    assert "Check-in opens when your trainer shows the check-in code in the room." in now_part
    assert u("lms.sessions.checkin", session=session.id) not in now_part and CLOSED not in now_part


def test_checked_in_says_since_when_and_offers_check_out(client, u, login, module, trainer, make_user):
    session, ana = _in_person(module, trainer, make_user)
    interval = checkin.check_in(session, ana, utcnow(), GRACE)
    db.session.commit()
    login(ana)
    now_part, _coming, _past = _parts(client, u)
    assert "You are checked in." in now_part
    assert f"You checked in at {_clock(session, interval.joined_at)}." in now_part
    assert "PST" in now_part or "PDT" in now_part  # her zone, named
    assert (f'href="{u("lms.sessions.checked_in", session_id=session.id)}">Check out'
            '<span class="visually-hidden"> Role-play practice, ') in now_part
    assert "You have not checked in yet." not in now_part and ">Check in<span" not in now_part


def test_in_spanish_and_her_zone(client, u, login, module, trainer, make_user):
    session, ana = _in_person(module, trainer, make_user, locale="es")
    interval = checkin.check_in(session, ana, utcnow(), GRACE)
    db.session.commit()
    login(ana)
    page = page_text(client.get(u("lms.sessions.mine")))
    assert ">En curso ahora</h2>" in page
    assert f"Hora en que registró su llegada: {_clock(session, interval.joined_at, 'es_US')}" in page
    assert ">Registrar salida<span" in page and "La inscripción está cerrada" not in page.split("now-heading")[1]


def test_the_earliest_open_time_counts_and_time_set_aside_does_not(client, u, login, module, trainer, make_user):
    session, ana = _in_person(module, trainer, make_user)
    add_time(session, ana, -5, None).is_void = True  # set aside: not there by it
    db.session.commit()
    later = add_time(session, ana, 2, None)
    add_time(session, ana, 4, None)
    login(ana)
    now_part, _coming, _past = _parts(client, u)
    assert f"You checked in at {_clock(session, later.joined_at)}." in now_part


def test_checked_out_says_so_and_offers_check_in_again(client, u, login, module, trainer, make_user):
    session, ana = _in_person(module, trainer, make_user)
    add_time(session, ana, 0, 5)  # came, and left (was_there)
    login(ana)
    now_part, _coming, _past = _parts(client, u)
    assert "You have checked out." in now_part and "You have not checked in yet." not in now_part
    assert ">Check in<span" in now_part and ">Check out<span" not in now_part


def test_online_join_is_offered_then_says_since_when(client, u, login, module, trainer, make_user):
    session = soon(module, trainer, -10, **ONLINE)
    ana = make_user("ana@example.org", name="Ana", timezone=LA)
    seat(session, ana)
    login(ana)
    now_part, _coming, _past = _parts(client, u)
    join = u("lms.sessions.join", session_id=session.id)
    assert "You have not joined the online session yet." in now_part
    assert f'<form method="post" action="{join}"' in now_part and 'name="csrf_token"' in now_part.split(join, 1)[1]
    assert "Check in" not in now_part and CLOSED not in now_part
    checkin.join_online(session, ana, utcnow(), GRACE)
    db.session.commit()
    (interval,) = db.session.query(AttendanceInterval).filter_by(user_id=ana.id).all()
    assert interval.source is IntervalSource.JOIN_BUTTON
    now_part, _coming, _past = _parts(client, u)
    assert f"You joined the online session at {_clock(session, interval.joined_at)}." in now_part
    assert f'action="{join}"' in now_part  # back to the meeting


def test_a_session_that_ended_is_in_recent_sessions(client, u, login, module, trainer, make_user):
    ana = make_user("ana@example.org", name="Ana", timezone=LA)
    ended = held_at(module, trainer, utcnow() - timedelta(hours=3), 120)
    seat(ended, ana)
    add_time(ended, ana, 0, None)  # never checked out
    login(ana)
    now_part, coming, past = _parts(client, u)
    assert now_part == "" and "Happening now" not in coming
    assert u("lms.sessions.detail", session_id=ended.id) in past
    assert "Check out" not in past and "checked in" not in past


def test_a_waitlist_place_that_closed_offers_nothing(client, u, login, module, trainer, make_user):
    session = soon(module, trainer, -10, capacity=1)
    checkin.new_code(session, trainer)
    seat(session, make_user("ana@example.org"))
    ben = make_user("ben@example.org", name="Ben")
    seat(session, ben, status=checkin.RegistrationStatus.WAITLISTED)
    login(ben)
    now_part, _coming, _past = _parts(client, u)
    assert "Waitlist closed: the session has started" in now_part
    assert "Check in" not in now_part and "not checked in" not in now_part


def test_more_sessions_under_way_cost_no_more_queries(client, u, login, module, trainer, make_user, count_queries):
    session, ana = _in_person(module, trainer, make_user)
    checkin.check_in(session, ana, utcnow(), GRACE)
    db.session.commit()
    login(ana)
    path = u("lms.sessions.mine")
    client.get(path)
    with count_queries() as few:
        client.get(path)
    for minutes_ago in (20, 30):
        other = soon(module, trainer, -minutes_ago)
        seat(other, ana)
        add_time(other, ana, 0, None)
    with count_queries() as many:
        page = page_text(client.get(path))
    assert page.count("You checked in at") == 3
    assert many.count == few.count, many.statements[few.count:]


def test_without_sessions_under_way_the_page_makes_no_query_for_them(client, u, login, module, trainer, make_user,
                                                                     count_queries):
    ana = make_user("ana@example.org", name="Ana")
    seat(soon(module, trainer, 60 * 24), ana)
    login(ana)
    path = u("lms.sessions.mine")
    client.get(path)
    with count_queries() as counted:
        page = page_text(client.get(path))
    assert "Happening now" not in page
    assert not [s for s in counted.statements if "left_at IS NULL" in s]
