"""The API tokens form sent twice (a double click, a resend from a slow phone) creates one token: the form carries a
one-time submission key, and the second POST with it creates nothing and never shows a secret again."""

from __future__ import annotations

import os
import re
import threading
import time

import pytest

from lms import db
from lms.accounts import api_tokens
from lms.accounts.models import User

SECRET = re.compile(r"lms_[A-Za-z0-9_-]{20,}")
ALREADY = "This form was already sent, so the token “script” was created only once."
ON_POSTGRES = os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql")


def _rendered_form(client, path: str) -> dict[str, str]:
    """The hidden fields of the tokens form as the page renders it (what a browser would send back)."""
    page = client.get(path).get_data(as_text=True)
    form = page[page.index(f'action="{path}"'):].split("</form>")[0]
    fields = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*type="hidden"[^>]*value="([^"]*)"', form))
    fields.update(re.findall(r'<input[^>]*type="hidden"[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form))
    assert {"csrf_token", "idempotency_key"} <= fields.keys(), form
    return fields


def test_the_same_form_sent_twice_creates_one_token_and_shows_its_secret_once(client, u, make_user, login):
    user = make_user()
    login(user)
    path = u("lms.accounts.tokens")
    form = {**_rendered_form(client, path), "name": "script"}
    first, second = client.post(path, data=form), client.post(path, data=form)
    assert (first.status_code, second.status_code) == (303, 303)
    assert first.headers["Location"] == second.headers["Location"] == path
    [token] = api_tokens.list_api_tokens(user)

    page = client.get(path).get_data(as_text=True)
    assert ALREADY in page
    assert [api_tokens.user_for_api_token(raw).id for raw in set(SECRET.findall(page))] == [user.id]
    assert not SECRET.search(client.get(path).get_data(as_text=True))
    assert len(api_tokens.list_api_tokens(user)) == 1 and token.is_active


def test_a_resend_after_the_secret_was_shown_shows_no_secret(client, u, make_user, login):
    user = make_user()
    login(user)
    path = u("lms.accounts.tokens")
    form = {**_rendered_form(client, path), "name": "script"}
    shown = client.post(path, data=form, follow_redirects=True).get_data(as_text=True)
    raw = SECRET.search(shown).group(0)
    again = client.post(path, data=form, follow_redirects=True)
    assert again.status_code == 200
    page = again.get_data(as_text=True)
    assert ALREADY in page and "revoke the token and create a new one" in page
    assert raw not in page and not SECRET.search(page)
    assert len(api_tokens.list_api_tokens(user)) == 1


def test_a_fresh_form_creates_another_token(client, u, make_user, login):
    user = make_user()
    login(user)
    path = u("lms.accounts.tokens")
    first_form = _rendered_form(client, path)
    client.post(path, data={**first_form, "name": "script"}, follow_redirects=True)
    second_form = _rendered_form(client, path)
    assert second_form["idempotency_key"] != first_form["idempotency_key"]
    page = client.post(path, data={**second_form, "name": "laptop"}, follow_redirects=True).get_data(as_text=True)
    assert "Copy it now" in page and "already sent" not in page
    assert sorted(t.name for t in api_tokens.list_api_tokens(user)) == ["laptop", "script"]


def test_keys_are_per_person(client, u, make_user, login):
    first, second = make_user(), make_user()
    login(first)
    path = u("lms.accounts.tokens")
    form = _rendered_form(client, path)
    client.post(path, data={**form, "name": "script"})
    login(second)
    page = client.post(path, data={**_rendered_form(client, path), "idempotency_key": form["idempotency_key"],
                                   "name": "script"}, follow_redirects=True).get_data(as_text=True)
    assert "already sent" not in page and SECRET.search(page)
    assert len(api_tokens.list_api_tokens(first)) == len(api_tokens.list_api_tokens(second)) == 1


def test_a_forged_overlong_key_is_refused_on_the_form(client, u, make_user, login):
    user = make_user()
    login(user)
    path = u("lms.accounts.tokens")
    response = client.post(path, data={**_rendered_form(client, path), "idempotency_key": "k" * 81, "name": "script"})
    assert response.status_code == 200
    assert "Reload the form and try again." in response.get_data(as_text=True)
    assert api_tokens.list_api_tokens(user) == []


@pytest.mark.skipif(not ON_POSTGRES, reason="row locks are tested against PostgreSQL")
def test_a_second_post_while_the_first_is_still_saving_creates_nothing(app, client, u, make_user, login):
    """The second POST arrives while the first one has created its token but not yet committed: it waits for the
    first one and then finds its key, instead of missing the uncommitted row and creating a second token."""
    user = make_user()
    login(user)
    path = u("lms.accounts.tokens")
    form = {**_rendered_form(client, path), "name": "script"}
    user_id, created, errors = user.id, threading.Event(), []

    def first_request() -> None:
        with app.app_context():
            try:
                api_tokens.create_api_token(db.session.get(User, user_id), "script", form["idempotency_key"])
                db.session.flush()
                created.set()
                time.sleep(0.5)
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
    assert ALREADY in second.get_data(as_text=True)
    assert len(api_tokens.list_api_tokens(user)) == 1
