"""Check-in rate limits from a trainee's phone: typos of the wrong length do not count, wrong and closed codes do, and
once a limit is reached the page says how long to wait and to ask the trainer (the right code is refused meanwhile)."""

from __future__ import annotations

import re

import pytest

from lms import db
from lms.live import checkin
from tests.live_support import soon

LIMIT = {"LMS_CHECKIN_LIMIT": "3 per 10 minutes"}


def _send(client, u, code: str):
    return client.submit(u("lms.sessions.checkin"), {"code": code})


@pytest.fixture
def open_session(module, trainer):
    session = soon(module, trainer, 5)
    checkin.new_code(session, trainer)
    db.session.commit()
    return session


@pytest.mark.parametrize("app_config", [LIMIT])
def test_codes_of_the_wrong_length_do_not_count(client, u, login, make_user, open_session, app_config):
    login(make_user())
    for typo in ("ACD", "ACDEFGH", "ACDEF", "A-C-D-E-F"):
        response = _send(client, u, typo)
        assert response.status_code == 400 and "A check-in code has 6 letters and digits." in response.get_data(as_text=True)
    assert _send(client, u, open_session.checkin_code).status_code == 302


@pytest.mark.parametrize("app_config", [LIMIT])
def test_wrong_codes_count_and_the_limit_page_says_how_long_to_wait(client, u, login, make_user, open_session, app_config):
    login(make_user())
    for _ in range(3):
        assert _send(client, u, "ACDEFG" if open_session.checkin_code != "ACDEFG" else "CDEFGH").status_code == 400
    response = _send(client, u, open_session.checkin_code)  # the right code waits too: that is what stops guessing
    page = response.get_data(as_text=True)
    assert response.status_code == 429 and "Check-in paused" in page
    wait = int(response.headers["Retry-After"])
    minutes = int(re.search(r"Try again in (\d+) minutes?\.", page).group(1))
    assert 0 < wait <= 600 and minutes == max(1, -(-wait // 60))
    assert "even for the right code" in page and "ask your trainer to record your attendance" in page


@pytest.mark.parametrize("app_config", [{"LMS_CHECKIN_LIMIT": "2 per 10 minutes"}])
def test_closed_codes_count(client, u, login, make_user, module, trainer, app_config):
    over = soon(module, trainer, -300)  # ended hours ago: its code is closed
    over.checkin_code = "ACDEFG"
    db.session.commit()
    login(make_user())
    for _ in range(2):  # back to the session page, which says check-in is over
        assert _send(client, u, "ACDEFG").status_code == 302
    assert _send(client, u, "ACDEFG").status_code == 429


@pytest.mark.parametrize("app_config", [LIMIT])
def test_the_limit_page_is_in_the_trainees_language(client, u, login, make_user, open_session, app_config):
    login(make_user(locale="es"))
    for _ in range(3):
        _send(client, u, "ACDEFG" if open_session.checkin_code != "ACDEFG" else "CDEFGH")
    response = _send(client, u, open_session.checkin_code)
    assert response.status_code == 429 and '<html lang="es"' in response.get_data(as_text=True)


def test_other_pages_keep_the_general_429(app, client, u, login, make_user):
    app.config["LMS_LOGIN_LIMIT_PER_ACCOUNT"] = "1 per 15 minutes"
    person = make_user()
    for _ in range(2):
        response = client.submit(u("lms.accounts.login"), {"email": person.email, "password": "wrong password"})
    assert response.status_code == 429 and "Check-in paused" not in response.get_data(as_text=True)
