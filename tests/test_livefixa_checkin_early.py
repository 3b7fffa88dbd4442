"""The right check-in code typed before check-in opens is no guess: it never counts towards the rate limits (a room
arriving early on one Wi-Fi address must not lock itself out), and the person is told when check-in opens, in their
own time zone. The trainer's code screen shows the code before then, saying when check-in opens."""

from __future__ import annotations

from datetime import timedelta

import pytest

from lms import db
from lms.db import utcnow
from lms.live import checkin
from lms.live.times import clock_text, is_same_day
from tests.live_support import day_and_time, seat, soon

NY = "America/New_York"
LIMITS = {"LMS_CHECKIN_LIMIT": "2 per 10 minutes", "LMS_CHECKIN_LIMIT_PER_CLIENT": "3 per 10 minutes"}


def _send(client, u, code: str):
    return client.submit(u("lms.sessions.checkin"), {"code": code})


def _opens_text(opens) -> str:
    when = clock_text(opens, NY, "en") if is_same_day(opens, utcnow(), NY) else day_and_time(opens, NY)
    return f"Check-in is not open yet. You can check in from {when} (15 minutes before the start)."


@pytest.fixture
def later(module, trainer):
    session = soon(module, trainer, 60)  # check-in opens in 45 minutes
    checkin.new_code(session, trainer)
    db.session.commit()
    return session


@pytest.mark.parametrize("app_config", [LIMITS])
def test_a_room_typing_the_right_code_early_is_not_locked_out(client, u, login, make_user, later, app_config):
    people = [make_user(f"p{n}@example.org", timezone=NY) for n in range(4)]
    seat(later, *people)
    expected = _opens_text(later.starts_at - timedelta(minutes=15))
    for person in people:  # more people than the network's limit, each more often than their own limit
        login(person)
        for _ in range(3):
            response = _send(client, u, later.checkin_code)
            assert response.status_code == 302, response.status_code
            assert response.headers["Location"].endswith(u("lms.sessions.detail", session_id=later.id))
            page = client.get(response.headers["Location"]).get_data(as_text=True)
            assert expected in page and "not right" not in page and ("EST" in expected or "EDT" in expected)

    later.starts_at -= timedelta(minutes=55)  # the session now starts in 5 minutes: check-in is open
    later.ends_at -= timedelta(minutes=55)
    db.session.commit()
    response = _send(client, u, later.checkin_code)
    assert response.headers["Location"].endswith(u("lms.sessions.checked_in", session_id=later.id))


@pytest.mark.parametrize("app_config", [LIMITS])
def test_wrong_codes_still_count(client, u, login, make_user, later, app_config):
    login(make_user())
    wrong = "ACDEFG" if later.checkin_code != "ACDEFG" else "CDEFGH"
    assert [_send(client, u, wrong).status_code for _ in range(2)] == [400, 400]
    assert _send(client, u, later.checkin_code).status_code == 429


@pytest.mark.parametrize("app_config", [{"LMS_CHECKIN_LIMIT": "1 per 10 minutes"}])
def test_a_code_typed_too_late_still_counts(client, u, login, make_user, module, trainer, app_config):
    over = soon(module, trainer, -300)  # ended hours ago
    checkin.new_code(over, trainer)
    db.session.commit()
    login(make_user())
    assert _send(client, u, over.checkin_code).status_code == 302
    assert _send(client, u, over.checkin_code).status_code == 429


def test_the_code_screen_says_when_check_in_opens(client, u, login, trainer, later, module):
    login(trainer)
    page = client.get(u("lms.sessions.checkin_code", session_id=later.id)).get_data(as_text=True)
    opens = clock_text(later.starts_at - timedelta(minutes=15), "Africa/Abidjan", "en")
    assert later.checkin_code[:3] in page and 'class="checkin-qr"' in page  # shown, so the trainer can prepare
    assert f"Check-in opens at {opens}." in page and "it checks nobody in until then" in page

    starting = soon(module, trainer, 5)
    checkin.new_code(starting, trainer)
    db.session.commit()
    page = client.get(u("lms.sessions.checkin_code", session_id=starting.id)).get_data(as_text=True)
    assert "Check-in opens at" not in page and "Check-in is not open right now" not in page
