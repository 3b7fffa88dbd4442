"""What an employer copies from the PDFs: the certificate prints its verification code and its verification link each
on one line, in English and Spanish, for the longest realistic values (a long site address under a mount prefix, long
labels), so a code copied from the PDF is one code; the transcript's "Hours by kind of training" table repeats its
header on the next page and never splits a row."""

from __future__ import annotations

import re
import subprocess
from datetime import date

import pytest
from flask_babel import force_locale

from lms.certificates import render
from lms.hours.pdf import render_pdf
from lms.hours.transcript import Total, Transcript, TranscriptRow
from lms.i18n import _

CODE = "WWWW-MMMM-WWWW-MMMM-WWWW-MMMM-WWWW"  # the widest letters of the alphabet
#: A site address as long as a real one gets: a health department's domain, the LMS mounted under a prefix.
OTHER_KINDS = ("Self-paced module", "External training", "Supervised field experience", "Adjustment")
LINK = f"https://training.communityhealthworkers.example.org/lms/verify/{CODE}"


def _lines(pdf: bytes) -> list[str]:
    printed = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True).stdout
    return [re.sub(r"\s+", " ", line).strip() for line in printed.decode().splitlines()]


def _pages(pdf: bytes) -> list[str]:
    printed = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True).stdout
    return printed.decode().split("\f")


def _certificate_data(locale: str) -> dict:
    words = render._fixed_words(locale, id(render.current_app.extensions["babel"]))
    long_date = "28 de septiembre de 2026" if locale == "es" else "September 28, 2026"
    page = {
        "locale": locale,
        "labels": dict(words["labels"]),
        "course_title": "Documentation and the Medi-Cal CHW benefit",
        "subject": "subject",
        "signatory_name": "Training Director",
        "signatory_title": "CHW Training Program",
        "kind": words["kinds"]["continuing"],
        "areas": ["Service coordination and navigation", "Professional skills and conduct"],
        "languages": "English",
        "minutes": {"live": "12 hours 45 minutes", "self_paced": "15 hours 30 minutes", "field": "40 hours",
                    "total": "68 hours 15 minutes"},
        "dates": {"started": long_date, "completed": long_date, "issued": long_date, "expires": long_date},
    }
    return {"pages": [page], "holder_name": "María Guadalupe Hernández-Villaseñor", "version": "2026.1",
            "issuer": {"name": "CHW Learn"}, "number": "CHW-2026-897174", "code": CODE, "verify_url": LINK,
            "has_field": True, "has_live": True, "has_self_paced": True, "title": "t", "subject": "s"}


@pytest.mark.parametrize("locale", ["en", "es"])
def test_the_certificate_prints_its_code_and_link_each_on_one_line(app, locale):
    with app.test_request_context(), force_locale(locale):
        lines = _lines(render._render(_certificate_data(locale)))
    assert any(line.endswith(CODE) for line in lines), lines  # the code whole, on one line
    assert any(line.endswith(LINK) for line in lines), lines  # the link whole, on one line
    assert not any(line.endswith("-") for line in lines if "W" in line)  # no piece of either wrapped after a hyphen


def _transcript(rows: int) -> Transcript:
    """``rows`` trainings of one kind (live sessions), and hours of every kind in the table by kind."""
    trainings = [TranscriptRow(date(2026, 1, 1), f"Training {n}", "Provider", "Live session", 60, ["Outreach"])
                 for n in range(rows)]
    return Transcript("Ana Ruiz", "ana@example.org", date(2026, 12, 6), trainings, [Total("Outreach", 60 * rows)],
                      [Total(kind, 60) for kind in ("Live session", *OTHER_KINDS)])


def test_the_hours_by_kind_table_repeats_its_header_on_the_next_page(app):
    """With as many trainings as put the table of hours by kind across the page break (the first such number in a
    fixed range), the second page starts with the table's header, and no row is cut."""
    with app.test_request_context(), force_locale("en"):
        for rows in range(30, 40):
            pages = _pages(render_pdf("lms/pdf/transcript.html", t=_transcript(rows)))
            starts = [index for index, page in enumerate(pages[:-1]) if "Hours by kind of training" in page]
            if starts and any(kind in pages[starts[0] + 1] for kind in OTHER_KINDS):
                break
        else:
            pytest.fail("no number of trainings put the table across the page break")
        header, [first] = _("Kind of training"), starts
        assert header in pages[first] and pages[first + 1].lstrip().startswith(header)
        assert all(kind in "".join(pages) for kind in OTHER_KINDS)  # every row printed whole on one page or the other
