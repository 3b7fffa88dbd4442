"""Accounts: sign-up, sign-in, server-side sign-out, password reset by email, Argon2id, throttling, profile, tokens."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from lms import db
from lms.accounts import admin_actions, api_tokens, login_sessions, password_reset, services
from lms.accounts.models import LoginSession, PendingSignup, User
from lms.accounts.passwords import OWASP_MIN_MEMORY_KIB, OWASP_MIN_TIME_COST
from lms.config import DEFAULTS
from tests.conftest import PASSWORD, body_of
from tests.signup_support import open_signup_link


def test_signup_asks_to_check_email_and_the_link_creates_the_account(client, u, mailbox):
    """Nobody is signed in by signing up (a taken address could not be, and must look the same), and no account
    exists until the person opens the emailed link; then they sign in (tests/test_signup_enumeration.py,
    tests/test_signup_pending.py)."""
    response = client.submit(
        u("lms.accounts.signup"),
        {
            "name": "Rosa Díaz",
            "email": "Rosa@Example.org",
            "password": "a long password",
            "confirm": "a long password",
            "agree": "y",
        },
    )
    assert response.status_code == 302 and response.headers["Location"] == u("lms.accounts.signup_sent")
    assert db.session.execute(select(User)).first() is None
    assert db.session.execute(select(PendingSignup.email)).scalar_one() == "rosa@example.org"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Check your email" in page and "We have sent an email to Rosa@Example.org." in page
    assert "Until you open the link there is no account" in page
    assert "Rosa Díaz" not in client.get(u("lms.main.home")).get_data(as_text=True)
    too_soon = client.submit(u("lms.accounts.login"), {"email": "rosa@example.org", "password": "a long password"})
    assert too_soon.status_code == 401
    open_signup_link(client, mailbox, "rosa@example.org", "a long password")
    user = db.session.execute(select(User)).scalar_one()
    assert user.email == "rosa@example.org" and user.name == "Rosa Díaz" and user.is_email_confirmed
    signed_in = client.submit(u("lms.accounts.login"), {"email": "rosa@example.org", "password": "a long password"})
    assert signed_in.status_code == 302
    assert "Rosa Díaz" in client.get(u("lms.main.home")).get_data(as_text=True)


@pytest.mark.parametrize(
    "data, message",
    [
        (
            {"name": "", "email": "a@example.org", "password": "a long password", "confirm": "a long password", "agree": "y"},
            "This field is required.",
        ),
        (
            {"name": "A", "email": "not-an-email", "password": "a long password", "confirm": "a long password", "agree": "y"},
            "Enter a valid email address, such as name@example.org.",
        ),
        (
            {"name": "A", "email": "a@example.org", "password": "short", "confirm": "short", "agree": "y"},
            "Use between 10 and 128 characters.",
        ),
        (
            {"name": "A", "email": "a@example.org", "password": "a long password", "confirm": "other password!", "agree": "y"},
            "The passwords do not match.",
        ),
        (
            {"name": "A", "email": "a@example.org", "password": "a long password", "confirm": "a long password"},
            "To create your account, tick the box to agree that your training records are kept and shared with your "
            "employer.",
        ),
    ],
)
def test_signup_bad_input_rerenders_with_message_and_saves_nothing(client, u, data, message):
    response = client.submit(u("lms.accounts.signup"), data)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert db.session.execute(select(User)).first() is None
    assert db.session.execute(select(PendingSignup)).first() is None


def test_a_bad_email_is_explained_in_the_lms_own_words_in_spanish(client, u):
    """Not WTForms' stock "Email inválido." but the LMS's wording, as on every other form."""
    data = {"name": "Ana", "email": "ana-sin-arroba", "password": "a long password", "confirm": "a long password",
            "agree": "y"}
    page = client.submit(u("lms.accounts.signup") + "?lang=es", data).text
    assert "Escriba un correo electrónico válido, por ejemplo nombre@example.org." in page
    assert "Email inválido" not in page


def test_signup_duplicate_email_does_not_say_so(client, u, make_user):
    make_user("taken@example.org")
    response = client.submit(
        u("lms.accounts.signup"),
        {"name": "B", "email": "TAKEN@example.org", "password": "a long password", "confirm": "a long password", "agree": "y"},
    )
    assert response.status_code == 302 and response.headers["Location"] == u("lms.accounts.signup_sent")
    assert "already exists" not in client.get(response.headers["Location"]).get_data(as_text=True)
    assert len(db.session.execute(select(User)).all()) == 1
    assert db.session.execute(select(PendingSignup)).first() is None


@pytest.mark.parametrize("app_config", [{"LMS_SIGNUP_ENABLED": False}])
def test_signup_can_be_switched_off(client, u, app_config):
    assert client.get(u("lms.accounts.signup")).status_code == 403
    response = client.submit(
        u("lms.accounts.signup"), {"name": "A", "email": "a@example.org", "password": "a long password", "confirm": "a long password"}
    )
    assert response.status_code == 403
    assert db.session.execute(select(User)).first() is None


def test_login_wrong_password_is_refused(client, u, make_user):
    user = make_user()
    response = client.submit(u("lms.accounts.login"), {"email": user.email, "password": "wrong password"})
    assert response.status_code == 401
    assert "The email or password is not right." in response.get_data(as_text=True)


def test_login_redirects_only_to_local_next(client, u, make_user):
    user = make_user()
    response = client.submit(
        u("lms.accounts.login"), {"email": user.email, "password": PASSWORD, "next": "https://evil.example/steal"}
    )
    assert response.headers["Location"] == u("lms.main.home")


def test_captured_cookie_is_useless_after_sign_out(app, client, u, make_user, login):
    user = make_user()
    login(user)
    cookie = client.get_cookie("session", domain="lms.test")
    assert cookie is not None
    thief = app.test_client()
    thief.set_cookie("session", cookie.value, domain=cookie.domain)
    assert thief.get(u("lms.accounts.profile")).status_code == 200
    client.submit(u("lms.accounts.logout"), {"csrf_token": client.csrf_token(u("lms.accounts.profile"))})
    assert client.get(u("lms.accounts.profile")).status_code == 302
    assert thief.get(u("lms.accounts.profile")).status_code == 302  # the copied cookie no longer works
    assert db.session.execute(select(LoginSession.revoked_at)).scalar_one() is not None


def test_disabling_a_user_ends_their_sessions(app, client, u, make_user, login):
    user = make_user()
    admin = make_user(role=services.SiteRole.ADMIN)
    login(user)
    admin_actions.set_active(db.session.get(User, user.id), False, admin)
    db.session.commit()
    assert client.get(u("lms.accounts.profile")).status_code == 302


def test_password_hashing_is_argon2id_at_or_above_owasp_minimum(app):
    assert DEFAULTS["LMS_ARGON2_MEMORY_COST"] >= OWASP_MIN_MEMORY_KIB
    assert DEFAULTS["LMS_ARGON2_TIME_COST"] >= OWASP_MIN_TIME_COST
    user = services.register_user("h@example.org", "H", "a long password")
    assert user.password_hash.startswith("$argon2id$")


def test_password_reset_by_email_works_once(client, u, make_user, mailbox):
    user = make_user("reset@example.org", locale="es")
    response = client.submit(u("lms.accounts.reset_request"), {"email": "reset@example.org"})
    assert response.status_code == 200
    assert len(mailbox) == 1
    message = mailbox[0]
    assert message["To"] == "reset@example.org"
    assert "contraseña" in message["Subject"].lower()  # sent in the user's language
    link = re.search(r"https?://\S+/reset/\S+", body_of(message)).group(0)
    path = link.split("lms.test", 1)[1]
    form = client.get(path)
    assert form.status_code == 200
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form.get_data(as_text=True)).group(1)
    done = client.post(path, data={"csrf_token": token, "password": "a brand new password", "confirm": "a brand new password"})
    assert done.status_code == 302
    assert login_sessions.authenticate(user.email, "a brand new password") is not None
    again = client.get(path)
    assert again.status_code == 400
    assert "ya se usó" in again.get_data(as_text=True) or "already been used" in again.get_data(as_text=True)


def test_password_reset_for_unknown_email_sends_nothing_and_reveals_nothing(client, u, mailbox):
    response = client.submit(u("lms.accounts.reset_request"), {"email": "nobody@example.org"})
    assert response.status_code == 200
    assert "If there is an account" in response.get_data(as_text=True)
    assert mailbox == []


def test_reset_token_expires(app, make_user):
    user = make_user()
    token = password_reset.make_reset_token(user, app.config["SECRET_KEY"])
    with pytest.raises(services.DomainError, match="expired"):
        password_reset.user_for_reset_token(token, app.config["SECRET_KEY"], max_age=-1)
    with pytest.raises(services.DomainError, match="not valid"):
        password_reset.user_for_reset_token(token + "x", app.config["SECRET_KEY"], max_age=3600)


@pytest.mark.parametrize("app_config", [{"LMS_LOGIN_LIMIT_PER_ACCOUNT": "3 per 15 minutes"}])
def test_failed_sign_ins_are_throttled_per_account(app, client, u, make_user, app_config):
    user = make_user()
    for _ in range(3):
        assert client.submit(u("lms.accounts.login"), {"email": user.email, "password": "bad password"}).status_code == 401
    other_client = app.test_client()  # another computer: still limited, the account is what is protected
    response = other_client.submit(u("lms.accounts.login"), {"email": user.email, "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many attempts" in response.get_data(as_text=True)


@pytest.mark.parametrize("app_config", [{"LMS_LOGIN_LIMIT_PER_CLIENT": "4 per 15 minutes"}])
def test_failed_sign_ins_are_throttled_per_client(client, u, make_user, app_config):
    users = [make_user() for _ in range(5)]
    codes = [client.submit(u("lms.accounts.login"), {"email": x.email, "password": "bad password"}).status_code for x in users]
    assert codes[:4] == [401] * 4 and codes[4] == 429


@pytest.mark.parametrize("app_config", [{"LMS_LOGIN_LIMIT_PER_ACCOUNT": "3 per 15 minutes"}])
def test_successful_sign_ins_are_not_counted(client, u, make_user, app_config):
    user = make_user()
    for _ in range(8):
        assert client.submit(u("lms.accounts.login"), {"email": user.email, "password": PASSWORD}).status_code == 302


def test_profile_edit(client, u, make_user, login):
    user = make_user()
    login(user)
    response = client.submit(u("lms.accounts.profile"), {"name": "Ana María", "locale": "es", "timezone": "America/Chicago"})
    assert response.status_code == 302
    db.session.refresh(user)
    assert (user.name, user.locale, user.timezone) == ("Ana María", "es", "America/Chicago")
    assert 'lang="es"' in client.get(u("lms.accounts.profile")).get_data(as_text=True)


@pytest.mark.parametrize(
    "data",
    [
        {"name": "X", "locale": "xx", "timezone": "America/Chicago"},
        {"name": "X", "locale": "es", "timezone": "Mars/Olympus"},
        {"name": "", "locale": "es", "timezone": "America/Chicago"},
    ],
)
def test_profile_bad_input_changes_nothing(client, u, make_user, login, data):
    user = make_user(name="Keep Me")
    login(user)
    response = client.submit(u("lms.accounts.profile"), data)
    assert response.status_code == 200
    db.session.refresh(user)
    assert user.name == "Keep Me" and user.timezone is None


def test_change_password_requires_current(client, u, make_user, login):
    user = make_user()
    login(user)
    response = client.submit(
        u("lms.accounts.change_password"),
        {"current_password": "wrong one", "new_password": "another long one", "confirm_password": "another long one"},
    )
    assert response.status_code == 400
    # the profile form beside it still shows the person's own zone (never chosen: the site default), not the first
    # zone of the list, which saving the profile would then store
    page = response.get_data(as_text=True)
    assert re.search(r'<option selected value="America/Los_Angeles"|<option value="America/Los_Angeles" selected', page)
    assert not re.search(r'<option[^>]*selected[^>]*value="America/Adak"', page)
    response = client.submit(
        u("lms.accounts.change_password"),
        {"current_password": PASSWORD, "new_password": "another long one", "confirm_password": "another long one"},
    )
    assert response.status_code == 302
    assert login_sessions.authenticate(user.email, "another long one")


def test_api_tokens_are_stored_hashed_and_revocable(app, client, u, make_user, login):
    user = make_user()
    login(user)
    page = client.submit(u("lms.accounts.tokens"), {"name": "payroll script"}, follow_redirects=True).get_data(as_text=True)
    raw = re.search(r"(lms_[A-Za-z0-9_-]{20,})", page).group(1)
    token = api_tokens.list_api_tokens(user)[0]
    assert raw not in (token.token_hash, token.prefix) and token.token_hash != raw
    api = app.test_client()
    me = api.get(u("lms.api.me"), headers={"Authorization": f"Bearer {raw}"})
    assert me.status_code == 200 and me.json["email"] == user.email
    client.submit(u("lms.accounts.revoke_token", token_id=token.id))
    refused = api.get(u("lms.api.me"), headers={"Authorization": f"Bearer {raw}"})
    assert refused.status_code == 401
    assert refused.json["error"]["code"] == "unauthorized"


def test_cannot_revoke_someone_elses_token(client, u, make_user, login):
    owner, other = make_user(), make_user()
    token, _raw = api_tokens.create_api_token(owner, "mine")
    db.session.commit()
    login(other)
    assert client.submit(u("lms.accounts.revoke_token", token_id=token.id)).status_code == 404
    db.session.refresh(token)
    assert token.revoked_at is None


def test_signup_returns_to_next(client, u, mailbox):
    path = u("lms.accounts.signup", next="/orgs/")
    token = client.csrf_token(path)
    response = client.post(
        path,
        data={
            "csrf_token": token,
            "name": "N",
            "email": "n@example.org",
            "password": PASSWORD,
            "confirm": PASSWORD,
            "agree": "y",
            "next": "/orgs/",
        },
    )
    sent = response.headers["Location"]
    assert sent == u("lms.accounts.signup_sent", next="/orgs/")
    login_link = u("lms.accounts.login", next="/orgs/")
    assert f'href="{login_link}"' in client.get(sent).get_data(as_text=True).replace("&amp;", "&")
    open_signup_link(client, mailbox, "n@example.org")
    signed_in = client.submit(login_link, {"email": "n@example.org", "password": PASSWORD, "next": "/orgs/"})
    assert signed_in.headers["Location"] == "/orgs/"


def test_admin_disables_an_account_only_after_seeing_what_it_does(client, u, make_user, login):
    admin = make_user("root@example.org", name="Ada Admin", role=services.SiteRole.ADMIN)
    person = make_user("pat@example.org", name="Pat Person")
    login(admin)
    page = client.get(u("lms.admin.users")).get_data(as_text=True)
    assert u("lms.admin.confirm_disable", user_id=person.id, q="") in page
    assert u("lms.admin.confirm_disable", user_id=admin.id, q="") not in page  # not on one's own row
    confirm = client.get(u("lms.admin.confirm_disable", user_id=person.id)).get_data(as_text=True)
    assert "Disable Pat Person?" in confirm and "revoked for good" in confirm
    assert person.is_active  # looking changes nothing
    done = client.submit(u("lms.admin.update_user", user_id=person.id),
                         {"action": "disable", "confirm": "yes", "reason": "Left the clinic"})
    assert "Pat Person is disabled" in client.get(done.headers["Location"]).get_data(as_text=True)
    db.session.refresh(person)
    assert not person.is_active
