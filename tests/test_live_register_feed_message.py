"""Registering for a session says "The session is in your calendar feed" only while the person's feed is on: after
they turn it off on "My registrations" the message no longer claims it (the feed link no longer works)."""

from __future__ import annotations

from lms import db
from lms.accounts.models import SiteRole
from lms.live import calendar
from tests.live_support import live_course, schedule

IN_FEED = "The session is in your calendar feed."


def _register(client, u, session) -> str:
    response = client.submit(u("lms.sessions.register", session_id=session.id), follow_redirects=True)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_feed_is_mentioned_only_while_it_is_on(client, u, login, make_user):
    trainer = make_user(role=SiteRole.TRAINER)
    _course, module = live_course(trainer)
    first, second, third = schedule(module, trainer, repeat=3)
    person = make_user()
    login(person)
    page = _register(client, u, first)  # never set up: the feed is on by default
    assert "You are registered." in page and IN_FEED in page
    calendar.disable_feed(person)
    db.session.commit()
    page = _register(client, u, second)
    assert "You are registered." in page and IN_FEED not in page
    calendar.reset_feed(person)  # a new link turns it back on
    db.session.commit()
    assert IN_FEED in _register(client, u, third)
