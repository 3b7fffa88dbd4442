"""An address with accented or other non-ASCII letters before the @ ("maría@ejemplo.org") is refused everywhere an
address is taken, with a message that says why: mail to it needs SMTPUTF8, which the LMS cannot count on (it used to
be kept, and mail to it was broken). An internationalised domain is fine, kept in its ASCII (IDNA) form."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from lms import db
from lms.accounts.email_rules import check_email_address, email_problem, is_email_address
from lms.accounts.models import SiteRole, User
from lms.errors import DomainError
from lms.orgs import roster_file
from lms.orgs.models import Invitation
from tests.conftest import html_text

NON_ASCII = "Use an address with no accented or other special letters before the @"


def test_the_rule_refuses_a_non_ascii_local_part_and_encodes_a_domain(app):
    assert NON_ASCII in email_problem("maría@ejemplo.org")
    assert NON_ASCII in email_problem(" José.Núñez@example.org ")
    assert email_problem("bad email") == "Enter a valid email address, such as name@example.org."
    assert not is_email_address("maría@ejemplo.org") and is_email_address(" name@example.org ")
    assert check_email_address(" maria@ejémplo.org ") == "maria@xn--ejmplo-cva.org"
    assert check_email_address("maria@xn--ejmplo-cva.org") == "maria@xn--ejmplo-cva.org"
    with pytest.raises(DomainError) as refused:
        check_email_address("maría@ejemplo.org")
    assert NON_ASCII in refused.value.message


@pytest.fixture
def people(make_user):
    admin = make_user("ada@example.org", name="Ada Admin", role=SiteRole.ADMIN)
    return admin, make_user("lupe@example.org", name="Lupe Ortiz")


def test_an_administrator_cannot_set_a_non_ascii_local_part(client, u, login, people, mailbox):
    admin, lupe = people
    login(admin)
    path = u("lms.admin.change_email", user_id=lupe.id)
    refused = client.submit(path, {"email": "maría@ejemplo.org", "reason": "New job"})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400 and NON_ASCII in html_text(page) and "maría@ejemplo.org" in page
    db.session.expire_all()
    assert db.session.get(User, lupe.id).email == "lupe@example.org" and mailbox == []
    done = client.submit(path, {"email": "Maria@Ejémplo.org", "reason": "New job"})
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, lupe.id).email == "maria@xn--ejmplo-cva.org"
    assert "maria@xn--ejmplo-cva.org" in {message["To"] for message in mailbox}


def test_an_invitation_to_a_non_ascii_local_part_is_refused(client, u, make_user, make_org, login, mailbox):
    boss = make_user(name="Bea Boss")
    make_org("acme", manager=boss, name="Acme Clinic")
    login(boss)
    refused = client.submit(u("lms.orgs.invite", org_slug="acme"),
                            {"email": "maría@ejemplo.org", "employment_type": "employee", "role": "member"})
    assert NON_ASCII in html_text(refused.get_data(as_text=True))
    assert db.session.scalar(select(func.count(Invitation.id))) == 0 and mailbox == []


def test_a_roster_line_with_a_non_ascii_local_part_is_refused(app):
    plan = roster_file.parse_roster("email,name\nmaría@ejemplo.org,María López\nana@ejémplo.org,Ana Ruiz\n", 100)
    assert any("maría@ejemplo.org" in error and "special letters before the @" in error for error in plan.errors)
    assert [row.email for row in plan.rows] == ["ana@xn--ejmplo-cva.org"]
