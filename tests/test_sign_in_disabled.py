"""A disabled account: who knows its password is told it is disabled and whom to ask (its organisations' active
managers, or else the organisation or trainer that gave access), everyone else gets the usual "not right"; a password
reset for it sends the account's mailbox that explanation instead of a link that could not work, while the page
answers the same for every address. Mail goes through the real SMTP test server."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from lms import db
from lms.accounts import admin_actions, login_sessions, tokens
from lms.accounts.models import SiteRole
from lms.audit import AuditEvent
from lms.orgs.models import MemberRole
from tests.conftest import PASSWORD, body_of, html_text

WRONG = "not the password at all"



def _sign_in(client, u, email: str, password: str):
    return client.submit(u("lms.accounts.login"), {"email": email, "password": password})


@pytest.fixture
def lupe(make_user, make_org, add_member):
    """Lupe, staff of Acme (managed by Mona, active, and Dan, disabled) and of Beta (managed by Bea), disabled."""
    lupe = make_user("lupe@example.org", name="Lupe Ortiz")
    mona = make_user("mona@example.org", name="Mona Manager")
    acme = make_org("acme", manager=mona, name="Acme Clinic")
    dan = make_user("dan@example.org", name="Dan Gone")
    add_member(acme, dan, MemberRole.MANAGER)
    add_member(acme, lupe)
    add_member(make_org("beta", manager=make_user("bea@example.org", name="Bea Boss"), name="Beta Health"), lupe)
    admin_actions.set_active(dan, False, None)
    admin_actions.set_active(lupe, False, None)
    db.session.commit()
    return lupe


def test_the_right_password_learns_the_account_is_disabled_and_whom_to_ask(client, u, lupe):
    response = _sign_in(client, u, "LUPE@example.org ", PASSWORD)
    text = html_text(response.get_data(as_text=True))
    assert response.status_code == 401  # not signed in, as for any refused sign-in
    assert ("This account is disabled, so it cannot sign in. Only a site administrator can enable it again. Your "
            "organisation's managers can ask one for you: Mona Manager (Acme Clinic); Bea Boss (Beta Health).") in text
    assert "Dan Gone" not in text and "The email or password is not right." not in text
    assert "lms_sid" not in response.headers.get("Set-Cookie", "")  # not signed in
    assert client.get(u("lms.accounts.profile")).status_code == 302


def test_a_wrong_password_reveals_nothing(client, u, lupe, make_user):
    make_user("active@example.org")
    answers = [_sign_in(client, u, email, WRONG) for email in ("lupe@example.org", "active@example.org",
                                                                "nobody@example.org")]
    assert {r.status_code for r in answers} == {401}
    for response in answers:
        text = html_text(response.get_data(as_text=True))
        assert "The email or password is not right." in text and "disabled" not in text


def test_without_a_manager_the_person_is_told_to_ask_who_gave_access(client, u, make_user):
    solo = make_user("solo@example.org", name="Sol Solo")
    admin_actions.set_active(solo, False, None)
    db.session.commit()
    text = html_text(_sign_in(client, u, "solo@example.org", PASSWORD).get_data(as_text=True))
    assert ("This account is disabled, so it cannot sign in. Only a site administrator can enable it again: ask the "
            "organisation or trainer who gave you access to CHW Learn to contact one.") in text


def test_a_disabled_accounts_attempts_count_against_the_sign_in_limit(app, client, u, lupe):
    app.config["LMS_LOGIN_LIMIT_PER_ACCOUNT"] = "2 per 15 minutes"
    for _ in range(2):
        assert "is disabled" in _sign_in(client, u, "lupe@example.org", PASSWORD).get_data(as_text=True)
    assert _sign_in(client, u, "lupe@example.org", PASSWORD).status_code == 429


def test_an_enabled_account_signs_in_again(client, u, lupe, make_user):
    admin_actions.set_active(lupe, True, make_user(role=SiteRole.ADMIN))
    db.session.commit()
    assert _sign_in(client, u, "lupe@example.org", PASSWORD).status_code == 302


def test_other_callers_still_get_none(lupe):
    assert login_sessions.authenticate("lupe@example.org", PASSWORD) is None
    with pytest.raises(tokens.AccountDisabled) as refused:
        login_sessions.sign_in("lupe@example.org", PASSWORD)
    assert refused.value.user.id == lupe.id and refused.value.status == 403
    assert login_sessions.sign_in("lupe@example.org", WRONG) is None


# ---------------------------------------------------------------- password reset


def _reset(client, u, email: str):
    return client.submit(u("lms.accounts.reset_request"), {"email": email})


def test_a_reset_for_a_disabled_account_explains_instead_of_sending_a_link(client, u, lupe, mailbox):
    page = html_text(_reset(client, u, "lupe@example.org").get_data(as_text=True))
    assert "we have sent it an email" in page and "if the account is disabled, whom to ask" in page
    (message,) = mailbox
    body = body_of(message)
    assert message["To"] == "lupe@example.org"
    assert message["Subject"] == "Your CHW Learn account is disabled"
    assert "Mona Manager (Acme Clinic)" in body and "Bea Boss (Beta Health)" in body and "Dan Gone" not in body
    assert "/reset/" not in body and "http" not in body  # no link: a new password would not open the account
    assert db.session.execute(select(AuditEvent).where(AuditEvent.action == "user.password_changed")).first() is None


def test_the_reset_page_answers_alike_for_every_address(client, u, lupe, make_user, mailbox):
    make_user("active@example.org", name="Ana Active")
    pages = [html_text(_reset(client, u, email).get_data(as_text=True)) for email in
             ("lupe@example.org", "active@example.org", "nobody@example.org")]
    assert len({page.replace(email, "EMAIL") for page, email in
                zip(pages, ("lupe@example.org", "active@example.org", "nobody@example.org"), strict=True)}) == 1
    assert sorted(m["To"] for m in mailbox) == ["active@example.org", "lupe@example.org"]
    active = next(m for m in mailbox if m["To"] == "active@example.org")
    assert "/reset/" in body_of(active)  # an active account gets its link, as before


def test_the_disabled_email_in_english_without_managers(client, u, make_user, mailbox):
    solo = make_user("solo@example.org", name="Sol Solo", locale="en")
    admin_actions.set_active(solo, False, None)
    db.session.commit()
    _reset(client, u, "solo@example.org")
    (message,) = mailbox
    body = " ".join(body_of(message).split())
    assert message["Subject"] == "Your CHW Learn account is disabled"
    assert "Hello Sol Solo," in body and "The account is disabled, so its password cannot be reset" in body
    assert "ask the organisation or trainer who gave you access to CHW Learn to contact one." in body
    assert "If you did not ask for this, you can ignore this email." in body
