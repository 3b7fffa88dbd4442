"""The issue's 'done when' flows, end to end, standalone and mounted under /training in a host app."""

from __future__ import annotations

import io
import re

from sqlalchemy import select

from lms import db
from lms.orgs.models import Invitation, Membership
from tests.conftest import body_of
from tests.signup_support import open_signup_link


def test_person_signs_up_switches_to_spanish_edits_profile_signs_out(app, client, u, mailbox):
    prefix = app.config["TEST_PREFIX"]
    assert u("lms.accounts.login") == prefix + "/login"
    signup = client.submit(u("lms.accounts.signup"), {"name": "Lucía Ramos", "email": "lucia@example.org",
                                                      "password": "una clave larga", "confirm": "una clave larga",
                                                      "agree": "y"})
    assert signup.status_code == 302
    open_signup_link(client, mailbox, "lucia@example.org", "una clave larga")  # the account is made once the emailed link is opened
    client.submit(u("lms.accounts.login"), {"email": "lucia@example.org", "password": "una clave larga"})
    switched = client.submit(u("lms.main.set_language"), {"lang": "es", "next": u("lms.accounts.profile")})
    assert switched.headers["Location"] == u("lms.accounts.profile")
    page = client.get(u("lms.accounts.profile")).text
    assert 'lang="es"' in page and "Cerrar sesión" in page
    saved = client.submit(u("lms.accounts.profile"), {"name": "Lucía Ramos Soto", "locale": "es",
                                                      "timezone": "America/Los_Angeles"})
    assert saved.status_code == 302
    assert "Lucía Ramos Soto" in client.get(u("lms.main.home")).text
    client.submit(u("lms.accounts.logout"), {"csrf_token": client.csrf_token(u("lms.main.home"))})
    assert client.get(u("lms.accounts.profile")).status_code == 302
    signin = client.submit(u("lms.accounts.login"), {"email": "lucia@example.org", "password": "una clave larga"})
    assert signin.status_code == 302 and client.get(u("lms.accounts.profile")).status_code == 200


def test_manager_invites_staff_and_imports_a_roster(app, client, u, make_org, login, mailbox):
    org = make_org("valley")
    manager = db.session.execute(select(Membership)).scalar_one().user
    login(manager)
    invited = client.submit(u("lms.orgs.invite", org_slug="valley"), {
        "email": "rosa@example.org", "name": "Rosa", "employment_type": "employee", "role": "member"})
    assert invited.status_code == 302
    link = re.search(r"https?://lms\.test(\S*/orgs/invitations/\S+)", body_of(mailbox[0])).group(1)
    assert link.startswith(app.config["TEST_PREFIX"] + "/orgs/invitations/")
    roster = "email,name,employee_id\nana@example.org,Ana,E1\nluis@example.org,Luis,E2\n"
    imported = client.submit(u("lms.orgs.roster_import", org_slug="valley"),
                             {"file": (io.BytesIO(roster.encode()), "staff.csv")}, content_type="multipart/form-data")
    assert imported.status_code == 302
    emails = {i.email for i in db.session.execute(select(Invitation).where(Invitation.org_id == org.id)).scalars()}
    assert emails == {"rosa@example.org", "ana@example.org", "luis@example.org"}
    page = client.get(u("lms.orgs.show", org_slug="valley"), headers={"Accept-Language": "es"}).text
    assert "luis@example.org" in page


def test_host_pages_still_work_beside_the_lms(app, client):
    if app.config["TEST_PREFIX"]:
        assert client.get("/").text == "Host home page"
        assert client.get("/about").text == "About the host"
        assert "Content-Security-Policy" not in client.get("/about").headers
    assert client.get(app.config["TEST_PREFIX"] + "/api/v1/openapi.json").json["openapi"] == "3.1.0"
