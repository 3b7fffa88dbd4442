"""An end time and a length given together must agree: the scheduling and edit forms are re-rendered with an error
naming both when they do not (the end time used to win silently), and the service refuses such a plan for any
caller. Agreement is in real minutes, as sessions last, so it holds on the nights the clocks change."""

from __future__ import annotations

import re
from datetime import date, time, timedelta

import pytest

from lms import db
from lms.accounts.models import SiteRole
from lms.db import utcnow
from lms.errors import DomainError
from lms.live import scheduling
from lms.live.models import LiveSession
from tests.live_support import count_sessions, live_course, local, plan, schedule, session_form

NNBSP = "\u202f"  # Babel puts a narrow no-break space before AM and PM
DISAGREE = (f"The end time and the length disagree: starting at 6:00{NNBSP}PM, a session of 2 hours ends at "
            f"8:00{NNBSP}PM, not at 8:30{NNBSP}PM. Correct the end time or the length, or leave one of them empty.")


@pytest.fixture
def module(trainer):
    module = live_course(trainer)[1]
    module.credited_minutes = 60
    db.session.commit()
    return module


def _form(module, trainer, **overrides) -> dict:
    return session_form(module, trainer, local(utcnow()).date() + timedelta(days=9), **overrides)


def _error_of(page: str, name: str) -> str | None:
    found = re.search(rf'<p class="error" id="{name}-error">([^<]*)</p>', page)
    return found.group(1) if found else None


def test_an_end_time_and_a_length_that_disagree_are_refused_naming_both(client, u, login, module, trainer):
    login(trainer)
    response = client.submit(u("lms.sessions.create"), _form(module, trainer, end_time="20:30", minutes="120"))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert _error_of(page, "end_time") == DISAGREE
    assert re.search(r'<input[^>]*aria-invalid="true"[^>]*name="end_time"[^>]*value="20:30"', page)
    assert re.search(r'<input[^>]*name="minutes"[^>]*value="120"', page)  # both kept as typed, to correct one
    assert "Please correct the highlighted fields." in page
    assert count_sessions() == 0


def test_an_end_time_and_a_length_that_agree_are_fine(client, u, login, module, trainer):
    login(trainer)
    response = client.submit(u("lms.sessions.create"), _form(module, trainer, end_time="20:00", minutes="120"))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    session = db.session.get(LiveSession, int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1]))
    assert session.ends_at - session.starts_at == timedelta(minutes=120)


def test_the_message_is_in_the_trainers_language_and_formats(client, u, login, module, make_user):
    spanish = make_user("formadora@example.org", role=SiteRole.TRAINER, locale="es")
    login(spanish)
    response = client.submit(u("lms.sessions.create"), _form(module, spanish, end_time="20:30", minutes="90"))
    assert response.status_code == 400
    message = _error_of(response.get_data(as_text=True), "end_time")
    # the times and the length in Spanish formats (the sentence itself comes from the catalog through gettext)
    assert "6:00 p.m." in message.replace(NNBSP, " ") and "1 hora 30 minutos" in message
    assert "7:30 p.m." in message.replace(NNBSP, " ") and "8:30 p.m." in message.replace(NNBSP, " ")


def test_agreement_is_in_real_minutes_on_the_night_the_clocks_go_forward(client, u, login, module, trainer):
    login(trainer)
    night = {"starts_on": "2038-03-14", "start_time": "01:30", "end_time": "04:30"}  # 2 real hours (02:00 is skipped)
    refused = client.submit(u("lms.sessions.create"), session_form(module, trainer, date(2038, 3, 14),
                                                                   **night, minutes="180"))
    assert refused.status_code == 400 and "a session of 3 hours ends at" in refused.get_data(as_text=True)
    agreed = client.submit(u("lms.sessions.create"), session_form(module, trainer, date(2038, 3, 14),
                                                                  **night, minutes="120"))
    assert agreed.status_code == 302


def test_the_edit_form_refuses_a_new_end_time_beside_the_old_length(client, u, login, module, trainer):
    (session,) = schedule(module, trainer, minutes=120, trainer_ids=(trainer.id,))
    day = local(session.starts_at).date()
    login(trainer)
    edit = u("lms.sessions.edit", session_id=session.id)
    response = client.submit(edit, session_form(module, trainer, day, end_time="20:30", minutes="120"))
    assert response.status_code == 400 and _error_of(response.get_data(as_text=True), "end_time") == DISAGREE
    db.session.expire_all()
    assert db.session.get(LiveSession, session.id).ends_at - session.starts_at == timedelta(minutes=120)
    assert client.submit(edit, session_form(module, trainer, day, end_time="20:30", minutes="")).status_code == 302
    db.session.expire_all()
    assert db.session.get(LiveSession, session.id).ends_at - session.starts_at == timedelta(minutes=150)


def test_the_service_refuses_the_same_plan_for_any_caller(app, module, trainer):
    """The JSON API has no scheduling endpoint; the rule is the service's, so any caller gets it."""
    day = local(utcnow()).date() + timedelta(days=9)
    data = plan(module, day=day, at=time(18, 0), minutes=120, end_time=time(20, 30), trainer_ids=(trainer.id,))
    with pytest.raises(DomainError) as refused:
        scheduling.create_sessions(data, 1, trainer)
    assert refused.value.details["field"] == "end_time" and "disagree" in refused.value.message
    huge = plan(module, day=day, at=time(18, 0), minutes=10**9, end_time=time(20, 0), trainer_ids=(trainer.id,))
    with pytest.raises(DomainError) as too_long:
        scheduling.create_sessions(huge, 1, trainer)
    assert too_long.value.details["field"] == "minutes"
    assert count_sessions() == 0
