"""Bulk verification says, row by row, when a certificate's NUMBER was given instead of its verification code, as
the single-code form does, on the page, in the results spreadsheet and in the API (status ``number``).

From a clinic manager's QA pass: a list with "CHW-2026-311223" answered "Not a certificate code", while the
single-code form explains that this is the certificate's number and which code to type."""

from __future__ import annotations

import csv
import io
import re

from lms.certificates import bulk
from tests.api_support import schema_checker
from tests.conftest import html_text

NUMBER = "CHW-2026-311223"
CODE = "K7QM-X3HT-PQ2R-ABCD-EFGH-JKMN-PQRS"  # shaped like a code, issued to nobody
EXPLAINED = ("This is the certificate's number, which is for quoting. To verify, type the verification code printed "
             "below it (28 letters and digits), or scan the QR code.")



def _rows(page: str) -> list[str]:
    body = page.split('<table class="cert-results', 1)[1].split("</table>", 1)[0]
    return [html_text(row).strip() for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body.split("<tbody", 1)[1], re.S)]


def test_mark_numbers_only_changes_numbers_that_are_not_codes():
    results = [{"query": NUMBER, "status": "invalid"}, {"query": " chw 2026 311223 ", "status": "invalid"},
               {"query": "hello", "status": "invalid"}, {"query": CODE, "status": "not_found"}]
    assert [r["status"] for r in bulk.mark_numbers(results)] == ["number", "number", "invalid", "not_found"]
    assert results[0]["status"] == "invalid"  # a new list: the look-up's own results are left as they were


def test_the_bulk_page_explains_a_number_on_its_row(client, u):
    path = u("lms.certificates.verify_bulk")
    response = client.submit(path, {"codes": f"{NUMBER}\n{CODE}\nnonsense"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    rows = _rows(page)
    assert rows[0].startswith(f"1 {NUMBER} ! A certificate number: verify with the code printed below it")
    assert EXPLAINED in rows[0]
    assert "Not found" in rows[1] and "Not a certificate code" in rows[2] and EXPLAINED not in rows[2]
    counts = html_text(page.split('<ul class="cert-counts">', 1)[1].split("</ul>", 1)[0])
    assert "Certificate numbers instead of codes: 1" in counts and "Not a code: 1" in counts


def test_the_results_spreadsheet_says_it_too(client, u):
    path = u("lms.certificates.verify_bulk")
    response = client.submit(path, {"codes": f"{NUMBER}\nnonsense", "format": "csv"})
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert [row[:2] for row in rows[1:]] == [[NUMBER, "A certificate number: verify with the code printed below it"],
                                            ["nonsense", "Not a certificate code"]]


def test_the_bulk_api_answers_number_and_documents_it(client, u):
    response = client.post(u("lms.api.verify_certificates"), json={"codes": [NUMBER, "nonsense", "", CODE]})
    assert response.status_code == 200
    body = response.json
    assert [r["status"] for r in body["results"]] == ["number", "invalid", "empty", "not_found"]
    assert body["results"][0] == {"index": 0, "code": NUMBER, "query": NUMBER, "status": "number"}
    assert body["counts"]["number"] == 1 and body["counts"]["invalid"] == 1
    document = client.get(u("lms.api.openapi")).json
    schema_checker(document)(body, "BulkVerification")
    status = document["components"]["schemas"]["BulkVerification"]["properties"]["results"]["items"]["properties"][
        "status"]
    assert "number" in status["enum"] and "certificate number" in status["description"]
