"""The session page of a trainee who checked in says so and offers Check out (it only showed Check in again, and
check-out lived on a page they had left), and offers no cancelling once the session has started (it was refused)."""

from __future__ import annotations

from datetime import timedelta

from lms import db
from lms.db import utcnow
from lms.live import checkin, registration
from tests.live_support import soon


def test_a_checked_in_trainee_sees_it_and_can_check_out(client, u, login, module, trainer, make_user):
    session = soon(module, trainer, minutes_ahead=-10)
    ana = make_user("ana@example.org", name="Ana Alvarez")
    registration.register(session, ana, ana, utcnow() - timedelta(days=1))
    db.session.commit()
    login(ana)
    path = u("lms.sessions.detail", session_id=session.id)
    before = client.get(path).get_data(as_text=True)
    assert "You are checked in." not in before and "Cancel my registration" not in before  # started: too late
    checkin.check_in(session, ana, utcnow(), timedelta(minutes=15))
    db.session.commit()
    page = client.get(path).get_data(as_text=True)
    assert "You are checked in. Check out when you leave" in page
    assert f'href="{u("lms.sessions.checked_in", session_id=session.id)}">Check out</a>' in page


def test_before_the_start_a_trainee_can_still_cancel(client, u, login, module, trainer, make_user):
    session = soon(module, trainer, minutes_ahead=120)
    ana = make_user("ana@example.org", name="Ana Alvarez")
    registration.register(session, ana, ana, utcnow())
    db.session.commit()
    login(ana)
    page = client.get(u("lms.sessions.detail", session_id=session.id)).get_data(as_text=True)
    assert "Cancel my registration" in page and "You are checked in." not in page
