"""A session recorded afterwards took no registration: its roster, people's pages and the trainer's counts do not
call everyone "Came without a seat" or "Not registered" (lms/live/turnout.py took_registration). And a person's
"Add or correct a time" starts at the session's date and start (tests/test_creditmail_time_prefill.py): a stray
"Save time" credits nothing (lms/web/live/attendance.py)."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from lms import db
from lms.live import turnout
from lms.live.models import AttendanceInterval
from tests.conftest import html_text
from tests.live_support import seat, soon, stayed


def _recorded(module, trainer, make_user):
    """A class entered three hours after it began (no registration: it had started), Ana and Ben with time."""
    session = soon(module, trainer, -180, minutes=120)
    ana, ben = make_user(name="Ana Ruiz"), make_user(name="Ben Cruz")
    stayed(session, ana, 60)
    stayed(session, ben, 90)
    return session, ana, ben


def test_a_session_recorded_afterwards_shows_no_walk_in_badges_or_counts(client, u, login, module, trainer, make_user):
    session, ana, _ben = _recorded(module, trainer, make_user)
    assert turnout.count_turnout([session.id])[session.id].came_without_seat == 0
    login(trainer)
    roster = html_text(client.get(u("lms.sessions.attendance", session_id=session.id)).get_data(as_text=True))
    assert "Ana Ruiz" in roster and "Came without a seat" not in roster and "Not registered" not in roster
    person = html_text(client.get(u("lms.sessions.attendance_person", session_id=session.id, user_id=ana.id))
                       .get_data(as_text=True))
    assert "Came without a seat" not in person and "Not registered" not in person
    teach = html_text(client.get(u("lms.sessions.teach")).get_data(as_text=True))
    assert "came without a seat" not in teach
    detail = html_text(client.get(u("lms.sessions.detail", session_id=session.id)).get_data(as_text=True))
    assert "came without a seat" not in detail


def test_a_session_someone_registered_for_still_counts_walk_ins(client, u, login, module, trainer, make_user):
    session, ana, ben = _recorded(module, trainer, make_user)
    seat(session, ana)  # registration was open after all: Ben walked in
    assert turnout.count_turnout([session.id])[session.id].came_without_seat == 1
    login(trainer)
    person = html_text(client.get(u("lms.sessions.attendance_person", session_id=session.id, user_id=ben.id))
                       .get_data(as_text=True))
    assert "Came without a seat" in person


def test_add_a_time_saved_as_shown_or_empty_credits_nothing(client, u, login, module, trainer, make_user):
    session, ana, _ben = _recorded(module, trainer, make_user)
    login(trainer)
    path = u("lms.sessions.attendance_person", session_id=session.id, user_id=ana.id)
    page = client.get(path).get_data(as_text=True)
    shown = {}
    for name in ("time-joined_at", "time-left_at"):
        box = re.search(rf'<input[^>]*name="{name}"[^>]*>', page).group(0)
        shown[name] = re.search(r'value="([^"]*)"', box).group(1)
    assert shown["time-joined_at"] == shown["time-left_at"]  # the session's start in both: no span to credit
    sent = client.submit(path, {"action": "time", **shown})
    assert sent.status_code == 400
    sent = client.submit(path, {"action": "time", "time-joined_at": "", "time-left_at": ""})
    assert sent.status_code == 400
    db.session.expire_all()
    assert db.session.execute(select(func.count(AttendanceInterval.id)).where(
        AttendanceInterval.session_id == session.id, AttendanceInterval.user_id == ana.id)).scalar_one() == 1
