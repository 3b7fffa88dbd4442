"""An employer's QA pass of verification: a code copied from the certificate PDF (wrapped over two lines, or with a
dash or an invisible character that is no hyphen) is found; Excel's "Unicode Text" file is read; too many codes in a
file are reported on the file's field; a certificate listed several ways is counted once; a refused bulk request does
not count towards the limit, and the 429 page says how long to wait."""

from __future__ import annotations

import csv
import io
import re

import pytest

from lms.certificates import bulk, codes, mistyped
from lms.certificates.pasted import codes_from_text
from tests.api_support import schema_checker
from tests.certificates_support import issued_world
from tests.conftest import html_text
from tests.test_deploy_qa_fixes_b import _invite

A = "V382-7TXY-C2TY-RP6F-7G4F-GYCB-SJYB"
B = "P8R9-ZG6W-MXBS-S4ZJ-RWHG-EHJ6-9TDA"


@pytest.fixture
def world(app, make_user, make_org, add_member):
    return issued_world(make_user, make_org, add_member)



def _post(client, u, codes_text: str = "", file: tuple[bytes, str] | None = None, **extra):
    path = u("lms.certificates.verify_bulk")
    data = {"csrf_token": client.csrf_token(path), "codes": codes_text, **extra}
    if file is not None:
        data["file"] = (io.BytesIO(file[0]), file[1])
    return client.post(path, data=data)


# ---------------------------------------------------------------- 1. wrapped over lines


@pytest.mark.parametrize(("pasted", "found"), [
    (f"Verification code:\n{A[:25]}\n{A[25:]}\n", ["Verification", "code:", A]),  # as copied from the PDF
    (f"https://learn.example.org/verify/{A[:10]}\r\n{A[10:]}", [A]),  # the link, wrapped
    (f"https://learn.example.org/verify/{A[:5]}\n{A[5:20]}\n{A[20:]}", [A]),  # over three lines
    (f"{A}-\n{B}", [f"{A}-", B]),  # two codes, the first typed with a trailing hyphen: still two
    (f"https://learn.example.org/verify/{A}-\n{B}", [A, B]),  # the same with a link
    (f"{A[:25]}\n{B}", [A[:25], B]),  # a piece of a code, then a code: not joined (no code comes of it)
    (f"{A}\n{B}", [A, B]),
])
def test_a_code_wrapped_after_a_hyphen_is_one_code(pasted, found):
    assert codes_from_text(pasted) == found


def test_a_code_copied_from_the_pdf_is_found_on_the_bulk_page(client, u, world):
    code = world["code"]
    page = html_text(_post(client, u, f"Verification code:\n{code[:25]}\n{code[25:]}\n").get_data(as_text=True))
    assert "Valid: 1" in page and "Rosa Díaz" in page


# ---------------------------------------------------------------- 2. other dashes, invisible characters

ODD = {
    "en dash": "\u2013", "non-breaking hyphen": "\u2011", "minus": "\u2212", "figure dash": "\u2012",
    "zero-width space": "\u200b", "zero-width joiner": "\u200d", "byte order mark": "\ufeff", "soft hyphen": "\u00ad",
    "no-break space": "\u00a0",
}


@pytest.mark.parametrize("char", ODD.values(), ids=ODD.keys())
def test_other_dashes_and_invisible_characters_are_what_was_meant(char):
    typed = A.replace("-", char)
    assert codes.normalize(typed) == codes.normalize(f"{char}{A}{char}") == A.replace("-", "")
    assert [codes.normalize(query) for query in codes_from_text(f"{typed}\n{B}")] == [A.replace("-", ""), B.replace("-", "")]
    if not char.isspace():  # a link has no spaces in it
        assert codes.normalize(f"https://learn.example.org/verify/{typed}") == A.replace("-", "")


@pytest.mark.parametrize("char", ["\u2013", "\u200b", "\ufeff", "\u00a0"])
def test_verify_the_page_and_the_api_take_them(client, u, world, char):
    typed = world["code"].replace("-", char, 3)
    response = client.get(u("lms.certificates.verify_form", code=typed))
    assert response.status_code == 302 and world["code"] in response.headers["Location"]
    page = html_text(_post(client, u, typed).get_data(as_text=True))
    assert "Valid: 1" in page
    api = client.post(u("lms.api.verify_certificates"), json={"codes": [typed]}).json
    assert api["results"][0]["status"] == "valid" and api["results"][0]["query"] == typed  # the query as sent


def test_an_invisible_character_that_is_not_cleaned_is_named_visibly(app):
    with app.test_request_context():
        said = mistyped.message(A[:-1] + "\ufff9")  # an invisible annotation anchor where the last character was
    assert "Codes never use U+FFF9: check character 28." in said and "\ufff9" not in said


# ---------------------------------------------------------------- 3. Excel's "Unicode Text"


def test_excel_unicode_text_is_read(client, u, world):
    sheet = f"Employee\tCertificate code\r\nRosa Díaz\t{world['code']}\r\n\r\nTom\t{B}\r\n"
    data = sheet.encode("utf-16")  # with its byte order mark, little-endian here as Excel writes it
    assert data.startswith(b"\xff\xfe")
    assert bulk.codes_from_upload("codes.txt", data) == [world["code"], B]
    page = html_text(_post(client, u, file=(data, "codes.txt")).get_data(as_text=True))
    assert "Valid: 1" in page and "Not found: 1" in page and "not a text or CSV file" not in page


def test_a_file_with_nul_bytes_and_no_bom_is_still_refused():
    """Not text (UTF-16 without a BOM is read: tests/test_certificates_bulk_utf16_no_bom.py)."""
    with pytest.raises(bulk.UploadError):
        bulk.codes_from_upload("codes.txt", b"K7QM\x00\x01\x02\x03")


# ---------------------------------------------------------------- 4. too many codes in a file


def _field_errors(page: str) -> dict[str, str]:
    """The error shown with each field, by the field's id (``aria-describedby``/error id)."""
    return {name: html_text(page[page.index(f'id="{name}"'):][:3000]) for name in ("codes", "file")}


def test_too_many_codes_in_a_file_are_reported_on_the_file_field(client, u):
    many = "\n".join([A] * 501).encode()
    response = _post(client, u, file=(many, "codes.txt"))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    message = "You sent 501 codes; verify at most 500 at a time."
    errors = re.findall(r'id="(\w+)-error"[^>]*>(.*?)</', page, re.S)
    assert [(field, html_text(text).strip()) for field, text in errors if message in html_text(text)] == [("file", message)]
    pasted = _post(client, u, "\n".join([A] * 501)).get_data(as_text=True)
    errors = re.findall(r'id="(\w+)-error"[^>]*>(.*?)</', pasted, re.S)
    assert [field for field, text in errors if message in html_text(text)] == ["codes"]


# ---------------------------------------------------------------- 5. one certificate listed several ways


def test_a_certificate_listed_several_ways_is_counted_once(client, u, world):
    code = world["code"]
    listed = [code, code.replace("-", "").lower(), f"https://learn.example.org/verify/{code}", code.replace("-", " "),
              B, B.lower(), "NOTACODE", "NOTACODE"]
    page = html_text(_post(client, u, "\n".join(listed)).get_data(as_text=True))
    assert "Results for 8 codes" in page
    assert "Valid: 1" in page and "Not found: 1" in page and "Not a code: 2" in page
    assert "Repeats of an earlier row: 4" in page
    assert page.count("Same certificate as row 1") == 3 and page.count("Same code as row 5") == 1
    rows = list(csv.reader(io.StringIO(_post(client, u, "\n".join(listed), format="csv").data.decode("utf-8-sig"))))
    assert rows[0][-1] == "Same code as row" and all(len(row) == len(rows[0]) for row in rows)
    assert [row[-1] for row in rows[1:]] == ["", "2", "2", "2", "", "6", "", ""]  # spreadsheet rows (header: row 1)
    body = client.post(u("lms.api.verify_certificates"), json={"codes": listed}).json
    assert [r.get("same_as") for r in body["results"]] == [None, 0, 0, 0, None, 4, None, None]  # the first's index
    assert body["counts"]["valid"] == 4  # the API's counts keep counting every result, as documented
    schema_checker(client.get(u("lms.api.openapi")).get_json())(body, "BulkVerification")
    spec = client.get(u("lms.api.openapi")).get_json()["components"]["schemas"]["BulkVerification"]
    assert "same_as" in spec["properties"]["results"]["items"]["properties"]


# ---------------------------------------------------------------- 6. the limit counts look-ups only


TWO_A_MINUTE = pytest.mark.parametrize("app_config", [{"LMS_VERIFY_BULK_LIMIT": "2 per minute"}])


@TWO_A_MINUTE
def test_refused_bulk_requests_do_not_count_towards_the_limit(client, u, world, app_config):
    for _ in range(3):
        assert _post(client, u, file=(b"", "empty.csv")).status_code == 400  # no code in it
        assert _post(client, u, file=(b"\x00\x01", "codes.txt")).status_code == 400  # not text
        assert _post(client, u, "\n".join([A] * 501)).status_code == 400  # too many
        assert client.post(u("lms.api.verify_certificates"), json={"codes": [A] * 501}).status_code == 400
    for _ in range(2):
        assert _post(client, u, world["code"]).status_code == 200
    refused = _post(client, u, world["code"])
    assert refused.status_code == 429


@TWO_A_MINUTE
def test_the_429_page_says_how_long_to_wait_with_a_link_back(client, u, world, app_config):
    for _ in range(2):
        assert _post(client, u, world["code"]).status_code == 200
    path = u("lms.certificates.verify_bulk")
    refused = client.post(path, data={"csrf_token": client.csrf_token(path), "codes": world["code"]},
                          headers={"Referer": "http://localhost" + path})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 429 and 0 < int(refused.headers["Retry-After"]) <= 60
    assert "Please wait 1 minute and try again." in html_text(page)
    assert f'href="{path}"' in page
    spanish = client.post(path, data={"csrf_token": client.csrf_token(path), "codes": world["code"]},
                          headers={"Accept-Language": "es"})
    assert "1 minuto" in html_text(spanish.get_data(as_text=True))


@pytest.mark.parametrize("app_config", [{"LMS_INVITATION_LIMIT_PER_ORG": "2 per day"}])
def test_a_limit_with_its_own_words_says_how_long_to_wait_too(client, make_user, make_org, login, mailbox, app_config):
    manager = make_user("manager@example.org")
    make_org("acme", manager=manager)
    login(manager)
    assert [_invite(client, "acme", n).status_code for n in range(2)] == [302, 302]
    page = html_text(_invite(client, "acme", 3).get_data(as_text=True))
    assert "This organisation has sent as many invitations as this site allows" in page
    assert "You can try again in 1 day." in page
