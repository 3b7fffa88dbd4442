"""Error pages after a form is sent are not dead ends: a too-large upload states the limit (in MB, as the reader writes
numbers) and links back to the form; CSRF tokens have no time limit (a quiz left open for hours is still accepted)
but die with the sign-in; the CSRF page says to go back and send the form again."""

from __future__ import annotations

import io
import time

import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

BIG = 1024 * 1024 + 512 * 1024  # 1.5 MB


def _too_large(client, path: str, **headers: str):
    data = {"title": "Course", "activity_date": "2026-01-05", "hours": "1", "minutes": "0",
            "csrf_token": client.csrf_token(path), "evidence": (io.BytesIO(b"%PDF-" + b"a" * BIG), "big.pdf")}
    return client.post(path, data=data, content_type="multipart/form-data", headers=headers)


@pytest.mark.parametrize("app_config", [{"MAX_CONTENT_LENGTH": 1024 * 1024 + 512 * 1024}])
def test_a_too_large_upload_states_the_limit_and_links_back_to_the_form(client, u, make_user, login, app_config):
    login(make_user())
    path = u("lms.hours.submit_external")
    response = _too_large(client, path)
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "File too large" in page and "at most 1.5 MB" in page
    assert f'<a href="{path}">Open the form again (empty)</a>' in page  # no Referer: the form's own address


@pytest.mark.parametrize("app_config", [{"MAX_CONTENT_LENGTH": 1024 * 1024 + 512 * 1024,
                                         "LMS_FORMAT_LOCALES": {"en": "en_US", "es": "es_ES"}}])
def test_the_limit_is_written_in_the_readers_language(client, u, make_user, login, app_config):
    login(make_user(locale="es"))
    response = _too_large(client, u("lms.hours.submit_external"))
    page = response.get_data(as_text=True)
    assert response.status_code == 413 and 'lang="es"' in page
    assert "1,5 MB" in page and "1.5 MB" not in page


@pytest.mark.parametrize("app_config", [{"MAX_CONTENT_LENGTH": 1024 * 1024}])
def test_go_back_follows_a_same_site_referer_only(app, client, u, make_user, login, app_config):
    login(make_user())
    path = u("lms.hours.submit_external")
    same_site = _too_large(client, path, Referer=f"http://{app.config['SERVER_NAME']}{path}?from=menu")
    assert f'<a href="{path}?from=menu">Open the form again (empty)</a>' in same_site.get_data(as_text=True)
    for referer in ("https://evil.example/phish", f"http://{app.config['SERVER_NAME']}//evil.example/x",
                    "javascript:alert(1)", f"http://{app.config['SERVER_NAME']}/\\evil.example"):
        page = _too_large(client, path, Referer=referer).get_data(as_text=True)
        assert "evil" not in page and "javascript:" not in page, referer
        assert f'<a href="{path}">Open the form again (empty)</a>' in page


@pytest.mark.parametrize("app_config", [{"MAX_CONTENT_LENGTH": 1024}])
def test_the_api_keeps_its_json_413(client, u, make_user, login, app_config):
    login(make_user())
    response = client.post(u("lms.api.verify_certificates"), json={"codes": ["x" * 5000]})
    assert response.status_code == 413
    assert response.json["error"] == {"code": "request_entity_too_large",
                                      "message": "The request body is too large: at most 0.001 MB."}


def test_csrf_tokens_have_no_time_limit(app):
    assert app.config["WTF_CSRF_TIME_LIMIT"] is None


class FiveHoursAgo(TimestampSigner):
    def get_timestamp(self) -> int:
        return int(time.time()) - 5 * 3600


def test_a_form_left_open_for_hours_is_still_accepted(app, client, u, make_user, login):
    login(make_user(name="Ana Ruiz"))
    client.csrf_token(u("lms.accounts.profile"))
    with client.session_transaction() as session:
        raw = session["csrf_token"]
    # The token the profile page would have carried had it been opened five hours ago.
    token = URLSafeTimedSerializer(app.secret_key, salt="wtf-csrf-token", signer=FiveHoursAgo).dumps(raw)
    response = client.post(u("lms.accounts.profile"), data={"csrf_token": token, "name": "Ana María Ruiz",
                                                            "locale": "en", "timezone": "America/Los_Angeles"})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]


def test_a_token_dies_with_the_sign_in(client, u, make_user, login):
    user = make_user()
    login(user)
    old = client.csrf_token(u("lms.accounts.profile"))
    client.submit(u("lms.accounts.logout"))
    signed_out = client.csrf_token(u("lms.accounts.login"))
    assert signed_out != old
    login(user)
    for token in (old, signed_out):  # from the sign-in before, and from the signed-out page
        response = client.post(u("lms.accounts.profile"), data={"csrf_token": token, "name": "X Y", "locale": "en",
                                                                "timezone": "America/Los_Angeles"})
        assert response.status_code == 400 and "Form expired" in response.get_data(as_text=True)
    fresh = client.csrf_token(u("lms.accounts.profile"))
    response = client.post(u("lms.accounts.profile"), data={"csrf_token": fresh, "name": "X Y", "locale": "en",
                                                            "timezone": "America/Los_Angeles"})
    assert response.status_code == 302


def test_the_csrf_page_says_to_go_back_and_send_again(app, client, u, make_user, login):
    user = make_user()
    login(user)
    path = u("lms.accounts.profile")
    response = client.post(path, data={"csrf_token": "forged", "name": "X"},
                           headers={"Referer": f"http://{app.config['SERVER_NAME']}{path}"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "Form expired" in page
    assert "Back button: the form usually still shows it there" in page and "reload" not in page  # it empties the form
    assert f'<a href="{path}">Open the form again (empty)</a>' in page
