"""Site administration: making someone a site administrator is confirmed on its own page first (other role changes
are made at once, and nobody changes their own role there); a site administrator corrects someone's name with a
reason, audited with the old and new name (a person's own change on their profile is audited too), and the
certificate issue page says where the printed name comes from and links to the correction."""

from __future__ import annotations

import re
from html import unescape

import pytest
from sqlalchemy import select

from lms import db
from lms.accounts.models import SiteRole, User
from lms.audit import AuditEvent
from lms.certificates import revocation
from tests.certificates_support import issued_world
from tests.conftest import html_text

MAKE_ADMIN = {"action": "role", "role": "admin", "reason": "Runs the site with me"}



def _role(user: User) -> SiteRole:
    db.session.expire_all()
    return db.session.get(User, user.id).role


def _events(action: str) -> list[AuditEvent]:
    return list(db.session.execute(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)).scalars())


@pytest.fixture
def ada(make_user):
    return make_user("ada@example.org", name="Ada Admin", role=SiteRole.ADMIN)


@pytest.fixture
def teo(make_user):
    return make_user("teo@example.org", name="Teo Trainee")


# ---------------------------------------------------------------- granting the administrator role


def test_choosing_administrator_opens_a_confirmation_page_first(client, u, login, ada, teo):
    login(ada)
    sent = client.submit(u("lms.admin.update_user", user_id=teo.id, q="teo"), MAKE_ADMIN)
    assert sent.status_code == 200  # the confirmation page, with the reason typed in the list kept
    assert _role(teo) is SiteRole.TRAINEE and _events("user.role_changed") == []

    page = sent.get_data(as_text=True)
    assert "Runs the site with me</textarea>" in page
    text = html_text(page)
    assert "Make Teo Trainee a site administrator?" in text and "teo@example.org" in text and "Now: Trainee" in text
    assert "can do everything on this site, in every organisation" in text
    assert "including other administrators'" in text and "written to the audit log" in text
    assert 'name="confirm" value="yes"' in page and 'name="role" value="admin"' in page
    assert u("lms.admin.users", q="teo") in page  # Cancel goes back to the list as it was

    done = client.submit(u("lms.admin.update_user", user_id=teo.id, q="teo"), {**MAKE_ADMIN, "confirm": "yes"})
    assert done.status_code == 302 and _role(teo) is SiteRole.ADMIN
    (event,) = _events("user.role_changed")
    assert event.actor_id == ada.id and event.data == {"old": "trainee", "new": "admin"}
    assert event.reason == "Runs the site with me"
    assert "Teo Trainee is now: Site administrator." in html_text(client.get(u("lms.admin.users")).get_data(as_text=True))


def test_other_role_changes_need_no_confirmation(client, u, login, ada, teo, make_user):
    login(ada)
    trainer = {"action": "role", "role": "trainer", "reason": "Teaches"}
    assert client.submit(u("lms.admin.update_user", user_id=teo.id), trainer).status_code == 302
    assert _role(teo) is SiteRole.TRAINER
    other = make_user("otto@example.org", name="Otto", role=SiteRole.ADMIN)
    trainee = {"action": "role", "role": "trainee", "reason": "Left"}
    assert client.submit(u("lms.admin.update_user", user_id=other.id), trainee).status_code == 302
    assert _role(other) is SiteRole.TRAINEE  # taking the role away is made at once, under the last-admin rule


def test_the_confirmation_page_sends_back_when_there_is_nothing_to_confirm(client, u, login, ada, make_user):
    login(ada)
    other = make_user("otto@example.org", role=SiteRole.ADMIN)
    for person in (ada, other):  # oneself; someone already an administrator
        response = client.get(u("lms.admin.confirm_admin", user_id=person.id))
        assert response.status_code == 302 and response.headers["Location"].endswith(u("lms.admin.users", q=""))
    assert client.get(u("lms.admin.confirm_admin", user_id=99999)).status_code == 404


def test_nobody_changes_their_own_role_even_confirmed(client, u, login, ada):
    login(ada)
    client.submit(u("lms.admin.update_user", user_id=ada.id), {"action": "role", "role": "trainee", "confirm": "yes", "reason": "x"})
    assert _role(ada) is SiteRole.ADMIN and _events("user.role_changed") == []


def test_only_site_administrators_see_the_confirmation(client, u, login, teo, make_user):
    login(make_user(role=SiteRole.TRAINER))
    assert client.get(u("lms.admin.confirm_admin", user_id=teo.id)).status_code == 403


# ---------------------------------------------------------------- correcting a name


def test_an_administrator_corrects_a_name_with_a_reason(client, u, login, ada, make_user):
    lupe = make_user("lupe@example.org", name="Lupe Ortz")
    login(ada)
    users = client.get(u("lms.admin.users")).get_data(as_text=True)
    assert u("lms.admin.change_name", user_id=lupe.id, q="") in unescape(users)
    page = client.get(u("lms.admin.change_name", user_id=lupe.id)).get_data(as_text=True)
    assert 'value="Lupe Ortz"' in page and "Certificates already issued keep the name they print" in html_text(page)
    done = client.submit(u("lms.admin.change_name", user_id=lupe.id),
                         {"name": "  Lupe   Ortiz ", "reason": "Misspelt on certificate CHW-2026-000123"})
    assert done.status_code == 302 and done.headers["Location"].endswith(u("lms.admin.users", q=""))
    db.session.expire_all()
    assert db.session.get(User, lupe.id).name == "Lupe Ortiz"
    (event,) = _events("user.name_changed")
    assert event.actor_id == ada.id and event.reason == "Misspelt on certificate CHW-2026-000123"
    assert event.data == {"name": "Lupe Ortiz", "was": {"name": "Lupe Ortz"}}
    assert "Lupe Ortz is now called Lupe Ortiz." in html_text(client.get(u("lms.admin.users")).get_data(as_text=True))
    log = html_text(client.get(u("lms.admin.audit_log", action="user.name_changed")).get_data(as_text=True))
    assert "Name changed" in log and "Name: Lupe Ortz → Lupe Ortiz" in log and "Misspelt on certificate" in log


@pytest.mark.parametrize(("form", "message"), [
    ({"name": "Lupe Ortz", "reason": "Typo"}, "This is already the name of the account."),
    ({"name": "\u200b \u200b", "reason": "Typo"}, "Enter a name with at least one letter or number."),
    ({"name": "Lupe Ortiz", "reason": ""}, "This field is required."),
    ({"name": "Lupe Ortiz", "reason": "   "}, "This field is required."),
    ({"name": "L" * 201, "reason": "Typo"}, "Use at most 200 characters."),
])
def test_a_refused_correction_says_why_and_changes_nothing(client, u, login, ada, make_user, form, message):
    lupe = make_user("lupe@example.org", name="Lupe Ortz")
    login(ada)
    response = client.submit(u("lms.admin.change_name", user_id=lupe.id), form)
    assert response.status_code == 400 and message in html_text(response.get_data(as_text=True))
    db.session.expire_all()
    assert db.session.get(User, lupe.id).name == "Lupe Ortz" and _events("user.name_changed") == []


def test_an_administrators_own_name_is_changed_on_the_profile(client, u, login, ada):
    login(ada)
    response = client.get(u("lms.admin.change_name", user_id=ada.id))
    assert response.status_code == 302 and response.headers["Location"].endswith(u("lms.accounts.profile"))


def test_a_persons_own_name_change_is_in_the_audit_log(client, u, login, teo):
    login(teo)
    for name in ("Teodoro Trainee", "Teodoro Trainee"):  # the second save changes nothing: no row
        client.submit(u("lms.accounts.profile"), {"name": name, "locale": "en", "timezone": "America/Los_Angeles"})
    (event,) = _events("user.name_changed")
    assert event.actor_id == teo.id and event.reason is None
    assert event.data == {"name": "Teodoro Trainee", "was": {"name": "Teo Trainee"}}


def test_correcting_a_name_goes_back_to_the_certificate_issue_page(client, u, login, ada, make_user, make_org,
                                                                     add_member):
    world = issued_world(make_user, make_org, add_member)
    rosa = world["trainee"]
    revocation.revoke(world["cert"].code, "Second name left out", ada)
    db.session.commit()
    issue_page = u("lms.certificates.issue_hours", course_slug="ce", user_id=rosa.id)
    login(ada)
    page = client.get(issue_page).get_data(as_text=True)
    link = unescape(re.search(r'href="([^"]+)">correct the name</a>', page).group(1))
    assert "The certificate will print the name the trainee's account has now: Rosa Díaz ." in html_text(page)
    assert link == u("lms.admin.change_name", user_id=rosa.id, next=issue_page)
    form = client.get(link).get_data(as_text=True)
    assert unescape(form).count(f'href="{issue_page}"') == 2  # back and cancel
    done = client.submit(link, {"name": "Rosa María Díaz", "reason": "Second name left out"})
    assert done.status_code == 302 and done.headers["Location"].endswith(issue_page)
    assert "Rosa María Díaz" in html_text(client.get(issue_page).get_data(as_text=True))
    outside = client.submit(u("lms.admin.change_name", user_id=rosa.id, next="https://evil.example/"),
                            {"name": "Rosa Díaz", "reason": "Back"})
    assert outside.headers["Location"].endswith(u("lms.admin.users", q=""))  # no redirect away from the site


def test_trainers_are_told_who_can_correct_the_name(client, u, login, make_user, make_org, add_member):
    world = issued_world(make_user, make_org, add_member)
    newcomer = make_user("nadia@example.org", name="Nadia New")
    login(world["trainer"])
    page = client.get(u("lms.certificates.issue_hours", course_slug="ce", user_id=newcomer.id)).get_data(as_text=True)
    text = html_text(page)
    assert "The certificate will print the name the trainee's account has now: Nadia New ." in text
    assert "the trainee can on their profile, or a site administrator can" in text and "/admin/" not in page
