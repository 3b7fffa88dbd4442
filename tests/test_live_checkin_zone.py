"""Check-in pages name the time zone of every time, as the session page does: the trainee's "checked in" page reads in
the reader's zone first, with the session's own zone beside it when they differ, and each "Since ..." names its
zone; the code screen shown to the room names the session's zone."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from lms import db
from lms.db import utcnow
from lms.live import checkin, registration
from lms.live.times import to_zone, when_text, zoned_clock_text
from tests.live_support import LA, held_at, live_course

NEW_YORK = "America/New_York"


@pytest.fixture
def trainer(teresa):
    return teresa


@pytest.fixture
def running(trainer):
    """An in-person session in Los Angeles that started ten minutes ago, with a check-in code."""
    start = (utcnow() - timedelta(minutes=10)).replace(second=0, microsecond=0)
    session = held_at(live_course(trainer)[1], trainer, start, 120, tz=LA)
    checkin.new_code(session, trainer)
    db.session.commit()
    return session


def checked_in_page(client, u, login, session, person) -> tuple[str, str]:
    """The page after checking in with the code, and when the person checked in as it should read there."""
    registration.register(session, person, person, session.starts_at - timedelta(hours=1))
    db.session.commit()
    login(person)
    response = client.submit(u("lms.sessions.checkin"), {"code": session.checkin_code})
    assert response.status_code == 302, response.get_data(as_text=True)[:1000]
    (joined,) = checkin.list_my_intervals(session, person)
    first_day = to_zone(session.starts_at, person.timezone).date()
    fmt = "es_US" if person.locale == "es" else "en_US"
    return (client.get(response.headers["Location"]).get_data(as_text=True),
            zoned_clock_text(joined.joined_at, person.timezone, fmt, first_day))


def since(page: str) -> str:
    return re.search(r"<li>(Since [^<]+)</li>", page).group(1)


def test_a_reader_in_another_zone_reads_their_zone_first_and_the_sessions_beside(client, u, login, running, make_user):
    page, joined = checked_in_page(client, u, login, running, make_user(name="Nia", timezone=NEW_YORK))
    reader = when_text(running.starts_at, running.ends_at, NEW_YORK, "en_US")
    there = when_text(running.starts_at, running.ends_at, LA, "en_US")
    assert f"· {reader}</p>" in page
    assert f"In the session's time zone (Pacific Time): {there}" in page.replace("&#39;", "'")
    assert since(page) == f"Since {joined}" and joined.endswith(("EST", "EDT"))  # the reader's zone, named


def test_a_reader_in_the_sessions_zone_reads_it_once_with_the_zone_named(client, u, login, running, make_user):
    page, joined = checked_in_page(client, u, login, running, make_user(name="Lia", timezone=LA))
    assert "In the session's time zone" not in page.replace("&#39;", "'")
    assert f"· {when_text(running.starts_at, running.ends_at, LA, 'en_US')}</p>" in page
    assert since(page) == f"Since {joined}" and joined.endswith(("PST", "PDT"))

    assert client.submit(u("lms.sessions.checkout", session_id=running.id), {"confirm": "yes"}).status_code == 302
    page = client.get(u("lms.sessions.checked_in", session_id=running.id)).get_data(as_text=True)
    span = re.search(r"<li>From ([^<]+) to ([^<]+)</li>", page)
    assert span and all(part.endswith(("PST", "PDT")) for part in span.groups())


def test_spanish_readers_get_their_zone_too(client, u, login, running, make_user):
    page, joined = checked_in_page(client, u, login, running, make_user(name="Rosa", timezone=NEW_YORK, locale="es"))
    assert joined.endswith(("EST", "EDT")) and joined in page  # es_US names US zones
    assert when_text(running.starts_at, running.ends_at, NEW_YORK, "es_US") in page


def test_the_code_screen_names_the_sessions_zone(client, u, login, running, trainer):
    login(trainer)
    page = client.get(u("lms.sessions.checkin_code", session_id=running.id)).get_data(as_text=True)
    sentence = re.search(r'<p class="checkin-how">(Check-in is open from [^<]+)</p>', page).group(1)
    assert re.fullmatch(r"Check-in is open from .+ P[SD]T to .+ P[SD]T\.", sentence), sentence
