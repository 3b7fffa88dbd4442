"""An account whose email address is not confirmed (lms/accounts/email_confirmation.py): the people page marks it
and can list only such accounts; its API tokens page explains why no token can be made instead of offering a form
that fails; and a trainer cannot issue it a certificate by hand, at step 2 either (reached by its address)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from lms import db
from lms.accounts import api_tokens
from lms.accounts.models import SiteRole, User
from lms.catalog.services import find_course
from lms.certificates import issuance
from lms.certificates.models import Certificate
from lms.db import utcnow
from lms.errors import DomainError
from tests.conftest import html_text
from tests.test_certificates_counted import _read, orientation  # noqa: F401 (a fixture, on this file's trainer)
from tests.test_certificates_manual import _course


def _unconfirmed(user: User) -> User:
    user.email_confirmed_at = None  # as after a self sign-up whose link was never opened
    db.session.commit()
    return user


@pytest.fixture
def rosa(make_user):
    return _unconfirmed(make_user("rosa@example.org", name="Rosa Nueva"))


# ---------------------------------------------------------------- the people page


def test_the_people_page_marks_unconfirmed_addresses_and_lists_only_them(client, u, login, make_user, rosa):
    login(make_user("ada@example.org", name="Ada Admin", role=SiteRole.ADMIN))
    make_user("carla@example.org", name="Carla Confirmada")
    page = client.get(u("lms.admin.users")).get_data(as_text=True)
    assert f'id="unconfirmed-{rosa.id}">Not confirmed<' in page and page.count("email-unconfirmed") == 1
    only = html_text(client.get(u("lms.admin.users", email="unconfirmed")).get_data(as_text=True))
    assert "Rosa Nueva" in only and "Carla Confirmada" not in only and "Ada Admin" not in only
    assert "Only email addresses not confirmed" in only
    none = client.get(u("lms.admin.users", email="unconfirmed", q="carla")).get_data(as_text=True)
    assert "Nobody found whose email address is not confirmed." in html_text(none)


def test_making_an_unconfirmed_person_an_administrator_says_so(client, u, login, make_user, rosa):
    login(make_user("ada@example.org", role=SiteRole.ADMIN))
    text = html_text(client.get(u("lms.admin.confirm_admin", user_id=rosa.id)).get_data(as_text=True))
    assert "rosa@example.org (Not confirmed)" in text


# ---------------------------------------------------------------- API tokens


def test_an_unconfirmed_person_sees_why_instead_of_the_token_form(client, u, login, rosa, mailbox):
    login(rosa)
    page = client.get(u("lms.accounts.tokens")).get_data(as_text=True)
    assert 'id="tokens-need-confirmation"' in page and 'name="expires_in"' not in page
    assert "You can create an API token once your email address, rosa@example.org, is confirmed" in html_text(page)
    sent = client.submit(u("lms.accounts.resend_confirmation"), {"next": u("lms.accounts.tokens")})
    assert sent.status_code == 303 and sent.headers["Location"].endswith(u("lms.accounts.tokens"))
    assert [message["To"] for message in mailbox] == ["rosa@example.org"]
    refused = client.submit(u("lms.accounts.tokens"), {"name": "script", "scope": "read", "expires_in": "90"})
    assert "Confirm your email address before you create an API token" in refused.get_data(as_text=True)
    assert api_tokens.list_api_tokens(rosa) == []


def test_a_confirmed_person_gets_the_form(client, u, login, make_user):
    login(make_user())
    page = client.get(u("lms.accounts.tokens")).get_data(as_text=True)
    assert 'name="expires_in"' in page and "tokens-need-confirmation" not in page


# ---------------------------------------------------------------- issuing a certificate by hand, step 2


@pytest.fixture
def trainer(make_user, login):
    user = make_user("tina@example.org", name="Tina Trainer", role=SiteRole.TRAINER)
    _course(user, "core", 60)
    db.session.commit()
    login(user)
    return user


def _certificates() -> list[Certificate]:
    return list(db.session.execute(select(Certificate)).scalars())


def test_step_two_refuses_an_unconfirmed_person_like_step_one(client, u, trainer, rosa):
    path = u("lms.certificates.issue_hours", course_slug="core", user_id=rosa.id)
    shown = client.get(path)
    assert shown.status_code == 404
    assert "No such user, or they have not confirmed their email address yet." in html_text(shown.get_data(as_text=True))
    sent = client.submit(path, {"live_hours": "2", "self_paced_hours": "1", "field_hours": "0", "reason": "Paper course"})
    assert sent.status_code == 404 and _certificates() == []
    rosa.email_confirmed_at = utcnow()  # once she confirms it, the same page issues
    db.session.commit()
    assert client.get(path).status_code == 200
    done = client.submit(path, {"live_hours": "2", "self_paced_hours": "1", "field_hours": "0", "reason": "Paper course"})
    assert done.status_code == 200 and [cert.user_id for cert in _certificates()] == [rosa.id]


def test_the_service_refuses_an_unconfirmed_person(trainer, rosa):
    with pytest.raises(DomainError) as refused:
        issuance.issue_manually(rosa, find_course("core"), trainer, "Paper course")
    assert "not confirmed their email address" in refused.value.message
    db.session.rollback()
    assert _certificates() == []



def test_the_waiting_list_links_to_step_two_only_for_confirmed_people(client, u, make_user, trainer, orientation):  # noqa: F811
    lupe = make_user("lupe@example.org", name="Lupe Learner")
    _read(lupe, orientation, "welcome", "hello")  # completed, crediting no time: waits for a certificate by hand
    db.session.commit()
    step_two = u("lms.certificates.issue_hours", course_slug="orientation", user_id=lupe.id)
    assert f'href="{step_two}"' in client.get(u("lms.certificates.issue")).get_data(as_text=True)
    _unconfirmed(lupe)
    page = client.get(u("lms.certificates.issue")).get_data(as_text=True)
    assert "Lupe Learner" in page and f'href="{step_two}"' not in page
    assert "Email address not confirmed: a certificate can be issued by hand once it is." in html_text(page)
