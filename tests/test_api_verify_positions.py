"""Bulk verification answers one result per code sent, in order, with its ``index`` and the ``query`` exactly as sent:
blank codes are kept as ``empty`` results (neither looked up nor logged) rather than dropped, so a client matches every
answer to what it sent. The web page (paste or upload) still skips blank lines, as before."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import func, select

from lms import db
from lms.certificates.models import VerificationLog
from tests.certificates_support import issued_world


@pytest.fixture
def world(make_user, make_org, add_member):
    return issued_world(make_user, make_org, add_member)


def _logged() -> int:
    return db.session.scalar(select(func.count(VerificationLog.id)))


def test_every_code_sent_has_its_result_in_place(client, u, world):
    code = world["code"]
    sent = [f" {code} ", "", f"{code}\n", "NOPE", "   ", "\t\n", code.lower().replace("-", "")]
    response = client.post(u("lms.api.verify_certificates"), json={"codes": sent})
    assert response.status_code == 200
    results = response.json["results"]
    assert [r["index"] for r in results] == list(range(len(sent)))
    assert [r["query"] for r in results] == sent  # as sent: spaces and line breaks kept
    assert [r["status"] for r in results] == ["valid", "empty", "valid", "invalid", "empty", "empty", "valid"]
    assert [r["code"] for r in results] == [code, "", code, "NOPE", "", "", code]
    assert results[1] == {"index": 1, "code": "", "status": "empty", "query": ""}
    assert response.json["counts"] == {"valid": 3, "expired": 0, "revoked": 0, "not_found": 0, "invalid": 1,
                                       "number": 0, "empty": 3}
    assert _logged() == 4  # the blank ones were not looked up


def test_the_example_of_the_report(client, u, world):
    code = world["code"]
    response = client.post(u("lms.api.verify_certificates"), json={"codes": [f" {code} ", "", f"{code}\n", "NOPE"]})
    assert [(r["index"], r["query"], r["status"]) for r in response.json["results"]] == [
        (0, f" {code} ", "valid"), (1, "", "empty"), (2, f"{code}\n", "valid"), (3, "NOPE", "invalid")]


def test_only_blank_codes_give_only_empty_results(client, u, world):
    response = client.post(u("lms.api.verify_certificates"), json={"codes": ["", " "]})
    assert [r["status"] for r in response.json["results"]] == ["empty", "empty"]
    assert _logged() == 0


def test_five_hundred_positions_blank_ones_included(client, u, world):
    sent = ["" if i % 5 == 0 else f"missing-{i}" for i in range(500)]
    response = client.post(u("lms.api.verify_certificates"), json={"codes": sent})
    assert response.status_code == 200 and len(response.json["results"]) == 500
    assert response.json["counts"]["empty"] == 100 and response.json["counts"]["invalid"] == 400
    too_many = client.post(u("lms.api.verify_certificates"), json={"codes": [""] * 501})
    assert too_many.status_code == 400 and too_many.json["error"]["code"] == "too_many"


def test_the_document_describes_positions_and_the_empty_status(client, u):
    schemas = client.get(u("lms.api.openapi")).json["components"]["schemas"]
    item = schemas["BulkVerification"]["properties"]["results"]["items"]
    assert {"index", "query", "code", "status"} <= set(item["required"])
    assert "empty" in item["properties"]["status"]["enum"]
    assert "empty" not in schemas["CertificateVerdict"]["properties"]["status"]["enum"]  # one code: never blank


def test_the_bulk_page_still_skips_blank_lines(client, u, world):
    code = world["code"]
    path = u("lms.certificates.verify_bulk")
    page = client.submit(path, {"codes": f" {code} \n\n   \nNOPE\n"}).get_data(as_text=True)
    cells = [re.sub(r"<[^>]+>|\s+", "", cell) for cell in re.findall(r'<th scope="row"[^>]*>(.*?)</th>', page, re.S)]
    assert len(cells) == 2 and code in cells[0] and cells[1] == "NOPE"
    upload = {"csrf_token": client.csrf_token(path), "codes": "", "format": "csv",
              "file": (io.BytesIO(f"code\n{code}\n\n,\nNOPE\n".encode()), "codes.csv")}
    rows = client.post(path, data=upload).get_data(as_text=True).strip().splitlines()
    assert len(rows) == 3 and rows[1].startswith(code) and rows[2].startswith("NOPE")
