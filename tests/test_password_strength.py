"""New passwords must not be easy to guess (NIST SP 800-63B): common and breached passwords, repeated or sequential
characters, keyboard patterns and the person's own name or email are refused on sign-up, reset, change of password,
invitation sign-up and the command line, with a clear, translatable message next to the password field. Passwords
already set still sign in, and the fixtures' and demo's passwords pass."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import select

from lms import db
from lms.accounts import login_sessions
from lms.accounts.models import User
from lms.accounts.passwords import WeakPassword, check_password_strength, hash_password
from tests.conftest import PASSWORD, body_of

COMMON = "This password is too common. Choose one that is harder to guess."
PERSONAL = "This password is too easy to guess from your name or email address. Choose one that is harder to guess."
WEAK = ["1234567890", "password12", "qwertyuiop", "aaaaaaaaaaaa", "abcdefghijkl", "iloveyou12", "Password123!",
        "0987654321", "contraseña123", "chwlearn2024", "1" * 128]
FINE = [PASSWORD, "a long password", "una clave larga", "another long one", "a brand new password", "demo password 1",
        "demo password 2026", "long enough pw", "bench-password", "ana likes green tractors", "Xk9#mP2$vL7@"]


@pytest.mark.parametrize("password", WEAK)
def test_common_and_trivial_passwords_are_refused(app, password):
    with pytest.raises(WeakPassword) as refused:
        check_password_strength(password, email="rosa@example.org", name="Rosa Díaz")
    # the reason depends on the pattern (tests/test_uifix_password_reasons.py)
    assert refused.value.message.endswith("Choose one that is harder to guess.") and refused.value.message != PERSONAL


@pytest.mark.parametrize("password", FINE)
def test_the_fixtures_and_demo_passwords_pass(app, password):
    check_password_strength(password, email="user1@example.org", name="User 1")
    for email, name in [("admin@example.org", "Site Admin"), ("promotora@example.org", "Lupe Promotora")]:
        check_password_strength(password, email=email, name=name)


@pytest.mark.parametrize("password", ["ana.garcia@example.org", "AnaGarcia2024", "garcia.ana!!", "García Ana 99",
                                      "Ana Garcia 1990"])
def test_the_persons_own_name_or_email_is_refused(app, password):
    with pytest.raises(WeakPassword) as refused:
        check_password_strength(password, email="ana.garcia@example.org", name="Ana García")
    assert refused.value.message == PERSONAL


def test_a_generated_demo_password_passes(app, runner, tmp_path, monkeypatch):
    from lms.cli.demo import _demo_password

    app.instance_path = str(tmp_path)
    monkeypatch.delenv("LMS_DEMO_PASSWORD", raising=False)
    password, source = _demo_password(None)
    assert source == "generated"
    check_password_strength(password, email="admin@example.org", name="Site Admin")


def _errors(page: str) -> str:
    return re.sub(r"\s+", " ", page)


@pytest.mark.parametrize("password", ["1234567890", "password12"])
def test_signup_refuses_a_common_password_next_to_the_field(client, u, password):
    response = client.submit(u("lms.accounts.signup"), {"name": "Rosa Díaz", "email": "rosa@example.org",
                                                        "password": password, "confirm": password, "agree": "y"})
    assert response.status_code == 200
    assert COMMON in _errors(response.get_data(as_text=True))
    assert db.session.execute(select(User)).first() is None


def test_signup_refuses_the_persons_own_name(client, u):
    response = client.submit(u("lms.accounts.signup"), {"name": "Rosa Díaz", "email": "rosa.d@example.org",
                                                        "password": "Rosa Diaz 2024", "confirm": "Rosa Diaz 2024",
                                                        "agree": "y"})
    assert PERSONAL in _errors(response.get_data(as_text=True))
    assert db.session.execute(select(User)).first() is None


def test_a_short_password_gets_one_message_only(client, u):
    page = client.submit(u("lms.accounts.signup"), {"name": "Rosa", "email": "rosa@example.org", "password": "12345",
                                                    "confirm": "12345", "agree": "y"}).get_data(as_text=True)
    assert "Use between 10 and 128 characters." in page and COMMON not in _errors(page)


def test_change_password_refuses_a_common_one_and_the_old_one_still_works(client, u, make_user, login):
    user = make_user("ana.garcia@example.org", name="Ana García")
    login(user)
    for new, message in (("password12", COMMON), ("AnaGarcia2024", PERSONAL)):
        response = client.submit(u("lms.accounts.change_password"),
                                 {"current_password": PASSWORD, "new_password": new, "confirm_password": new})
        assert response.status_code == 400 and message in _errors(response.get_data(as_text=True))
    assert login_sessions.authenticate(user.email, PASSWORD)


def _reset_path(client, u, mailbox, email: str) -> str:
    assert client.submit(u("lms.accounts.reset_request"), {"email": email}).status_code == 200
    link = re.search(r"https?://\S+/reset/\S+", body_of(mailbox[-1])).group(0)
    return "/" + link.split("://", 1)[1].partition("/")[2]


def test_reset_refuses_weak_passwords_on_the_form(client, u, make_user, mailbox):
    make_user("ana.garcia@example.org", name="Ana García")
    path = _reset_path(client, u, mailbox, "ana.garcia@example.org")
    for new, message in (("1234567890", COMMON), ("anagarcia1234", PERSONAL)):  # the email only the service knows
        response = client.submit(path, {"password": new, "confirm": new})
        assert response.status_code == 200, response.status_code
        assert message in _errors(response.get_data(as_text=True))
    assert login_sessions.authenticate("ana.garcia@example.org", PASSWORD)
    assert client.submit(path, {"password": "a brand new password", "confirm": "a brand new password"}).status_code == 302


def test_invitation_signup_refuses_the_invited_address_as_password(client, u, make_org, login, mailbox, app):
    from lms.orgs.models import Membership
    from tests.test_org_invitations import link_path

    make_org("acme", name="Acme Clinic")
    login(db.session.execute(select(Membership)).scalar_one().user)
    assert client.submit(u("lms.orgs.invite", org_slug="acme"), {"email": "lupe.ortiz@example.org", "name": "",
                                                                  "employment_type": "employee",
                                                                  "role": "member"}).status_code == 302
    path = link_path(mailbox[-1])
    newcomer = app.test_client()
    response = newcomer.submit(path, {"csrf_token": newcomer.csrf_token(path), "name": "Lupe", "agree": "y",
                                      "password": "lupe.ortiz2024", "confirm": "lupe.ortiz2024"})
    assert response.status_code == 200 and PERSONAL in _errors(response.get_data(as_text=True))
    assert db.session.scalar(select(User).where(User.email == "lupe.ortiz@example.org")) is None


def test_create_user_refuses_a_common_password(runner):
    result = runner.invoke(args=["lms", "create-user", "--email", "x@example.org", "--name", "X Y",
                                 "--password", "password12"])
    assert result.exit_code != 0 and COMMON in result.output


def test_lms_demo_refuses_a_guessable_password(runner):
    result = runner.invoke(args=["lms", "demo", "--password", "1234567890"])
    assert result.exit_code != 0 and COMMON in result.output and "Traceback" not in result.output


def test_an_existing_weak_password_still_signs_in(app, client, u, make_user, login):
    user = make_user("old@example.org")
    user.password_hash = hash_password("1234567890")  # set before the rule existed
    db.session.commit()
    login(user, "1234567890")


def test_zxcvbn_is_a_declared_dependency():
    pyproject = (Path(__file__).resolve().parent.parent / "pyproject.toml").read_text(encoding="utf-8")
    assert re.search(r'"zxcvbn>=[\d.]+"', pyproject)
