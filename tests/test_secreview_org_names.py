"""Organisation names go into emails to people who never heard of the organisation, so they must not pass for a link
or a sender: the invitation's subject never holds the name (the body quotes it), and a name with a web or email
address in it is refused when an organisation is registered or renamed; a name saved before stays savable."""

from __future__ import annotations

import pytest

from lms import db
from lms.orgs import services as orgs
from tests.conftest import body_of
from tests.invitation_support import invite_to_staff
from tests.test_org_onboarding import SETTINGS

REFUSED = ("An organisation name cannot contain a web address or an email address (such as http://, https://, www. or "
           "name@example.org). Write the organisation's name only.")


@pytest.mark.parametrize("name", ["Claim your prize at http://evil.example", "HTTPS://evil.example Clinic",
                                  "Visit WWW.evil.example", "Write to payroll@evil.example"])
def test_a_name_with_a_web_or_email_address_is_refused(client, u, make_user, login, name):
    login(make_user("founder@example.org"))
    response = client.submit(u("lms.orgs.create"), {**SETTINGS, "name": name, "slug": "evil"})
    assert REFUSED in response.text and 'aria-invalid="true"' in response.text  # the form again, with the message
    assert orgs.find_org("evil") is None


def test_an_ordinary_name_is_accepted(client, u, make_user, login):
    login(make_user("founder@example.org"))
    for name, slug in (("Clínica 2 de Mayo, Inc.", "mayo"), ("Health@Home", "home")):  # an @ alone is no address
        response = client.submit(u("lms.orgs.create"), {**SETTINGS, "name": name, "slug": slug})
        assert response.status_code == 302 and orgs.find_org(slug).name == name


def test_renaming_to_such_a_name_is_refused_but_an_old_one_can_be_kept(client, u, make_org, make_user, login):
    boss = make_user("boss@example.org")
    org = make_org("acme", manager=boss, name="Acme Clinic")
    login(boss)
    settings = {**SETTINGS, "pay_period": "monthly", "pay_period_anchor": ""}
    response = client.submit(u("lms.orgs.settings", org_slug="acme"), {**settings, "name": "Acme www.evil.example"})
    assert REFUSED in response.text and orgs.find_org("acme").name == "Acme Clinic"
    org.name = "Acme (payroll@acme.example)"  # saved before names were checked
    db.session.commit()
    response = client.submit(u("lms.orgs.settings", org_slug="acme"), {**settings, "name": "Acme (payroll@acme.example)"})
    assert response.status_code == 302, response.text[:3000]


def test_the_invitation_subject_never_holds_the_organisation_name(client, u, make_org, make_user, login, mailbox):
    message = invite_to_staff(client, u, make_user, make_org, login, mailbox)
    assert message["Subject"] == ("You are invited to join an organisation on CHW Learn / "
                                  "Invitación para unirse a una organización en CHW Learn")  # both languages
    body = " ".join(body_of(message).split())
    assert 'invited you to join the organisation "Acme Clinic" on CHW Learn' in body
