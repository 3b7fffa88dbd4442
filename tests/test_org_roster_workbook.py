"""A roster upload that is an Excel workbook (by name or by its first bytes) is refused with how to save it as CSV,
in the manager's language; other wrong files keep the short message."""

from __future__ import annotations

import io
from html import unescape

import pytest

from lms import db
from lms.orgs.models import Invitation

XLSX = b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 40  # the start of a ZIP archive, as every .xlsx is
XLS = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 40  # an OLE2 compound file, as every .xls is
HOW = "File › Save As › CSV UTF-8 (Comma delimited)"


def _upload(client, u, data: bytes, filename: str):
    return client.submit(u("lms.orgs.roster_import", org_slug="acme"), {"file": (io.BytesIO(data), filename)},
                         content_type="multipart/form-data")


@pytest.mark.parametrize(("data", "filename"), [
    (XLSX, "roster.xlsx"), (XLS, "roster.xls"), (XLSX, "roster.csv"), (b"email,name\n", "staff.XLSX"),
])
def test_a_workbook_is_refused_with_how_to_save_it_as_csv(client, u, manager, data, filename):
    response = _upload(client, u, data, filename)
    page = unescape(response.get_data(as_text=True))
    assert response.status_code == 400 and HOW in page and "Excel workbook" in page
    assert db.session.query(Invitation).count() == 0


def test_other_wrong_files_keep_the_short_message(client, u, manager):
    page = unescape(_upload(client, u, b"MZ\x90\x00", "roster.exe").get_data(as_text=True))
    assert "Upload a .csv file." in page and HOW not in page


def test_a_real_csv_is_still_imported(client, u, manager):
    assert _upload(client, u, b"email,name\r\nlupe@example.org,Lupe Lopez\r\n", "roster.csv").status_code == 302
