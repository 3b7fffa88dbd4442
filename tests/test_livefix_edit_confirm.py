"""The session edit form asks before a change that cuts recorded attendance times or moves the session by a new time
zone: the question is the page's error summary (it takes focus and links to the box to tick), and the form says
where the new time falls in the old zone (lms/web/live/manage.py, lms/live/edit_checks.py)."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from lms import db
from lms.live.models import LiveSession
from tests.conftest import html_text
from tests.live_support import LA, live_course, schedule, seat, soon, stayed
from tests.test_live_schedule_rules import _fields

FUTURE_DAY = date(2038, 2, 2)


@pytest.fixture
def module(trainer):
    return live_course(trainer)[1]


def _summary(page: str) -> str:
    """The error summary box (with its attributes) of a page, or ""."""
    found = re.search(r'<div class="error-summary"[^>]*>.*?</div>', page, re.S)
    return found.group(0) if found else ""


def _reload(session: LiveSession) -> LiveSession:
    db.session.expire_all()
    return db.session.get(LiveSession, session.id)


def test_a_move_past_recorded_times_is_asked_in_the_focused_error_summary(client, u, login, trainer, module, make_user):
    session = soon(module, trainer, -180, minutes=120)
    ana = make_user(name="Ana Ruiz")
    seat(session, ana)
    stayed(session, ana, 110)
    login(trainer)
    start = (session.starts_at + timedelta(minutes=60)).strftime("%H:%M")
    asked = client.submit(u("lms.sessions.edit", session_id=session.id), _fields(session, start_time=start))
    page = asked.get_data(as_text=True)
    summary = _summary(page)
    assert asked.status_code == 409 and "autofocus" in summary and 'tabindex="-1"' in summary
    assert 'href="#confirm-times"' in summary and "1 person's credited time would go down" in html_text(summary)
    assert 'id="confirm-times" name="confirm_times"' in page
    assert "<title>Error:" in page
    sent = client.submit(u("lms.sessions.edit", session_id=session.id), _fields(session, start_time=start, confirm_times="yes"))
    assert sent.status_code == 302


def test_a_new_time_zone_for_a_session_with_registrants_is_asked_first(client, u, login, trainer, module, make_user, mailbox):
    (session,) = schedule(module, trainer, day=FUTURE_DAY)  # 18:00 in Los Angeles
    seat(session, make_user(name="Ana Ruiz"), make_user(name="Ben Cruz"))
    starts_at = session.starts_at
    login(trainer)
    path = u("lms.sessions.edit", session_id=session.id)
    asked = client.submit(path, _fields(session, timezone="America/New_York"))
    summary = html_text(_summary(asked.get_data(as_text=True)))
    assert asked.status_code == 409 and 'href="#confirm-zone"' in _summary(asked.get_data(as_text=True))
    # 18:00 in New York is 15:00 in Los Angeles, the old zone
    assert "3:00 PM" in summary and "instead of" in summary and "6:00 PM" in summary
    assert "2 people registered or on the waitlist are emailed the new time" in summary
    assert _reload(session).starts_at == starts_at and not mailbox
    saved = client.submit(path, _fields(session, timezone="America/New_York", confirm_zone="yes"))
    assert saved.status_code == 302
    assert _reload(session).starts_at == starts_at - timedelta(hours=3)


def test_a_new_time_zone_without_registrants_is_not_asked(client, u, login, trainer, module):
    (session,) = schedule(module, trainer, day=FUTURE_DAY)
    login(trainer)
    sent = client.submit(u("lms.sessions.edit", session_id=session.id), _fields(session, timezone="America/New_York"))
    assert sent.status_code == 302 and _reload(session).timezone == "America/New_York"


def test_the_same_zone_is_not_asked(client, u, login, trainer, module, make_user):
    (session,) = schedule(module, trainer, day=FUTURE_DAY)
    seat(session, make_user(name="Ana Ruiz"))
    login(trainer)
    sent = client.submit(u("lms.sessions.edit", session_id=session.id), _fields(session, timezone=LA, address="Room 4"))
    assert sent.status_code == 302
