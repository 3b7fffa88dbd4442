"""A code typed with a slip in it is told what is wrong with it, the same way everywhere: the verification form and
page, the bulk page and its spreadsheet, and the API. From a QA pass: a 28-character code typed in groups of four
with the letter O in it was answered "Codes have 28 letters and digits, often in groups of four."."""

from __future__ import annotations

import csv
import io
from html import unescape

import pytest

from lms.certificates import codes, mistyped
from tests.api_support import schema_checker
from tests.conftest import html_text

CODE = "K7QM-X3HT-PQ2R-ABCD-EFGH-JKMN-PQRS"  # shaped like a code, issued to nobody
TYPO = CODE[:-1] + "O"  # an O where the alphabet has none (Q, say)
LETTER_O = "Codes never use the letter O: check character 28."
GENERAL = "This is not a certificate code. Codes have 28 letters and digits, often in groups of four."



@pytest.mark.parametrize(("typed", "slip"), [
    (TYPO, codes.Slip(None, ((28, "O"),))),
    (TYPO.lower().replace("-", " "), codes.Slip(None, ((28, "O"),))),  # any case, in groups with spaces
    ("I" + CODE[1:-1] + "0", codes.Slip(None, ((1, "I"), (28, "0")))),
    (CODE[:-1], codes.Slip(27, ())),
    (CODE + "K1", codes.Slip(30, ((30, "1"),))),
    (CODE[:5] + "#" + CODE[6:], codes.Slip(None, ((5, "#"),))),  # counted without the hyphens: the 5th character
    (CODE, None), ("hello", None), ("CHW-2026-000123", None), ("María José Fernández García López", None),
    (CODE[:10], None),  # too short to be a code with a slip in it
])
def test_a_slip_is_found_and_placed(typed, slip):
    assert codes.slip(typed) == slip


@pytest.mark.parametrize(("typed", "said"), [
    (TYPO, [LETTER_O]),
    (CODE[:3] + "O" + CODE[4:-1] + "O", ["Codes never use the letter O: check characters 4 and 28."]),
    (CODE[:-1] + "1", ["Codes never use the digit 1: check character 28."]),
    ("I" + CODE[1:-1] + "0", ["Codes never use the letters I, L, O and U, the digits 0 and 1, or other signs: check "
                              "characters 1 and 28."]),
    (CODE[:5] + "#" + CODE[6:], ["Codes never use #: check character 5."]),
    (CODE[:-1], ["1 character is missing: codes have 28 letters and digits, and this has 27."]),
    (CODE[:-3] + "O", ["2 characters are missing: codes have 28 letters and digits, and this has 26.",
                       "Codes never use the letter O: check character 26."]),
    (CODE + "K", ["1 character too many: codes have 28 letters and digits, and this has 29."]),
    ("nope", []), ("CHW-2026-000123", []), (CODE, []),
])
def test_reasons_name_the_slip(app, typed, said):
    assert mistyped.reasons(typed) == said


def test_the_form_names_the_slip_and_still_explains_the_rest(client, u):
    for typed, expected in ((TYPO, LETTER_O), ("nope", GENERAL), ("CHW-2026-000123", "This is the certificate's number")):
        response = client.get(u("lms.certificates.verify_form", code=typed))
        assert response.status_code == 400 and expected in unescape(response.get_data(as_text=True)), typed
    assert LETTER_O not in unescape(client.get(u("lms.certificates.verify_form", code="nope")).get_data(as_text=True))


def test_the_page_names_the_slip(client, u):
    response = client.get(u("lms.certificates.verify_page", code=TYPO))
    page = html_text(response.get_data(as_text=True))
    assert response.status_code == 400 and "This is not a certificate code" in page and LETTER_O in page
    assert "Check what was typed." not in page  # the general words only when nothing more can be said
    assert "Check what was typed." in html_text(client.get(u("lms.certificates.verify_page", code="hello")).get_data(as_text=True))


def test_the_bulk_page_and_spreadsheet_name_the_slip(client, u):
    path = u("lms.certificates.verify_bulk")
    page = html_text(client.submit(path, {"codes": f"{TYPO}\nnope"}).get_data(as_text=True))
    assert f"1 {TYPO} ! Not a certificate code {LETTER_O} 2 nope ! Not a certificate code" in page
    rows = list(csv.reader(io.StringIO(client.submit(path, {"codes": f"{TYPO}\nnope", "format": "csv"}).data.decode("utf-8-sig"))))
    reason = rows[0].index("Reason")
    assert [(row[0], row[1], row[reason]) for row in rows[1:]] == [
        (TYPO, "Not a certificate code", LETTER_O), ("nope", "Not a certificate code", "")]


def test_the_api_names_the_slip(client, u):
    single = client.get(u("lms.api.certificate", code=TYPO))
    assert single.status_code == 400 and single.json["error"] == {"code": "invalid_code", "message": LETTER_O}
    assert client.get(u("lms.api.certificate", code="hello")).json["error"]["message"] == GENERAL
    jwt = client.get(u("lms.api.certificate_credential", code=TYPO))
    assert jwt.status_code == 400 and jwt.json["error"]["message"] == LETTER_O
    bulk = client.post(u("lms.api.verify_certificates"), json={"codes": [TYPO, "nope", CODE]}).json
    assert bulk["results"][0] == {"index": 0, "code": TYPO, "query": TYPO, "status": "invalid", "message": LETTER_O}
    assert "message" not in bulk["results"][1] and "message" not in bulk["results"][2]
    schema_checker(client.get(u("lms.api.openapi")).json)(bulk, "BulkVerification")
    revocation_list = client.get(u("lms.certificates.verify_page", code=TYPO), headers={"Accept": "application/json"})
    assert revocation_list.status_code == 400 and revocation_list.json["error"]["message"] == LETTER_O
