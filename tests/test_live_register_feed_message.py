"""Registering for a session says "The session is in your calendar feed" only to someone with a calendar
subscription: their feed is on and a calendar has read its current link. Everyone else is told how to add the session
(the .ics file) and how to subscribe, and the session page offers both. Reading the feed is what subscribes: a new
link needs a new read, and a feed turned off is no subscription (lms.live.calendar.has_subscription)."""

from __future__ import annotations

import re
from html import unescape

from flask import current_app
from sqlalchemy import select

from lms import db
from lms.accounts.models import SiteRole
from lms.audit import AuditEvent
from lms.live import calendar
from tests.live_support import live_course, schedule

IN_FEED = "The session is in your calendar feed."
HOW_TO = ("You are registered. To have it in your calendar, use “Add to my calendar (.ics)” below, or subscribe to "
          "your calendar feed on “My registrations”: every session you register for then appears in your calendar.")
HINT = "subscribe to your calendar feed</a> so that every session you register for appears in your calendar by itself."


def _register(client, u, session) -> str:
    response = client.submit(u("lms.sessions.register", session_id=session.id), follow_redirects=True)
    assert response.status_code == 200
    return unescape(re.sub(r"[ \t\r\n]+", " ", response.get_data(as_text=True)))


def _read_feed(client, u, person) -> None:
    """What a calendar app does with the link on "My registrations"."""
    token = calendar.feed_token(person, current_app.config["SECRET_KEY"])
    response = client.get(u("lms.sessions.feed", token=token))
    assert response.status_code == 200 and response.mimetype == "text/calendar"


def _first_reads(person) -> list[int]:
    return [e.data["version"] for e in db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "calendar_feed.first_read", AuditEvent.object_id == person.id)
        .order_by(AuditEvent.id)).scalars()]


def test_without_a_subscription_the_message_says_how_to_add_the_session(client, u, login, make_user):
    trainer = make_user(role=SiteRole.TRAINER)
    _course, module = live_course(trainer)
    (session,) = schedule(module, trainer)
    person = make_user()
    login(person)
    page = _register(client, u, session)  # a feed link exists (it is on by default), but no calendar has read it
    assert HOW_TO in page and IN_FEED not in page
    assert HINT in page and f'href="{u("lms.sessions.ics", session_id=session.id)}" download' in page
    assert f'href="{u("lms.sessions.mine")}#feed-heading"' in page
    assert "No calendar has read this link yet." in client.get(u("lms.sessions.mine")).get_data(as_text=True)


def test_the_feed_is_mentioned_only_while_a_calendar_reads_its_current_link(client, u, login, make_user):
    trainer = make_user(role=SiteRole.TRAINER)
    _course, module = live_course(trainer)
    sessions = schedule(module, trainer, repeat=4)
    person = make_user()
    login(person)
    _read_feed(client, u, person)
    _read_feed(client, u, person)  # a calendar polls: the first read is kept once
    assert _first_reads(person) == [1]
    page = _register(client, u, sessions[0])
    assert IN_FEED in page and HOW_TO not in page and HINT not in page
    mine = client.get(u("lms.sessions.mine")).get_data(as_text=True)
    assert "A calendar has read this link: the sessions you register for appear there." in mine

    calendar.reset_feed(person)  # a new link: the calendar still has the old one, which no longer works
    db.session.commit()
    page = _register(client, u, sessions[1])
    assert HOW_TO in page and IN_FEED not in page
    _read_feed(client, u, person)  # the new link added to a calendar
    assert _first_reads(person) == [1, 2]
    assert IN_FEED in _register(client, u, sessions[2])

    calendar.disable_feed(person)
    db.session.commit()
    page = _register(client, u, sessions[3])
    assert "You are registered." in page and IN_FEED not in page


def test_an_old_or_forged_link_subscribes_nobody(client, u, login, make_user):
    person = make_user()
    old = calendar.feed_token(person, current_app.config["SECRET_KEY"])
    calendar.reset_feed(person)
    db.session.commit()
    assert client.get(u("lms.sessions.feed", token=old)).status_code == 404
    assert client.get(u("lms.sessions.feed", token=old[:-2] + "xx")).status_code == 404
    assert _first_reads(person) == [] and not calendar.has_subscription(person)
