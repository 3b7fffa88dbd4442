"""The "Schedule a session" form sent twice (a double click, a page sent again with scripts off) schedules once: the
form carries a one-time submission key, and the second POST with it creates nothing and lands on the session the
first one scheduled, with a neutral message."""

from __future__ import annotations

import os
import re
import threading
import time as clock
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from lms import db
from lms.accounts.models import SiteRole, User
from lms.catalog.models import Module
from lms.live import scheduling
from lms.live.models import LiveSession
from tests.live_support import count_sessions, plan, session_form

DAY = date(2038, 1, 12)
ON_POSTGRES = os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql")
ALREADY_ONE = "This form was already sent, so nothing new was scheduled. Here is the session it scheduled."
ALREADY_MANY = "This form was already sent, so nothing new was scheduled. Here is the first of the 3 sessions it scheduled."



def _rendered_form(client, path: str) -> dict[str, str]:
    """The hidden fields of the scheduling form as the page renders them (what a browser sends back)."""
    page = client.get(path).get_data(as_text=True)
    form = page[page.index('<form method="post" class="stack narrow"'):].split("</form>")[0]
    fields = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*type="hidden"[^>]*value="([^"]*)"', form))
    fields.update(re.findall(r'<input[^>]*type="hidden"[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form))
    assert {"csrf_token", "idempotency_key"} <= fields.keys(), form
    return fields


def _plan(module, trainer, day: date = DAY, **overrides) -> dict:
    return session_form(module, trainer, day, **overrides)

def test_the_same_form_sent_twice_schedules_one_session(client, u, login, module, trainer):
    login(trainer)
    path = u("lms.sessions.create")
    form = {**_rendered_form(client, path), **_plan(module, trainer)}
    first, second = client.post(path, data=form), client.post(path, data=form)
    assert (first.status_code, second.status_code) == (302, 302)
    (session,) = db.session.execute(select(LiveSession)).scalars()
    assert first.headers["Location"] == second.headers["Location"] == u("lms.sessions.detail", session_id=session.id)
    page = client.get(second.headers["Location"]).get_data(as_text=True)
    assert ALREADY_ONE in page and "already leads" not in page
    assert scheduling.trainer_ids(session) == [trainer.id]


def test_a_weekly_series_sent_twice_is_scheduled_once(client, u, login, module, trainer):
    login(trainer)
    path = u("lms.sessions.create")
    form = {**_rendered_form(client, path), **_plan(module, trainer, repeat="3")}
    assert "Sessions scheduled: 3." in client.post(path, data=form, follow_redirects=True).get_data(as_text=True)
    again = client.post(path, data=form, follow_redirects=True).get_data(as_text=True)
    assert ALREADY_MANY in again
    assert count_sessions() == 3


def test_a_fresh_form_schedules_another_session(client, u, login, module, trainer):
    login(trainer)
    path = u("lms.sessions.create")
    first_form = _rendered_form(client, path)
    client.post(path, data={**first_form, **_plan(module, trainer)})
    second_form = _rendered_form(client, path)
    assert second_form["idempotency_key"] != first_form["idempotency_key"]
    page = client.post(path, data={**second_form, **_plan(module, trainer, DAY + timedelta(days=1))},
                       follow_redirects=True).get_data(as_text=True)
    assert "Sessions scheduled: 1." in page and "already sent" not in page
    assert count_sessions() == 2


def test_a_refused_form_sent_again_after_a_fix_schedules_once(client, u, login, module, trainer):
    """A form re-shown with a mistake keeps its key: the corrected form is the first to schedule anything."""
    login(trainer)
    path = u("lms.sessions.create")
    form = {**_rendered_form(client, path), **_plan(module, trainer)}
    refused = client.post(path, data={**form, "minutes": "20"})
    assert refused.status_code == 400
    assert f'value="{form["idempotency_key"]}"' in refused.get_data(as_text=True)
    assert client.post(path, data=form).status_code == 302
    assert ALREADY_ONE in client.post(path, data=form, follow_redirects=True).get_data(as_text=True)
    assert count_sessions() == 1


def test_keys_are_per_person(client, u, login, module, trainer, make_user):
    other = make_user("otto@example.org", name="Otto Other", role=SiteRole.TRAINER)
    login(trainer)
    path = u("lms.sessions.create")
    form = _rendered_form(client, path)
    client.post(path, data={**form, **_plan(module, trainer)})
    login(other)
    mine = {**_rendered_form(client, path), "idempotency_key": form["idempotency_key"]}
    page = client.post(path, data={**mine, **_plan(module, other, address="Room 1")},
                       follow_redirects=True).get_data(as_text=True)
    assert "Sessions scheduled: 1." in page and "already sent" not in page
    assert count_sessions() == 2


def test_a_forged_overlong_key_is_refused_on_the_form(client, u, login, module, trainer):
    login(trainer)
    path = u("lms.sessions.create")
    form = {**_rendered_form(client, path), **_plan(module, trainer), "idempotency_key": "k" * 81}
    response = client.post(path, data=form)
    assert response.status_code == 400
    assert "Reload the form and try again." in response.get_data(as_text=True)
    assert count_sessions() == 0


def test_the_service_returns_the_first_sending_whatever_the_second_says(module, trainer):
    first = scheduling.schedule_sessions(plan(module, day=DAY, trainer_ids=(trainer.id,)), 1, trainer, key="k1")
    again = scheduling.schedule_sessions(plan(module, day=DAY, minutes=180, trainer_ids=(trainer.id,)), 2, trainer, key="k1")
    assert (first.is_new, again.is_new) == (True, False)
    assert again.sessions == first.sessions and count_sessions() == 1
    without_key = scheduling.schedule_sessions(plan(module, day=DAY + timedelta(days=1), trainer_ids=(trainer.id,)), 1, trainer)
    assert without_key.is_new and count_sessions() == 2


@pytest.mark.skipif(not ON_POSTGRES, reason="row locks are tested against PostgreSQL")
def test_a_second_post_while_the_first_is_still_saving_creates_nothing(app, client, u, login, module, trainer):
    """The second POST arrives while the first one has created its session but not yet committed: it waits for the
    first one and then finds its key, instead of missing the uncommitted row (or calling it a double booking)."""
    login(trainer)
    path = u("lms.sessions.create")
    form = {**_rendered_form(client, path), **_plan(module, trainer)}
    trainer_id, module_id, created, errors = trainer.id, module.id, threading.Event(), []

    def first_request() -> None:
        with app.app_context():
            try:
                data = plan(db.session.get(Module, module_id), day=DAY, trainer_ids=(trainer_id,),
                            address="Room 9, 1200 Main Street")
                scheduling.schedule_sessions(data, 1, db.session.get(User, trainer_id), key=form["idempotency_key"])
                created.set()
                clock.sleep(0.5)
                db.session.commit()
            except BaseException as exc:  # reported to the test
                errors.append(exc)
            finally:
                db.session.remove()

    thread = threading.Thread(target=first_request)
    thread.start()
    assert created.wait(5)
    second = client.post(path, data=form, follow_redirects=True)
    thread.join(5)
    assert not errors
    assert ALREADY_ONE in second.get_data(as_text=True)
    assert count_sessions() == 1
