"""Who answers for a certificate: the employer it was issued under only while it still employs the holder; the holder's
current employer sees it (issued elsewhere, it cannot revoke it); trainers and site admins may revoke any; verification
by code stays public for everyone."""

from __future__ import annotations

import pytest

from lms import db
from lms.certificates.models import Certificate, CertificateStatus
from tests.certificates_support import issued_world


@pytest.fixture
def world(make_user, make_org, add_member):
    return issued_world(make_user, make_org, add_member)


def _end_employment(client, u, login, world) -> None:
    """Ana ends Rosa's employment at Acme on the staff page, as a manager does."""
    login(world["manager"])
    path = u("lms.orgs.end_member", org_slug="acme", membership_id=world["membership"].id)
    today = world["membership"].organisation.today()  # the organisation's calendar, not the server's UTC date
    assert client.submit(path, {"ended_on": today.isoformat(), "confirm": "yes"}).status_code == 302


def _status(world) -> CertificateStatus:
    db.session.expire_all()
    return db.session.get(Certificate, world["cert"].id).status


def test_a_former_employer_no_longer_lists_downloads_or_revokes_the_certificate(client, u, login, world):
    login(world["manager"])
    staff, pdf = u("lms.certificates.staff", org_slug="acme"), u("lms.certificates.pdf", code=world["code"])
    revoke = u("lms.certificates.revoke", code=world["code"])
    page = client.get(staff).get_data(as_text=True)
    assert world["cert"].number in page and revoke in page  # while Rosa works here
    assert client.get(pdf).status_code == 200 and client.get(revoke).status_code == 200

    _end_employment(client, u, login, world)
    page = client.get(staff).get_data(as_text=True)
    assert world["cert"].number not in page and "No certificates to show." in page
    assert client.get(pdf).status_code == 404
    assert client.get(revoke).status_code == 404
    assert client.submit(revoke, {"reason": "She left us"}).status_code == 404
    assert _status(world) is CertificateStatus.VALID
    client.post(u("lms.accounts.logout"), data={"csrf_token": client.csrf_token()})
    verified = client.get(u("lms.certificates.verify_page", code=world["code"]))
    assert verified.status_code == 200 and "Valid certificate" in verified.get_data(as_text=True)


def test_the_new_employer_sees_and_downloads_it_but_cannot_revoke_it(client, u, login, make_user, make_org, add_member, world):
    _end_employment(client, u, login, world)
    boss = make_user("bea@example.org", name="Bea Boss")
    add_member(make_org("beta", manager=boss, name="Beta Health"), world["trainee"])
    login(boss)
    page = client.get(u("lms.certificates.staff", org_slug="beta")).get_data(as_text=True)
    revoke = u("lms.certificates.revoke", code=world["code"])
    assert "Rosa Díaz" in page and world["cert"].number in page
    assert u("lms.certificates.verify_page", code=world["code"]) in page and u("lms.certificates.pdf", code=world["code"]) in page
    assert revoke not in page  # issued under Acme: Beta did not issue it
    assert client.get(u("lms.certificates.pdf", code=world["code"])).status_code == 200
    assert client.get(revoke).status_code == 404
    assert client.submit(revoke, {"reason": "Not ours"}).status_code == 404
    assert _status(world) is CertificateStatus.VALID


def test_an_employer_whose_staff_member_left_sees_only_current_staff(client, u, login, make_user, add_member, world):
    """Acme's list follows who works there now: another trainee still employed keeps showing."""
    _end_employment(client, u, login, world)
    login(world["manager"])
    assert "Rosa Díaz" not in client.get(u("lms.certificates.staff", org_slug="acme", show="valid")).get_data(as_text=True)
    add_member(_org("acme"), world["trainee"])  # hired again: the certificate issued under Acme is Acme's again
    page = client.get(u("lms.certificates.staff", org_slug="acme")).get_data(as_text=True)
    assert "Rosa Díaz" in page and u("lms.certificates.revoke", code=world["code"]) in page


def test_trainers_may_revoke_any_certificate_and_trainees_may_not(client, u, login, make_user, world):
    revoke = u("lms.certificates.revoke", code=world["code"])
    login(make_user("someone@example.org"))
    assert client.get(revoke).status_code == 404
    login(world["trainer"])
    assert client.get(revoke).status_code == 200
    done = client.submit(revoke, {"reason": "The paper record was for another course"})
    assert done.status_code == 302 and _status(world) is CertificateStatus.REVOKED
    page = client.get(u("lms.certificates.verify_page", code=world["code"])).get_data(as_text=True)
    assert "Revoked certificate" in page and "The paper record was for another course" in page


def _org(slug: str):
    from lms.orgs.services import get_org

    return get_org(slug)
