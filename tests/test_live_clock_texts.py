"""Times people read about live sessions: a length is real minutes also on the nights the clocks change (and each end
of the session names its own zone), "You can join from ..." sentences take the day and the time apart, and the
check-in code screen shown to the room speaks the session's language."""

from __future__ import annotations

import re
from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from lms import db
from lms.accounts.models import SiteRole
from lms.db import utcnow
from lms.live import checkin, registration
from lms.live.models import LiveSession, SessionMode
from lms.live.times import clock_text, day_text, instant_text, is_same_day, wall_clock_text
from tests.live_support import LA, live_course, schedule, session_form, soon

NNBSP = "\u202f"  # Babel puts a narrow no-break space before AM and PM


@pytest.fixture
def module(trainer):
    """A live module crediting an hour, so sessions of an hour or more can be scheduled."""
    module = live_course(trainer)[1]
    module.credited_minutes = 60
    db.session.commit()
    return module


def _plan(module, trainer, **overrides: str) -> dict:
    return session_form(module, trainer, date(2038, 3, 14), **{"start_time": "01:30", "address": "Room 1", **overrides})

def _create(client, u, module, trainer, **overrides: str) -> tuple[LiveSession, str]:
    response = client.submit(u("lms.sessions.create"), _plan(module, trainer, **overrides))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    session = db.session.execute(select(LiveSession).order_by(LiveSession.id.desc())).scalars().first()
    return session, client.get(response.headers["Location"]).get_data(as_text=True)


# ---------------------------------------------------------------- daylight saving


def test_a_length_is_real_minutes_on_the_night_the_clocks_go_forward(client, u, login, module, trainer):
    login(trainer)
    session, page = _create(client, u, module, trainer)  # 01:30 PST; at 02:00 the clocks jump to 03:00 PDT
    assert session.ends_at - session.starts_at == timedelta(minutes=120)
    assert f"Sunday, March 14, 2038 · 1:30{NNBSP}AM PST – 4:30{NNBSP}AM PDT" in page
    edit = client.get(u("lms.sessions.edit", session_id=session.id)).get_data(as_text=True)
    assert re.search(r'<input[^>]*name="minutes"[^>]*value="120"', edit)  # the length as typed, not the clock's 180
    resent = client.submit(u("lms.sessions.edit", session_id=session.id), _plan(module, trainer))
    assert resent.status_code == 302
    db.session.expire_all()
    again = db.session.get(LiveSession, session.id)
    assert again.ends_at - again.starts_at == timedelta(minutes=120) and again.sequence == 0  # nothing moved


def test_a_length_is_real_minutes_on_the_night_the_clocks_go_back(client, u, login, module, trainer):
    login(trainer)
    session, page = _create(client, u, module, trainer, starts_on="2038-11-07", minutes="60")  # 01:30 PDT, then 01:00 PST
    assert session.ends_at - session.starts_at == timedelta(minutes=60)
    assert f"Sunday, November 7, 2038 · 1:30{NNBSP}AM PDT – 1:30{NNBSP}AM PST" in page


def test_an_end_time_is_read_on_the_wall_clock(client, u, login, module, trainer):
    login(trainer)
    session, page = _create(client, u, module, trainer, end_time="03:30", minutes="")
    assert session.ends_at - session.starts_at == timedelta(minutes=60)  # 01:30 PST to 03:30 PDT
    assert f"1:30{NNBSP}AM PST – 3:30{NNBSP}AM PDT" in page
    skipped = client.submit(u("lms.sessions.create"), _plan(module, trainer, end_time="02:30", minutes=""))
    assert skipped.status_code == 400
    assert "March 14, 2038 at 02:30 does not exist in that time zone" in skipped.get_data(as_text=True)


def test_a_weekly_series_keeps_its_wall_clock_start_and_real_length_across_the_change(module, trainer):
    sessions = schedule(module, trainer, repeat=2, day=date(2038, 3, 9), at=time(18, 0), minutes=90)
    assert [s.starts_at.astimezone(ZoneInfo(LA)).hour for s in sessions] == [18, 18]
    assert [s.ends_at - s.starts_at for s in sessions] == [timedelta(minutes=90)] * 2


# ---------------------------------------------------------------- "You can join from ..."


def _zone_where_today(value) -> str:
    """A zone where ``value`` is today (a test run just before midnight in Los Angeles is not in Tokyo)."""
    return next(z for z in (LA, "Asia/Tokyo", "Europe/London") if is_same_day(value, utcnow(), z))


def test_today_the_page_says_only_the_time(client, u, login, module, trainer, make_user):
    online = {"mode": SessionMode.ONLINE, "address": "", "join_url": "https://meet.example.org/r"}
    joining, in_person = soon(module, trainer, 20, **online), soon(module, trainer, 20)
    opens = joining.starts_at - timedelta(minutes=15)
    zone = _zone_where_today(opens)
    online_person, in_person_person = make_user(timezone=zone), make_user(timezone=zone)  # one place at a time each
    registration.register(joining, online_person, online_person, utcnow())
    registration.register(in_person, in_person_person, in_person_person, utcnow())
    checkin.new_code(in_person, trainer)
    db.session.commit()
    login(online_person)
    page = client.get(u("lms.sessions.detail", session_id=joining.id)).get_data(as_text=True)
    assert f"You can join from {clock_text(opens, zone, 'en')} (15 minutes before the start)." in page
    login(in_person_person)
    page = client.get(u("lms.sessions.detail", session_id=in_person.id)).get_data(as_text=True)
    assert f"You can check in from {clock_text(opens, zone, 'en')} (15 minutes before the start)" in page


def test_another_day_is_given_apart_from_the_time_in_the_readers_language(client, u, login, module, trainer, make_user):
    (later,) = schedule(module, trainer, mode=SessionMode.ONLINE, address="", join_url="https://meet.example.org/r")
    person = make_user(locale="es")
    registration.register(later, person, person, utcnow())
    db.session.commit()
    login(person)
    page = client.get(u("lms.sessions.detail", session_id=later.id)).get_data(as_text=True)
    opens = later.starts_at - timedelta(minutes=15)
    day, clock = day_text(opens, LA, "es_US", utcnow()), clock_text(opens, LA, "es_US")
    assert day.startswith(("lun", "mar", "mié", "jue", "vie", "sáb", "dom")) and clock.endswith(("PST", "PDT"))
    assert f"a partir del {day}, {clock}" in page
    assert instant_text(opens, LA, "es_US") not in page  # "8 dic 2026 9:45 a.m. PST" after "desde las"


# ---------------------------------------------------------------- the check-in code screen


@pytest.mark.parametrize(
    ("session_locale", "trainer_locale", "room", "controls"),
    [
        (
            "es",
            "en",
            ["Código de llegada", "Inicie sesión, vaya a", "Horario para registrar su llegada: de"],
            ["Make a new code", "A new code replaces this one"],
        ),
        ("en", "es", ["Check-in code</h1>", "Sign in and go to", "Check-in is open from"], ["Crear un nuevo código"]),
    ],
)
def test_the_code_screen_speaks_the_sessions_language(
    client, u, login, module, make_user, session_locale, trainer_locale, room, controls
):
    leader = make_user(name="Lead", role=SiteRole.TRAINER, locale=trainer_locale)
    (session,) = schedule(module, leader, locale=session_locale, trainer_ids=(leader.id,))
    checkin.new_code(session, leader)
    db.session.commit()
    login(leader)
    page = client.get(u("lms.sessions.checkin_code", session_id=session.id)).get_data(as_text=True)
    start = page.index(f'<div lang="{session_locale}"')
    screen, after = page[start : page.index("</div>\n</div>", start)], page[page.index("</div>\n</div>", start) :]
    for text in room:
        assert text in screen, text
    for text in controls:
        assert text in after, text
    opens = session.starts_at - timedelta(minutes=15)
    first_day = session.starts_at.astimezone(ZoneInfo(LA)).date()
    assert wall_clock_text(opens, LA, "es_US" if session_locale == "es" else "en_US", first_day) in screen
