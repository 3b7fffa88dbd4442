"""A revoked certificate's verification page offers "Issue a replacement" to those who may issue one (trainers and site
administrators), opening the issue page for its holder and course; nobody else sees it, nor does anyone on a valid
certificate. A misspelt name corrected by a site administrator is printed by the replacement, while the revoked
certificate keeps the name it printed."""

from __future__ import annotations

import re
from html import unescape

import pytest
from sqlalchemy import select

from lms import db
from lms.accounts.models import SiteRole
from lms.catalog import course_authoring
from lms.catalog import services as catalog
from lms.catalog.models import CourseStatus
from lms.certificates import codes, revocation
from lms.certificates.models import Certificate, CertificateStatus
from tests.certificates_support import issued_world

LINK = re.compile(r'href="([^"]+)">Issue a replacement</a>')


@pytest.fixture
def world(make_user, make_org, add_member):
    """Rosa's certificate (course "ce", under Acme) revoked by her trainer: the name was misspelt."""
    world = issued_world(make_user, make_org, add_member)
    world["admin"] = make_user("ada@example.org", name="Ada Admin", role=SiteRole.ADMIN)
    return world


def _revoke(world) -> None:
    revocation.revoke(world["cert"].code, "Misspelt name", world["trainer"])
    db.session.commit()


def _link(client, u, code: str) -> str | None:
    found = LINK.search(client.get(u("lms.certificates.verify_page", code=code)).get_data(as_text=True))
    return unescape(found.group(1)) if found else None


@pytest.mark.parametrize("who", ["trainer", "admin"])
def test_issuers_find_issue_a_replacement_on_the_revoked_certificate(client, u, login, world, who):
    _revoke(world)
    login(world[who])
    assert _link(client, u, world["code"]) == u("lms.certificates.issue_hours", course_slug="ce", user_id=world["trainee"].id)


def test_nobody_else_sees_it_and_nobody_on_a_valid_certificate(client, u, login, world, make_user):
    assert _link(client, u, world["code"]) is None  # valid, signed out
    login(world["trainer"])
    assert _link(client, u, world["code"]) is None  # valid: nothing to replace
    _revoke(world)
    for person in (world["manager"], world["trainee"], make_user("someone@example.org")):
        login(person)
        assert _link(client, u, world["code"]) is None, person.email
    client.post(u("lms.accounts.logout"), data={"csrf_token": client.csrf_token()})
    assert _link(client, u, world["code"]) is None


def test_no_link_when_the_course_issues_nothing_now(client, u, login, world):
    _revoke(world)
    course_authoring.set_course_status(catalog.find_course("ce"), CourseStatus.ARCHIVED, world["trainer"])
    db.session.commit()
    login(world["trainer"])
    page = client.get(u("lms.certificates.verify_page", code=world["code"]))
    assert page.status_code == 200 and "Issue a replacement" not in page.get_data(as_text=True)


def test_the_replacement_prints_the_corrected_name(client, u, login, world):
    """An administrator revokes, follows "Issue a replacement", corrects the name from there and issues."""
    rosa = world["trainee"]
    login(world["admin"])
    assert client.submit(u("lms.certificates.revoke", code=world["code"]), {"reason": "Second name left out"}).status_code == 302
    issue_page = _link(client, u, world["code"])
    page = client.get(issue_page).get_data(as_text=True)
    assert f"earlier certificate for this course version, {world['cert'].number}, was revoked" in page
    correct = unescape(re.search(r'href="([^"]+)">correct the name</a>', page).group(1))
    back = client.submit(correct, {"name": "Rosa María Díaz", "reason": "Second name left out on the certificate"})
    assert back.headers["Location"].endswith(issue_page)
    hours = {"live_hours": "0", "self_paced_hours": "1.5", "field_hours": "0", "reason": "Replacement, name corrected"}
    done = client.submit(issue_page, hours)
    assert done.status_code == 200 and "Certificate issued to Rosa María Díaz" in done.get_data(as_text=True)
    old, new = db.session.execute(select(Certificate).where(Certificate.user_id == rosa.id).order_by(Certificate.id)).scalars()
    assert old.status is CertificateStatus.REVOKED and new.status is CertificateStatus.VALID
    assert (old.snapshot["holder_name"], new.snapshot["holder_name"]) == ("Rosa Díaz", "Rosa María Díaz")
    verify = client.get(u("lms.certificates.verify_page", code=codes.display(new.code))).get_data(as_text=True)
    assert "Rosa María Díaz" in verify and "Issue a replacement" not in verify


def test_a_certificate_issued_with_a_misspelt_name_keeps_it(client, u, login, world, make_user):
    """Issued by a trainer while the account said "Nadia Nwe", revoked, name corrected by an administrator, replaced
    from the revoked certificate's page: each prints its own name."""
    nadia = make_user("nadia@example.org", name="Nadia Nwe")
    login(world["trainer"])
    hours = {"live_hours": "1", "self_paced_hours": "0", "field_hours": "0", "reason": "Paper"}
    client.submit(u("lms.certificates.issue_hours", course_slug="ce", user_id=nadia.id), hours)
    first = db.session.execute(select(Certificate).where(Certificate.user_id == nadia.id)).scalar_one()
    client.submit(u("lms.certificates.revoke", code=codes.display(first.code)), {"reason": "Misspelt name"})
    login(world["admin"])
    client.submit(u("lms.admin.change_name", user_id=nadia.id), {"name": "Nadia New", "reason": "Misspelt"})
    client.submit(_link(client, u, codes.display(first.code)), {**hours, "reason": "Replacement"})
    old, new = db.session.execute(select(Certificate).where(Certificate.user_id == nadia.id).order_by(Certificate.id)).scalars()
    assert (old.snapshot["holder_name"], new.snapshot["holder_name"]) == ("Nadia Nwe", "Nadia New")
    old_page = client.get(u("lms.certificates.verify_page", code=codes.display(old.code))).get_data(as_text=True)
    assert "Nadia Nwe" in old_page and "revoked" in old_page
