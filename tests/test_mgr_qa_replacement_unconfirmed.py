"""A revoked certificate's page offers "Issue a replacement" only when the issuing page would issue one (manager QA):
issuing by hand refuses an account whose owner has not confirmed their address (its step 2 is "not found"), and
nobody issues a certificate to themself. Instead of a link that fails, the page says why (lms.certificates.issuance
.replacement_problem); once the holder confirms, the link is back."""

from __future__ import annotations

import re
from html import unescape

import pytest

from lms import db
from lms.accounts.models import SiteRole
from lms.certificates import issuance, revocation
from lms.db import utcnow
from tests.certificates_support import issued_world
from tests.conftest import html_text

LINK = re.compile(r'href="([^"]+)">Issue a replacement</a>')
UNCONFIRMED = ("A replacement cannot be issued yet: Rosa Díaz has not confirmed their email address. Once they "
               "confirm it (when they sign in, they can ask for a new confirmation email), you can issue it from "
               "this page.")
OWN = "You cannot issue a certificate to yourself. Another trainer or a site admin must do it."


@pytest.fixture
def world(make_user, make_org, add_member):
    """Rosa's certificate (course "ce") revoked by her trainer; her address is not confirmed (any more)."""
    world = issued_world(make_user, make_org, add_member)
    revocation.revoke(world["cert"].code, "Misspelt name", world["trainer"])
    world["trainee"].email_confirmed_at = None
    db.session.commit()
    return world


def _verify(client, u, code: str):
    page = client.get(u("lms.certificates.verify_page", code=code))
    assert page.status_code == 200
    return page.get_data(as_text=True)


def test_no_link_but_the_reason_when_the_holder_has_not_confirmed(client, u, login, world):
    login(world["trainer"])
    page = _verify(client, u, world["code"])
    assert LINK.search(page) is None
    assert UNCONFIRMED in html_text(page)
    # the page the link led to is indeed refused
    step2 = u("lms.certificates.issue_hours", course_slug="ce", user_id=world["trainee"].id)
    assert client.get(step2).status_code == 404


def test_the_link_is_back_once_they_confirm(client, u, login, world):
    world["trainee"].email_confirmed_at = utcnow()
    db.session.commit()
    login(world["trainer"])
    page = _verify(client, u, world["code"])
    found = LINK.search(page)
    assert found and client.get(unescape(found.group(1))).status_code == 200
    assert "has not confirmed their email address" not in page


def test_nobody_else_reads_the_reason(client, u, login, world):
    for person in (world["manager"], world["trainee"]):
        login(person)
        page = _verify(client, u, world["code"])
        assert "has not confirmed" not in page and LINK.search(page) is None


def test_a_trainer_holding_the_certificate_is_told_someone_else_issues_it(app, world, make_user):
    trainer = make_user("tess@example.org", name="Tess", role=SiteRole.TRAINER)
    world["cert"].user_id = trainer.id  # as if the holder were a trainer looking at their own
    db.session.flush()
    assert issuance.replacement_problem(world["cert"], trainer) == OWN
    assert issuance.replacement_problem(world["cert"], world["trainer"]) is None
