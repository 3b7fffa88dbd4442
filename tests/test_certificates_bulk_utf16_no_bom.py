"""Bulk verification reads a UTF-16 file without a byte order mark (little- or big-endian), as it reads one with a
BOM, and still refuses binary files (``lms.certificates.bulk.codes_from_upload``)."""

from __future__ import annotations

import pytest

from lms.certificates import bulk
from tests.conftest import html_text
from tests.test_certificates_qa_employer import A, B, _post, world  # noqa: F401 (world: a fixture)

SHEET = f"Empleado\tCódigo\r\nRosa Díaz\t{A}\r\n\r\nTomás\t{B}\r\n"


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_bom_is_read(encoding):
    data = SHEET.encode(encoding)
    assert not data.startswith(bulk.UTF16_BOMS)
    assert bulk.codes_from_upload("codes.txt", data) == [A, B]
    assert bulk.codes_from_upload("codes.csv", data) == [A, B]
    assert bulk.codes_from_upload("codes.txt", f"{A}\n{B}\n".encode(encoding)) == [A, B]  # one code a line


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_a_utf16_file_without_a_bom_is_verified_on_the_page(client, u, world, encoding):  # noqa: F811
    sheet = f"Employee\tCertificate code\r\nRosa Díaz\t{world['code']}\r\n\r\nTom\t{B}\r\n"
    page = html_text(_post(client, u, file=(sheet.encode(encoding), "codes.txt")).get_data(as_text=True))
    assert "Valid: 1" in page and "Not found: 1" in page and "not a text or CSV file" not in page


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00\x1f\xf3\xffa"


@pytest.mark.parametrize("data", [
    PNG,
    b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00" + bytes(range(256)),  # a zip (an .xlsx)
    bytes([1, 0, 2, 0, 3, 0, 4, 0, 5, 0]) * 20,  # every other byte zero, as in UTF-16, but control characters
    b"K\x00\x00\xd8Q\x00",  # UTF-16-LE with a lone surrogate
    "K7QM\ue000\ue001".encode("utf-16-le"),  # private-use characters: not text
    b"K7QM\x00",  # an odd length
], ids=["png", "zip", "shorts", "surrogate", "private-use", "odd"])
def test_binary_is_still_refused(data):
    with pytest.raises(bulk.UploadError):
        bulk.codes_from_upload("codes.csv", data)


def test_a_binary_file_is_refused_on_the_page(client, u, world):  # noqa: F811
    page = html_text(_post(client, u, file=(bytes([1, 0, 2, 0]) * 50, "codes.csv")).get_data(as_text=True))
    assert "This file is not a text or CSV file." in page
