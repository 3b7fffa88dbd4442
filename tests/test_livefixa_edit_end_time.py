"""The edit form shows a session's end time as well as its length, and only the one the trainer changes counts: moving
the start keeps the end, a new length moves the end, a new end time changes the length. A session that ends after
midnight is shown by its length only."""

from __future__ import annotations

import re
from datetime import date, time, timedelta

from lms import db
from lms.live.models import LiveSession
from tests.live_support import LA, local, schedule

DAY = date(2038, 2, 2)


def _form(client, u, session: LiveSession) -> dict:
    """The edit form's fields as the page fills them in (inputs and the selects' chosen options)."""
    page = client.get(u("lms.sessions.edit", session_id=session.id)).get_data(as_text=True)
    fields: dict = {"trainers": []}
    for tag in re.findall(r"<input[^>]*>", page):
        name, value = re.search(r'name="([^"]+)"', tag), re.search(r'value="([^"]*)"', tag)
        if not name or name.group(1) in ("csrf_token", "next"):
            continue
        if 'type="checkbox"' in tag:
            if " checked" in tag and name.group(1) == "trainers":
                fields["trainers"].append(value.group(1))
            continue
        fields[name.group(1)] = value.group(1) if value else ""
    for name, body in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', page, re.S):
        chosen = [re.search(r'value="([^"]*)"', attrs).group(1)
                  for attrs in re.findall(r"<option([^>]*)>", body) if re.search(r"\bselected\b", attrs)]
        fields[name] = chosen[0] if chosen else ""
    for name, body in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', page, re.S):
        fields[name] = body.strip()
    return fields


def _save(client, u, session: LiveSession, fields: dict, **changes: str):
    return client.submit(u("lms.sessions.edit", session_id=session.id), {**fields, **changes})


def _reload(session: LiveSession) -> LiveSession:
    db.session.expire_all()
    return db.session.get(LiveSession, session.id)


def test_the_form_shows_the_end_time_and_the_length(client, u, login, module, trainer):
    (session,) = schedule(module, trainer, day=DAY, at=time(18, 0), minutes=180)
    login(trainer)
    fields = _form(client, u, session)
    assert fields["start_time"] == "18:00" and fields["end_time"] == "21:00" and fields["minutes"] == "180"


def test_moving_only_the_start_keeps_the_end(client, u, login, module, trainer):
    (session,) = schedule(module, trainer, day=DAY, at=time(18, 0), minutes=180)
    login(trainer)
    was_end = session.ends_at
    response = _save(client, u, session, _form(client, u, session), start_time="18:30")
    assert response.status_code == 302, response.get_data(as_text=True)[:1500]
    session = _reload(session)
    assert local(session.starts_at, LA).time() == time(18, 30) and session.ends_at == was_end


def test_a_new_length_or_a_new_end_time_moves_the_end(client, u, login, module, trainer):
    (session,) = schedule(module, trainer, day=DAY, at=time(18, 0), minutes=180)
    login(trainer)
    assert _save(client, u, session, _form(client, u, session), minutes="150").status_code == 302
    session = _reload(session)
    assert session.ends_at - session.starts_at == timedelta(minutes=150)

    assert _save(client, u, session, _form(client, u, session), end_time="21:15").status_code == 302
    session = _reload(session)
    assert local(session.ends_at, LA).time() == time(21, 15)

    # a new start with a new length: the length counts, the end follows it
    assert _save(client, u, session, _form(client, u, session), start_time="21:00", minutes="120").status_code == 302
    session = _reload(session)
    assert local(session.starts_at, LA).time() == time(21, 0) and local(session.ends_at, LA).time() == time(23, 0)


def test_a_start_moved_past_the_end_is_refused_at_the_end_time(client, u, login, module, trainer):
    (session,) = schedule(module, trainer, day=DAY, at=time(18, 0), minutes=180)
    login(trainer)
    response = _save(client, u, session, _form(client, u, session), start_time="21:30")
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "The end time must be after the start time." in page
    assert local(_reload(session).starts_at, LA).time() == time(18, 0)


def test_an_end_time_and_a_length_both_changed_must_agree(client, u, login, module, trainer):
    (session,) = schedule(module, trainer, day=DAY, at=time(18, 0), minutes=180)
    login(trainer)
    response = _save(client, u, session, _form(client, u, session), end_time="20:30", minutes="120")
    assert response.status_code == 400 and "The end time and the length disagree" in response.get_data(as_text=True)


def test_a_session_past_midnight_is_shown_by_its_length(client, u, login, module, trainer):
    (session,) = schedule(module, trainer, day=DAY, at=time(22, 0), minutes=180)
    login(trainer)
    fields = _form(client, u, session)
    assert fields["end_time"] == "" and fields["minutes"] == "180"
    assert _save(client, u, session, fields, capacity="12").status_code == 302
    session = _reload(session)
    assert session.ends_at - session.starts_at == timedelta(minutes=180) and session.capacity == 12
