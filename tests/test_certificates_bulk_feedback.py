"""Bulk verification tells a verifier what went wrong: a mistyped code is reported as typed (the cell that looks most
like a code, not the person's name beside it; a code typed in groups with a slip in it as one query), a file or text
with no code at all is refused with nothing to download, and a code that is not found comes with the reminder that
only certificates issued through this site can be checked here (a new hire's certificate from another provider is
checked with that provider)."""

from __future__ import annotations

import io
import re

import pytest

from lms.certificates import bulk, codes
from tests.conftest import html_text

CODE = "K7QM-X3HT-PQ2R-ABCD-EFGH-JKMN-PQRS"
TYPO = "K7QM-X3HT-PQ2R-ABCD-EFGH-JKMN-PQRO"  # an O where the alphabet has none
OTHER_PROVIDERS = ("Only certificates issued through CHW Learn can be checked here. A certificate from another training "
                   "provider (a new hire's earlier training, say) must be checked with the provider that issued it.")



def _upload(client, u, name: str, content: str, **extra):
    path = u("lms.certificates.verify_bulk")
    data = {"csrf_token": client.csrf_token(path), "codes": "", "file": (io.BytesIO(content.encode()), name), **extra}
    return client.post(path, data=data)


def _result_cells(page: str) -> list[str]:
    return [html_text(cell).strip() for cell in re.findall(r'<th scope="row"[^>]*>(.*?)</th>', page, re.S)]


@pytest.mark.parametrize(("row", "reported"), [
    (f"María Promotora,{TYPO},2024-05-01", TYPO),
    (f"Community Health Worker,E-1002,{TYPO[:-5]}", TYPO[:-5]),  # a code cut short still looks most like one
    (f"{TYPO.replace('-', ' ')};Ana", TYPO.replace("-", " ")),
    ("María Promotora,promotora@example.org", "María Promotora"),  # no code-like cell: the name, as before
    ("José,CHW-2026-000123", "CHW-2026-000123"),  # the certificate's number, which the page explains
])
def test_a_row_without_a_code_is_reported_by_its_most_code_like_cell(row, reported):
    delimiter = ";" if ";" in row else ","
    assert bulk.codes_from_csv(f"name{delimiter}code\n{row}\n") == [reported]


def test_the_bulk_page_shows_the_mistyped_code(client, u):
    page = _upload(client, u, "staff.csv", f"name,code,hired\nMaría Promotora,{TYPO},2024-05-01\n").get_data(as_text=True)
    assert _result_cells(page) == [TYPO] and "Not a code: 1" in page and "María Promotora" not in page


def test_a_code_typed_in_groups_with_a_slip_is_one_query(client, u):
    grouped = TYPO.replace("-", " ")
    assert bulk.codes_from_text(f"{grouped}\n{CODE.replace('-', ' ')}\nnot a code here") == [
        grouped, CODE.replace("-", " "), "not", "a", "code", "here"]
    page = client.submit(u("lms.certificates.verify_bulk"), {"codes": grouped}).get_data(as_text=True)
    assert _result_cells(page) == [grouped] and "Result for 1 code" in html_text(page)


@pytest.mark.parametrize(("name", "content"), [("empty.csv", ""), ("header.csv", "name,code\r\n"),
                                               ("blank.txt", " \n\n , ;\n")])
def test_a_file_without_codes_is_refused_with_nothing_to_download(client, u, name, content):
    for extra in ({}, {"format": "csv"}):
        response = _upload(client, u, name, content, **extra)
        page = response.get_data(as_text=True)
        assert response.status_code == 400 and response.mimetype == "text/html"
        assert "No certificate codes were found in this file." in page
        assert "Results for 0 codes" not in page and "Download these results" not in page


def test_pasted_text_without_codes_is_refused(client, u):
    response = client.submit(u("lms.certificates.verify_bulk"), {"codes": " , ;\n\t"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "No certificate codes were found in what you pasted." in page
    assert "Download these results" not in page


def test_not_found_says_only_this_sites_certificates_can_be_checked(client, u):
    missing = codes.display(codes.new_code())
    single = client.get(u("lms.certificates.verify_page", code=missing))
    assert single.status_code == 404 and OTHER_PROVIDERS in html_text(single.get_data(as_text=True))
    page = html_text(client.submit(u("lms.certificates.verify_bulk"), {"codes": missing}).get_data(as_text=True))
    assert "Not found: 1" in page and OTHER_PROVIDERS in page
    invalid = html_text(client.submit(u("lms.certificates.verify_bulk"), {"codes": "nope"}).get_data(as_text=True))
    assert OTHER_PROVIDERS not in invalid  # nothing was looked up: nothing was not found


@pytest.mark.parametrize("app_config", [{"LMS_SITE_NAME": "Valley Training"}])
def test_the_reminder_names_the_site(client, u, app_config):
    page = client.get(u("lms.certificates.verify_page", code=codes.display(codes.new_code()))).get_data(as_text=True)
    assert "Only certificates issued through Valley Training can be checked here." in html_text(page)


@pytest.mark.parametrize(("raw", "better_than"), [(TYPO, "María Promotora"), (TYPO[:20], "2024-05-01"),
                                                  (TYPO, "promotora@example.org"), ("CHW-2026-000123", "Ana")])
def test_likeness_ranks_a_code_above_other_cells(raw, better_than):
    assert codes.likeness(raw) > codes.likeness(better_than)
