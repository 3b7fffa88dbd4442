"""A person's "Add or correct a time" (the trainer's attendance page) starts with the session's date and start time,
in the session's time zone, in both boxes (datetime-local: "YYYY-MM-DDTHH:MM"), so the trainer changes the times
only; saved as shown it is refused, crediting nothing. After a refused save the boxes keep what was typed."""

from __future__ import annotations

import re
from datetime import time, timedelta

from lms.db import utcnow
from lms.live.times import to_zone
from tests.live_support import LA, schedule, stayed


def _boxes(page: str) -> dict[str, str]:
    found = {}
    for name in ("time-joined_at", "time-left_at"):
        box = re.search(rf'<input[^>]*name="{name}"[^>]*>', page).group(0)
        assert 'type="datetime-local"' in box, box
        value = re.search(r'value="([^"]*)"', box)
        found[name] = value.group(1) if value else ""
    return found


def _session(module, trainer, make_user):
    """A class in Los Angeles two days ago at 9:30 (16:30 or 17:30 UTC), Ana there 60 minutes."""
    day = to_zone(utcnow(), LA).date() - timedelta(days=2)
    [session] = schedule(module, trainer, allow_past=True, day=day, at=time(9, 30))
    ana = make_user("ana@example.org", name="Ana Ruiz")
    stayed(session, ana, 60)
    return session, ana, day


def test_the_boxes_start_at_the_sessions_date_and_start_in_its_zone(client, u, login, module, trainer, make_user):
    session, ana, day = _session(module, trainer, make_user)
    login(trainer)
    page = client.get(u("lms.sessions.attendance_person", session_id=session.id, user_id=ana.id))
    assert page.status_code == 200
    assert _boxes(page.get_data(as_text=True)) == {"time-joined_at": f"{day:%Y-%m-%d}T09:30",
                                                   "time-left_at": f"{day:%Y-%m-%d}T09:30"}


def test_a_refused_save_keeps_what_was_typed(client, u, login, module, trainer, make_user):
    session, ana, day = _session(module, trainer, make_user)
    login(trainer)
    typed = {"time-joined_at": f"{day:%Y-%m-%d}T10:15", "time-left_at": f"{day:%Y-%m-%d}T10:00"}  # leaves first
    sent = client.submit(u("lms.sessions.attendance_person", session_id=session.id, user_id=ana.id),
                         {"action": "time", **typed})
    assert sent.status_code == 400
    page = sent.get_data(as_text=True)
    assert "The leave time must be after the join time." in page
    assert _boxes(page) == typed
