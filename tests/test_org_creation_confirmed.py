"""``LMS_ORG_CREATION``: by default ("confirmed") a signed-in person registers an organisation once their email
address is confirmed (site administrators always); an unconfirmed one is told to confirm it first, with the banner's
"Resend the confirmation email" on the page. "anyone" and "admins" keep their meaning (docs/configuration.md)."""

from __future__ import annotations

import re

import pytest

from lms import db
from lms.accounts.models import SiteRole
from lms.config import DEFAULTS
from lms.orgs import creation
from tests.conftest import body_of
from tests.test_deploy_qa_fixes_b import _new_org


@pytest.fixture
def unconfirmed(make_user):
    user = make_user("new@example.org", name="Nora New")
    user.email_confirmed_at = None  # as a self sign-up leaves it
    db.session.commit()
    return user


def test_confirmed_is_the_default():
    assert DEFAULTS["LMS_ORG_CREATION"] == creation.CONFIRMED


def test_an_unconfirmed_person_is_told_to_confirm_first_and_can_resend(client, unconfirmed, login, u, mailbox):
    login(unconfirmed)
    assert "Register an organisation" not in client.get(u("lms.main.home")).text
    assert "Register an organisation" not in client.get(u("lms.orgs.index")).text
    page = client.get(u("lms.orgs.create"))
    text = page.get_data(as_text=True)
    assert page.status_code == 403 and "Confirm your email address first" in text
    assert "Confirm your email address before you register an organisation" in text and "new@example.org" in text
    assert f'action="{u("lms.accounts.resend_confirmation")}"' in text and "Resend the confirmation email" in text
    assert _new_org(client, "sneaky").status_code == 403
    resent = client.submit(u("lms.accounts.resend_confirmation"), {"next": u("lms.orgs.create")})
    assert resent.status_code == 303 and resent.headers["Location"] == u("lms.orgs.create")
    assert len(mailbox) == 1 and mailbox[0]["To"] == "new@example.org"
    link = re.search(r"https?://\S+/confirm-email/\S+", body_of(mailbox[0])).group(0).split("lms.test", 1)[1]
    assert client.submit(link).status_code == 303
    assert "Register an organisation" in client.get(u("lms.orgs.index")).text
    assert _new_org(client, "clinic").status_code == 302


def test_the_refusal_is_in_the_persons_language(client, unconfirmed, login, u):
    unconfirmed.locale = "es"
    db.session.commit()
    login(unconfirmed)
    page = client.get(u("lms.orgs.create"))
    assert page.status_code == 403 and '<html lang="es"' in page.get_data(as_text=True)


def test_a_confirmed_person_and_an_admin_may(client, make_user, as_, login):
    login(make_user("owner@example.org"))  # accounts not made by self sign-up are confirmed
    assert _new_org(client, "first").status_code == 302
    admin = make_user("boss@example.org", role=SiteRole.ADMIN)
    admin.email_confirmed_at = None
    db.session.commit()
    as_(admin)
    assert _new_org(client, "second").status_code == 302


@pytest.mark.parametrize("app_config", [{"LMS_ORG_CREATION": "anyone"}])
def test_anyone_lets_an_unconfirmed_person_register(client, unconfirmed, login, app_config):
    login(unconfirmed)
    assert "Register an organisation" in client.get("/orgs/").get_data(as_text=True)
    assert _new_org(client, "mine").status_code == 302


@pytest.mark.parametrize("app_config", [{"LMS_ORG_CREATION": "admins"}])
def test_admins_refuses_confirmed_people_with_the_old_message(client, make_user, login, app_config):
    login(make_user("owner@example.org"))
    page = client.get("/orgs/new")
    assert page.status_code == 403 and "registered by a site administrator" in page.get_data(as_text=True)


@pytest.mark.parametrize("policy", ["admin", "", "Confirmed ", "ANYONE"])
def test_policy_values(make_user, policy):
    person = make_user()
    person.email_confirmed_at = None
    expected = policy.strip().lower() == "anyone"
    assert creation.may_create_orgs(person, policy) is expected
    assert creation.may_create_orgs(None, policy) is False
