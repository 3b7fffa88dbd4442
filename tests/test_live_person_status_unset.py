"""A person with no attendance status yet is shown as such on their attendance page: the status box starts on "Choose
a status", not on Present, which a stray "Save status" would have recorded. Sent empty, it says to choose."""

from __future__ import annotations

import re
from datetime import timedelta

from lms import db
from lms.db import utcnow
from lms.live import registration
from tests.live_support import soon


def test_no_status_is_preselected_and_an_empty_one_is_refused(client, u, login, module, trainer, make_user):
    session = soon(module, trainer, minutes_ahead=-30)
    ana = make_user("ana@example.org", name="Ana Alvarez")
    registration.register(session, ana, ana, utcnow() - timedelta(days=1))
    db.session.commit()
    login(trainer)
    path = u("lms.sessions.attendance_person", session_id=session.id, user_id=ana.id)
    page = client.get(path).get_data(as_text=True)
    select = re.search(r'<select[^>]*name="status-status"[^>]*>(.*?)</select>', page, re.S).group(1)
    assert re.search(r'<option selected value="">Choose a status</option>', select)
    assert "selected" not in select.split("Choose a status", 1)[1]
    refused = client.submit(path, {"status-status": "", "action": "status"})
    assert refused.status_code == 400 and "Choose a status." in refused.get_data(as_text=True)
