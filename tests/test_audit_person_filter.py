"""The audit log filters by person: who made the change (``by``) and whom it was about (``about``), each an email
address or part of a name or address. A text that finds nobody, too many people, or is too short or too long says
so, with no rows and never an error page. Rows about a person are those about their account, staff record,
enrolments, registrations, attendance, hours and certificates; with an organisation, only those of it."""

from __future__ import annotations

import re
from html import unescape

import pytest

from lms import db
from lms.accounts import admin_actions
from lms.accounts.models import SiteRole
from lms.certificates import revocation
from tests.certificates_support import issued_world
from tests.conftest import html_text


def _rows(page: str) -> list[str]:
    return [html_text(row) for row in re.findall(r'<tr id="event-\d+">.*?</tr>', page, re.S)]


def _actions(page: str) -> set[str]:
    return {action for row in _rows(page) for action in re.findall(r"\b[a-z_]+\.[a-z_]+\b", row)}


@pytest.fixture
def world(make_user, make_org, add_member):
    """Acme's Rosa holds a certificate issued by Tess (a trainer); Ada, a site administrator, disables Omar (of
    Other Place) and revokes Rosa's certificate."""
    world = issued_world(make_user, make_org, add_member)
    world["admin"] = make_user("ada@example.org", name="Ada Admin", role=SiteRole.ADMIN)
    omar = make_user("omar@example.org", name="Omar Otro")
    add_member(make_org("other", name="Other Place"), omar)
    admin_actions.set_active(omar, False, world["admin"], "Left Other Place")
    revocation.revoke(world["cert"].code, "Wrong course", world["admin"])
    db.session.commit()
    return {**world, "omar": omar}


def test_rows_about_a_person_found_by_part_of_their_name(client, u, login, world):
    login(world["admin"])
    page = client.get(u("lms.admin.audit_log", about="  rosa ")).get_data(as_text=True)
    assert "Changes about Rosa Díaz (rosa@example.org)." in html_text(page)
    actions = _actions(page)
    assert {"certificate.issued", "certificate.revoked", "membership.created", "user.registered"} <= actions, actions
    assert not actions & {"org.created", "user.disabled", "course.created"}
    assert 'value="rosa"' in page


def test_rows_about_a_person_by_address_include_their_account(client, u, login, world):
    login(world["admin"])
    page = client.get(u("lms.admin.audit_log", about="OMAR@example.org")).get_data(as_text=True)
    rows = _rows(page)
    assert any("user.disabled" in row and "Left Other Place" in row and "Ada Admin" in row for row in rows)
    assert all("Rosa" not in row for row in rows)


def test_by_and_about_combine_with_the_organisation_and_the_action(client, u, login, world):
    login(world["admin"])
    by_tess = client.get(u("lms.admin.audit_log", by="tess", about="rosa")).get_data(as_text=True)
    assert _actions(by_tess) >= {"certificate.issued"} and "certificate.revoked" not in _actions(by_tess)
    assert "Changes made by Tess Trainer (teacher@example.org)." in html_text(by_tess)
    other = client.get(u("lms.admin.audit_log", about="rosa", org="other")).get_data(as_text=True)
    assert _rows(other) == [] and "Nothing in the audit log matches." in other
    acme = client.get(u("lms.admin.audit_log", about="rosa", org="acme", action="certificate.revoked"))
    assert [row for row in _rows(acme.get_data(as_text=True)) if "certificate.revoked" in row]


def test_several_people_found_and_the_pager_keeps_the_filter(client, u, login, world, monkeypatch):
    from lms.web import admin as admin_views

    monkeypatch.setattr(admin_views, "LOG_PAGE_SIZE", 1)
    login(world["admin"])
    page = unescape(client.get(u("lms.admin.audit_log", by="example.org")).get_data(as_text=True))
    assert "Changes made by any of: " in page and "Tess Trainer" in page and "Ada Admin" in page
    pager = page[page.index('class="learn-pager"'):]
    assert "by=example.org" in pager and "page=2" in pager


@pytest.mark.parametrize(("value", "message"), [
    ("r", "Type at least 2 characters of a name or email address."),
    ("x" * 300, "Type at most 254 characters to find a person."),
    ("zzzz", "Nobody's name or email address contains “zzzz”."),
    ("%%", "Nobody's name or email address contains “%%”."),  # LIKE's wildcards match only themselves
    ("__", "Nobody's name or email address contains “__”."),
    ("nobody@example.org", "No account has the email address nobody@example.org."),
])
@pytest.mark.parametrize("key", ["by", "about"])
def test_a_search_that_finds_nobody_says_why(client, u, login, world, key, value, message):
    login(world["admin"])
    response = client.get(u("lms.admin.audit_log", **{key: value}))
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and message in html_text(page)
    assert _rows(page) == [] and "Nothing in the audit log matches." not in page


def test_too_many_people_ask_for_more_of_the_name(client, u, login, world, make_user):
    for number in range(21):
        make_user(f"same{number}@example.org", name=f"Sam Same {number}")
    login(world["admin"])
    page = client.get(u("lms.admin.audit_log", about="same")).get_data(as_text=True)
    assert "More than 20 people match “same”: type more of the name, or the whole email address." in html_text(page)
    assert _rows(page) == []


def test_only_site_administrators_see_the_log(client, u, login, world):
    login(world["manager"])
    assert client.get(u("lms.admin.audit_log", about="rosa")).status_code == 403
