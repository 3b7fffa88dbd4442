"""More downloads named in the reader's language (lms/web/file_names.py): a manager's CE checklist of a staff member
(PDF and spreadsheet) and the spreadsheet of a bulk certificate verification. Payroll files (timesheets, payroll
exports) and the roster template keep their English names: payroll systems and scripts may rely on them."""

from __future__ import annotations

import re

import pytest

from lms import db
from tests.test_certificates_bulk_csv import certificate  # noqa: F401 (a fixture)
from tests.test_hours_compliance import checklist_world, org_with  # noqa: F401 (fixtures)


def _name(response) -> str:
    assert response.status_code == 200, response.status_code
    found = re.fullmatch(r'attachment; filename="([^"]+)"', response.headers["Content-Disposition"])
    assert found, response.headers["Content-Disposition"]
    return found.group(1)


@pytest.mark.parametrize("endpoint", ["lms.hours.checklist_csv", "lms.hours.checklist_pdf"])
def test_the_ce_checklist_is_named_in_the_managers_language(client, u, login, checklist_world, endpoint):  # noqa: F811
    _org, manager, ana = checklist_world
    login(manager)
    path = u(endpoint, org_slug="acme", user_id=ana.id, on="2026-11-23")
    extension = endpoint.rsplit("_", 1)[1]
    english = _name(client.get(path))
    assert re.fullmatch(rf"ce-checklist-ana-lopez-\d{{4}}-\d{{2}}-\d{{2}}\.{extension}", english), english
    manager.locale = "es"
    db.session.commit()
    spanish = _name(client.get(path))
    assert spanish == "lista-de-educacion-continua" + english.removeprefix("ce-checklist")


def test_the_bulk_verification_spreadsheet_is_named_in_the_readers_language(client, u, certificate):  # noqa: F811
    path = u("lms.certificates.verify_bulk")
    for language, name in (("en", "certificate-verification.csv"), ("es", "verificacion-de-certificados.csv")):
        response = client.post(path, data={"csrf_token": client.csrf_token(path), "codes": certificate.code,
                                           "format": "csv"}, headers={"Accept-Language": language})
        assert _name(response) == name
