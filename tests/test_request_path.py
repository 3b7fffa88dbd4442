"""What every request goes through, made cheaper, still behaving as before: the sign-in session's user (noted as seen
every few minutes, ended when idle), the layout's links built once per process (per host and mount point), the
session cookie with its serializer kept (the same cookie as Flask's), times of day formatted once per minute of
text, and the verification page's look-up logged without a transaction around it."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from flask.sessions import SecureCookieSessionInterface
from sqlalchemy import func, select, update

from lms import db
from lms.accounts.login_sessions import SESSION_TOUCH_INTERVAL
from lms.accounts.models import LoginSession
from lms.certificates.models import VerificationLog
from lms.db import utcnow
from lms.i18n import _compose_date_and_time, _date_and_time
from tests.certificates_support import issued_world


def _last_seen() -> datetime:
    db.session.expire_all()
    return db.session.execute(select(LoginSession.last_seen_at)).scalar_one()


def _set_last_seen(value: datetime) -> None:
    db.session.execute(update(LoginSession).values(last_seen_at=value))
    db.session.commit()


def test_a_session_is_noted_as_seen_every_few_minutes_and_ends_when_idle(app, client, u, login, make_user):
    login(make_user("ida@example.org"))
    recently = utcnow() - SESSION_TOUCH_INTERVAL / 2
    _set_last_seen(recently)
    assert client.get(u("lms.hours.mine")).status_code == 200
    assert _last_seen() == recently  # seen within the interval: not written again
    _set_last_seen(utcnow() - SESSION_TOUCH_INTERVAL * 2)
    before = utcnow()
    assert client.get(u("lms.hours.mine")).status_code == 200
    assert _last_seen() >= before  # noted, and committed by the request
    _set_last_seen(utcnow() - timedelta(days=app.config["LMS_SESSION_IDLE_DAYS"], minutes=1))
    idle = client.get(u("lms.hours.mine"))
    assert idle.status_code == 302 and u("lms.accounts.login") in idle.headers["Location"]


def test_the_layouts_links_follow_the_host_and_mount_point_of_each_request(client):
    def stylesheet(base_url: str) -> str:
        page = client.get("/verify", base_url=base_url).get_data(as_text=True)
        return re.search(r'<link rel="stylesheet" href="([^"]+)">', page).group(1).split("?v=")[0]  # less the version

    assert stylesheet("http://localhost/") == "/static/lms.css"
    assert stylesheet("http://localhost/learn/") == "/learn/static/lms.css"
    assert stylesheet("http://other.example/") == "/static/lms.css"
    assert stylesheet("http://localhost/learn/") == "/learn/static/lms.css"


@pytest.mark.parametrize("app_mode", ["standalone"])
def test_the_session_cookie_is_flasks_own_and_a_new_key_refuses_old_cookies(app, client, u, login, make_user):
    login(make_user("cora@example.org"))
    cookie = client.get_cookie("session", domain=app.config["SERVER_NAME"]).value
    flask_own = SecureCookieSessionInterface().get_signing_serializer(app)
    assert "lms_sid" in flask_own.loads(cookie)  # the same format and signature as Flask's
    assert client.get(u("lms.hours.mine")).status_code == 200
    app.config["SECRET_KEY"] = app.secret_key = "another-secret-key-" + "x" * 30
    assert client.get(u("lms.hours.mine")).status_code == 302  # the old cookie no longer counts


def test_times_of_day_read_the_same_as_babel_writes_them():
    zone = ZoneInfo("America/Los_Angeles")
    start = datetime(2026, 3, 8, 1, 58, 7, 123456, tzinfo=ZoneInfo("UTC")).astimezone(zone)
    for locale in ("en_US", "es_US", "en", "es", "fr", "ja"):
        for step in range(0, 200 * 37, 37):  # every few minutes and seconds, across a change of clocks
            moment = (start + timedelta(seconds=step * 60 + step)).astimezone(zone)
            assert _date_and_time(moment, locale) == _compose_date_and_time(moment, locale)


def test_each_verification_is_logged_for_visitors_and_signed_in_people(client, u, login, make_user, make_org,
                                                                      add_member):
    world = issued_world(make_user, make_org, add_member)
    path = u("lms.certificates.verify_page", code=world["code"])

    def logged() -> int:
        return db.session.execute(select(func.count(VerificationLog.id))).scalar_one()

    for expected in (1, 2):
        assert client.get(path).status_code == 200 and logged() == expected
    assert client.get(path, headers={"Accept": "application/json"}).status_code == 200 and logged() == 3
    login(world["manager"])
    page = client.get(path)
    assert page.status_code == 200 and "Revoke this certificate" in page.get_data(as_text=True) and logged() == 4
