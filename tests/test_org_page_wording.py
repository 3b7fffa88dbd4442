"""The organisation page: each invitation's "Send again" and "Withdraw" buttons say whose invitation they act on (a
screen reader's list of buttons has no table around it), and the header names the time zone in words, in the
reader's language, as the settings page does, never by its IANA id."""

from __future__ import annotations

import re
from html import unescape

import pytest

from lms import db
from lms.orgs import invitations
from lms.orgs import services as orgs


def _accessible_names(page: str, label: str) -> list[str]:
    """The text of each button starting with ``label``, hidden parts included (what assistive technology reads)."""
    buttons = re.findall(r"<button[^>]*>(.*?)</button>", page, re.S)
    names = [re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", "", b))).strip() for b in buttons]
    return [name for name in names if name.startswith(label)]


@pytest.fixture
def acme(make_user, make_org, login):
    boss = make_user("boss@example.org", name="Bea Boss")
    org = make_org("acme", manager=boss, name="Acme Clinic")
    for email, name in (("rosa@example.org", "Rosa Díaz"), ("luis@example.org", None)):
        invitations.invite(org, email, name, orgs.Employment(), boss, 14)
    db.session.commit()
    login(boss)
    return org


def test_invitation_buttons_name_the_person(client, u, acme):
    page = client.get(u("lms.orgs.show", org_slug="acme")).text
    assert sorted(_accessible_names(page, "Send again")) == [
        "Send again Rosa Díaz rosa@example.org", "Send again luis@example.org"]
    assert sorted(_accessible_names(page, "Withdraw")) == [
        "Withdraw Rosa Díaz rosa@example.org", "Withdraw luis@example.org"]
    # Seen on screen, the buttons still read "Send again" and "Withdraw": the names are visually hidden.
    assert page.count('<span class="visually-hidden"> Rosa Díaz rosa@example.org</span>') == 2


def test_the_buttons_still_act_on_their_invitation(client, u, acme, mailbox):
    (rosa,) = [i for i in invitations.list_open_invitations(acme) if i.email == "rosa@example.org"]
    done = client.submit(u("lms.orgs.revoke_invitation", org_slug="acme", invitation_id=rosa.id))
    assert done.status_code == 302
    assert [i.email for i in invitations.list_open_invitations(acme)] == ["luis@example.org"]


@pytest.mark.parametrize(("locale", "zone"), [("en", "Pacific Time"), ("es", "Hora del Pacífico")])
def test_the_header_names_the_zone_in_words(client, u, acme, make_user, login, add_member, locale, zone):
    boss = make_user(f"{locale}@example.org", locale=locale)
    add_member(acme, boss, role=orgs.MemberRole.MANAGER)
    login(boss)
    page = client.get(u("lms.orgs.show", org_slug="acme")).text
    header = page[page.index("<h1>"):page.index('class="actions"')]
    assert zone in unescape(header) and "America/Los" not in header
