"""An employee ID starting with = + - or @ is exported with a leading apostrophe (formula-injection neutralisation,
kept), so the manager who saves one is told so, on the staff page, in an invitation and in a roster import; other
IDs get no message."""

from __future__ import annotations

import html
import io
import re

import pytest

from lms.hours.export import employee_ids_changed_on_export
from lms.orgs import services as orgs

EMPLOYMENT = {"job_title": "Promotora", "employment_start": "2025-01-15", "employment_type": "employee",
              "role": "member"}
WARNING = "starts with =, +, - or @"


@pytest.fixture
def acme(make_org, make_user, add_member, login):
    manager = make_user("boss@example.org", name="Boss Person")
    org = make_org("acme", manager=manager)
    ana = add_member(org, make_user("ana@example.org", name="Ana"), employee_id="E-1")
    login(manager)
    return org, ana


def _flashes(client, u) -> str:
    """The messages shown on the next page, one per line, as the reader sees them."""
    page = client.get(u("lms.orgs.show", org_slug="acme")).get_data(as_text=True)
    return "\n".join(html.unescape(text) for text in re.findall(r'<p class="flash[^"]*">(.*?)</p>', page, re.S))


def test_the_rule_is_the_exporters():
    assert employee_ids_changed_on_export(["-1001", "E-1", None, "", " =A7 ", "+1", "@x", "-1001", "1-2"]) == [
        ("-1001", "'-1001"), ("=A7", "'=A7"), ("+1", "'+1"), ("@x", "'@x")]


@pytest.mark.parametrize("employee_id", ["-1001", "=A7", "+44", "@home"])
def test_saving_such_an_id_on_the_staff_page_warns(client, u, acme, employee_id):
    _org, ana = acme
    response = client.submit(u("lms.orgs.member", org_slug="acme", membership_id=ana.id),
                             {**EMPLOYMENT, "employee_id": employee_id})
    assert response.status_code == 302
    page = _flashes(client, u)
    assert WARNING in page and "1 employee ID" in page
    assert f"“{employee_id}”, exported as “'{employee_id}”" in page
    assert orgs.get_membership_by_id(_org, ana.id).employee_id == employee_id  # saved as typed


def test_an_ordinary_id_gets_no_warning(client, u, acme):
    _org, ana = acme
    client.submit(u("lms.orgs.member", org_slug="acme", membership_id=ana.id), {**EMPLOYMENT, "employee_id": "E-2"})
    assert WARNING not in _flashes(client, u)


def test_an_invitation_with_such_an_id_warns(client, u, acme, mailbox):
    response = client.submit(u("lms.orgs.invite", org_slug="acme"),
                             {**EMPLOYMENT, "email": "lupe@example.org", "name": "Lupe", "employee_id": "-77"})
    assert response.status_code == 302 and len(mailbox) == 1
    assert WARNING in _flashes(client, u)


def test_a_roster_import_names_each_such_id_once(client, u, acme, mailbox):
    roster = ("email,name,employee_id\r\n"
              "ana@example.org,Ana,-1001\r\n"
              "lupe@example.org,Lupe,=A7\r\n"
              "rita@example.org,Rita,R-9\r\n")
    response = client.submit(u("lms.orgs.roster_import", org_slug="acme"),
                             {"file": (io.BytesIO(roster.encode()), "roster.csv")}, content_type="multipart/form-data")
    assert response.status_code == 302
    page = _flashes(client, u)
    assert "2 employee IDs start with =, +, - or @" in page
    assert "“-1001”, exported as “'-1001”; “=A7”, exported as “'=A7”" in page and "R-9" not in page
