"""A revoked certificate is valid until no day: its verification page, the bulk results and their spreadsheet show no
"Valid until" date for it (they did, a future one, beside "Revoked"). The API keeps ``expires_on``, the date the
certificate states, as documented; its ``status`` says it is revoked."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest

from lms import db
from lms.certificates.models import Certificate
from lms.db import utcnow
from tests.certificates_support import issued_world
from tests.conftest import html_text


@pytest.fixture
def world(app, make_user, make_org, add_member):
    """Rosa's certificate, valid for another 400 days."""
    found = issued_world(make_user, make_org, add_member)
    db.session.get(Certificate, found["cert"].id).expires_at = utcnow() + timedelta(days=400)
    db.session.commit()
    return found



def _facts(client, u, code: str) -> str:
    page = client.get(u("lms.certificates.verify_page", code=code)).get_data(as_text=True)
    return html_text(page.split('class="cert-facts"', 1)[1].split("</dl>", 1)[0])


def _bulk(client, u, code: str) -> tuple[str, dict[str, str]]:
    """The results table's "Valid until or revoked" cell, and the spreadsheet's row by column title."""
    path = u("lms.certificates.verify_bulk")
    page = client.submit(path, {"codes": code}).get_data(as_text=True)
    row = html_text(re.findall(r"<td[^>]*>(.*?)</td>", page.split("<tbody", 1)[1], re.S)[-1]).strip()
    sheet = list(csv.reader(io.StringIO(client.submit(path, {"codes": code, "format": "csv"}).data.decode("utf-8-sig"))))
    return row, dict(zip(sheet[0], sheet[1], strict=True))


def test_a_revoked_certificate_shows_no_valid_until_date(client, u, login, world):
    code, expires_on = world["code"], world["cert"].expires_at.date().isoformat()  # the day in UTC and in California
    assert "Valid until" in _facts(client, u, code)
    until, sheet = _bulk(client, u, code)
    assert sheet["Valid until"] == expires_on and until and "Revoked" not in until

    login(world["trainer"])
    client.submit(u("lms.certificates.revoke", code=code), {"reason": "Issued to the wrong person"})
    facts = _facts(client, u, code)
    assert "Valid until" not in facts and "Rosa Díaz" in facts and "Issued" in facts
    revoked, sheet = _bulk(client, u, code)
    assert sheet["Result"] == "Revoked" and sheet["Valid until"] == "" and sheet["Revoked"]
    assert sheet["Reason"] == "Issued to the wrong person"
    assert revoked.startswith("Revoked") and revoked.endswith(": Issued to the wrong person") and until not in revoked

    api = client.get(u("lms.api.certificate", code=code)).json
    assert api["status"] == "revoked" and api["expires_on"] == expires_on  # as documented: the date it states


def test_the_employers_pages_show_no_valid_until_date_for_a_revoked_certificate(client, u, login, world):
    """The staff certificates list and the staff member's page: a revoked row has no "Valid until" date."""
    expires = world["cert"].expires_at

    def cells() -> list[str]:
        staff = client.get(u("lms.certificates.staff", org_slug="acme", show="all")).get_data(as_text=True)
        member = client.get(u("lms.orgs.member", org_slug="acme", membership_id=world["membership"].id)).get_data(
            as_text=True)
        return [html_text(page.split("<tbody", 1)[1].split("</tbody>", 1)[0]) for page in (staff, member.split(
            'id="member-certificates"', 1)[1])]

    login(world["manager"])
    year = str(expires.year)
    assert all(year in row for row in cells())
    login(world["trainer"])
    client.submit(u("lms.certificates.revoke", code=world["code"]), {"reason": "Issued to the wrong person"})
    login(world["manager"])
    for row in cells():  # the valid-until year (next year or later: the number and dates issued are this year's)
        assert "Revoked" in row and year not in row.split("Revoked", 1)[0]
