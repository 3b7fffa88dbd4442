"""The registration deadline is typed in the session's time zone: the scheduling form says so in the field's hint, and
the session page shown after scheduling gives the deadline with its zone, in the session's zone too when the reader's
is another."""

from __future__ import annotations

import re
from datetime import time, timedelta

from sqlalchemy import select

from lms import db
from lms.accounts.models import SiteRole
from lms.db import utcnow
from lms.live.models import LiveSession
from lms.live.times import instant_text, local_to_utc
from tests.live_support import LA, local, session_form

NEW_YORK = "America/New_York"


def schedule_with_deadline(client, u, login, module, person) -> tuple[LiveSession, str]:
    """Through the form: a session in Los Angeles in 9 days at 18:00, registration closing two days before at 17:00."""
    day = local(utcnow()).date() + timedelta(days=9)
    deadline = f"{(day - timedelta(days=2)).isoformat()}T17:00"
    login(person)
    response = client.submit(u("lms.sessions.create"), session_form(module, person, day, deadline=deadline))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    session = db.session.execute(select(LiveSession)).scalar_one()
    assert session.registration_deadline == local_to_utc(day - timedelta(days=2), time(17, 0), LA)
    return session, client.get(response.headers["Location"]).get_data(as_text=True)


def deadline_cell(page: str) -> str:
    return re.search(r"<dt>Registration closes</dt><dd[^>]*>(.*?)</dd>", page, re.S).group(1)


def test_the_deadline_hint_names_the_sessions_time_zone(client, u, login, trainer):
    login(trainer)
    page = client.get(u("lms.sessions.create")).get_data(as_text=True).replace("&#39;", "'")
    field = re.search(r'<input[^>]*name="deadline"[^>]*>', page).group(0)
    assert 'aria-describedby="deadline-help"' in field
    hint = re.search(r'<p class="help" id="deadline-help">([^<]*)</p>', page).group(1)
    assert "in the session's time zone" in hint and "“Time zone of the date and times”" in hint


def test_a_trainer_in_another_zone_sees_the_deadline_in_both_zones(client, u, login, module, make_user):
    east = make_user("east@example.org", name="Eve East", role=SiteRole.TRAINER, timezone=NEW_YORK)
    session, page = schedule_with_deadline(client, u, login, module, east)
    cell = deadline_cell(page).replace("&#39;", "'")
    mine, there = instant_text(session.registration_deadline, NEW_YORK, "en_US"), instant_text(
        session.registration_deadline, LA, "en_US")
    assert mine.endswith(("EST", "EDT")) and "8:00" in mine and there.endswith(("PST", "PDT")) and "5:00" in there
    assert cell.strip().startswith(mine)  # the reader's zone first, as for the session's time
    assert f"In the session's time zone (Pacific Time): {there}" in cell


def test_a_trainer_in_the_sessions_zone_sees_it_once_with_its_zone(client, u, login, module, trainer):
    trainer.timezone = LA
    db.session.commit()
    session, page = schedule_with_deadline(client, u, login, module, trainer)
    cell = deadline_cell(page)
    assert cell.strip() == instant_text(session.registration_deadline, LA, "en_US")
    assert cell.strip().endswith(("PST", "PDT"))


def test_without_a_deadline_the_start_closes_registration_with_its_zone(client, u, login, module, make_user):
    east = make_user("east@example.org", role=SiteRole.TRAINER, timezone=NEW_YORK)
    login(east)
    day = local(utcnow()).date() + timedelta(days=9)
    response = client.submit(u("lms.sessions.create"), session_form(module, east, day))
    assert response.status_code == 302
    session = db.session.execute(select(LiveSession)).scalar_one()
    cell = deadline_cell(client.get(response.headers["Location"]).get_data(as_text=True)).replace("&#39;", "'")
    assert instant_text(session.starts_at, LA, "en_US") in cell and "In the session's time zone" in cell
