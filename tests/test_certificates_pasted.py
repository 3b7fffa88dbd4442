"""What people paste where a code belongs: the verification LINK (from the QR code, an email or the address bar) is
taken for its code, on the form, the bulk page (pasted or uploaded) and the bulk API; and a pasted list of "Name CODE"
lines is looked up by the codes alone, the names reported nowhere. Lines without a code, and CSV files, read as
before. From a QA pass: both were answered "Not a certificate code", the names once per word."""

from __future__ import annotations

import csv
import io
import re
from html import unescape

import pytest

from lms.certificates import bulk, codes
from tests.certificates_support import issued_world
from tests.conftest import html_text

UNKNOWN = "K7QM-X3HT-PQ2R-ABCD-EFGH-JKMN-PQRS"  # shaped like a code, issued to nobody
TYPO = UNKNOWN[:-1] + "O"


@pytest.fixture
def world(app, make_user, make_org, add_member):
    return issued_world(make_user, make_org, add_member)


def _links(code: str) -> list[str]:
    return [f"https://learn.example.org/verify/{code}", f"https://learn.example.org/training/verify/{code}/",
            f"http://127.0.0.1:5000/verify/{code.lower()}?lang=es", f"learn.example.org/verify/{code}#details",
            f"https://learn.example.org/training/verify/{code}/?utm_source=qr&utm_medium=print&utm_campaign=2026"]



def _rows(page: str) -> list[str]:
    """Each result row's text, from the number to the last cell."""
    body = page.split("<tbody", 1)[1].split("</tbody>", 1)[0]
    return [html_text(row).strip() for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)]


@pytest.mark.parametrize("link", _links(UNKNOWN))
def test_a_link_is_read_for_its_code(link):
    assert codes.normalize(link) == UNKNOWN.replace("-", "")


@pytest.mark.parametrize("text", [f"https://learn.example.org/verify/{UNKNOWN}/extra", "https://learn.example.org/verify/bulk",
                                  f"https://learn.example.org/certificates/{UNKNOWN}", f"see /verify/{UNKNOWN} here"])
def test_other_links_are_not_codes(text):
    assert codes.normalize(text) is None


@pytest.mark.parametrize("app_mode", ["standalone", "mounted"])
def test_the_form_takes_a_pasted_link_to_the_codes_page(client, u, world, app_mode):
    for link in _links(world["code"]):
        response = client.get(u("lms.certificates.verify_form", code=link))
        assert response.status_code == 302 and response.headers["Location"].endswith(
            u("lms.certificates.verify_page", code=world["code"])), link
    assert 'maxlength="300"' in client.get(u("lms.certificates.verify_form")).get_data(as_text=True)


def test_the_bulk_page_reads_pasted_and_uploaded_links(client, u, world):
    path = u("lms.certificates.verify_bulk")
    links = _links(world["code"])
    page = client.submit(path, {"codes": "\n".join(links)}).get_data(as_text=True)
    assert "Valid: 1" in page and "Not a code: 0" in page  # one certificate, its links repeats of the first
    assert f"Repeats of an earlier row: {len(links) - 1}" in page
    assert all(row.startswith(f"{number} {world['code']} ✓ Valid") for number, row in enumerate(_rows(page), 1))
    upload = "name,link\r\n" + "".join(f"Rosa Díaz,{link}\r\n" for link in links)
    sheet = client.post(path, data={"csrf_token": client.csrf_token(path), "codes": "", "format": "csv",
                                    "file": (io.BytesIO(upload.encode()), "links.csv")})
    rows = list(csv.reader(io.StringIO(sheet.data.decode("utf-8-sig"))))
    assert [row[:2] for row in rows[1:]] == [[world["code"], "Valid"]] * len(links)  # the link's code, in display form


def test_the_bulk_api_reads_links_and_keeps_the_query_as_sent(client, u, world):
    links = _links(world["code"])
    body = client.post(u("lms.api.verify_certificates"), json={"codes": [*links, f"https://x.org/verify/{TYPO}"]}).json
    assert [r["status"] for r in body["results"]] == ["valid"] * len(links) + ["invalid"]
    assert [r["query"] for r in body["results"][:-1]] == links and body["results"][0]["code"] == world["code"]
    assert body["results"][-1]["message"] == "Codes never use the letter O: check character 28."


@pytest.mark.parametrize(("text", "queries"), [
    (f"María Promotora {UNKNOWN}\nTom Trainee: {UNKNOWN.lower()}", [UNKNOWN, UNKNOWN.lower()]),
    (f"María Promotora\t{UNKNOWN}\t2024-05-01", [UNKNOWN]),  # two spreadsheet columns and a date, pasted
    (f"Ana Lee {UNKNOWN.replace('-', ' ')}", [UNKNOWN.replace("-", " ")]),  # the code in groups with spaces
    (f"ANA {UNKNOWN.replace('-', ' ')}", [UNKNOWN.replace("-", " ")]),
    (f"Tom Trainee ({UNKNOWN})", [UNKNOWN]),
    (f"María Promotora {TYPO}", [TYPO]),  # a mistyped code is still the line's code
    (f"Juan Ruiz {TYPO.replace('-', ' ')}", [TYPO.replace("-", " ")]),
    (f"Rosa Díaz: https://learn.example.org/verify/{UNKNOWN.lower()}", [UNKNOWN]),
    # lines without a code, and lines listing several codes, read as before
    ("María Promotora, CHW-2026-000123", ["María", "Promotora", "CHW-2026-000123"]),
    (f"{UNKNOWN}, nope, {UNKNOWN}", [UNKNOWN, "nope", UNKNOWN]),
    (f"{UNKNOWN} {UNKNOWN} nope", [UNKNOWN, UNKNOWN, "nope"]),
    (f"Tom {UNKNOWN}, Ana {TYPO}", [UNKNOWN, TYPO]),  # between commas, a name beside its code
    ("not a code here", ["not", "a", "code", "here"]),
])
def test_a_line_with_a_code_is_that_code(text, queries):
    assert bulk.codes_from_text(text) == queries


def test_names_beside_codes_are_reported_nowhere(client, u, world):
    path = u("lms.certificates.verify_bulk")
    pasted = f"María Promotora {world['code']}\nTom Trainee: {UNKNOWN}\nPedro Páramo {TYPO}\nnope"
    page = client.submit(path, {"codes": pasted}).get_data(as_text=True)
    assert [row.split(" ! ")[0].split(" ✓ ")[0].split(" ? ")[0] for row in _rows(page)] == [
        f"1 {world['code']}", f"2 {UNKNOWN}", f"3 {TYPO}", "4 nope"]
    assert "Valid: 1" in page and "Not found: 1" in page and "Not a code: 2" in page
    again = unescape(re.search(r'<input type="hidden" name="codes" value="([^"]*)"', page).group(1))
    assert again.split("\n") == [world["code"], UNKNOWN, TYPO, "nope"]  # "Download these results" sends the codes
    results = html_text(page.split('id="results-heading"', 1)[1])  # the form above still holds what was pasted
    assert not {"María", "Promotora", "Tom", "Trainee:", "Pedro", "Páramo"} & set(results.split())
    sheet = client.submit(path, {"codes": pasted, "format": "csv"}).data.decode("utf-8-sig")
    assert [row[0] for row in csv.reader(io.StringIO(sheet))][1:] == [world["code"], UNKNOWN, TYPO, "nope"]
    assert "Promotora" not in sheet and "Trainee" not in sheet


def test_a_txt_file_of_name_lines_reads_the_same_and_a_csv_file_as_before(client, u, world):
    path = u("lms.certificates.verify_bulk")
    lines = f"María Promotora {world['code']}\r\nTom Trainee: {UNKNOWN}\r\n"
    for name, content, expected in (
        ("staff.txt", lines, [world["code"], UNKNOWN]),
        ("staff.csv", f"name,code\r\nMaría Promotora,{world['code']}\r\nTom Trainee,{TYPO}\r\nAna,\r\n", [world["code"], TYPO, "Ana"]),
    ):
        sheet = client.post(path, data={"csrf_token": client.csrf_token(path), "codes": "", "format": "csv",
                                        "file": (io.BytesIO(content.encode()), name)})
        assert [row[0] for row in csv.reader(io.StringIO(sheet.data.decode("utf-8-sig")))][1:] == expected, name
