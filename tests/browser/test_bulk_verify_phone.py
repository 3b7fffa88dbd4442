"""Bulk verification results on a 375-pixel phone, without JavaScript: each result a card whose first line is its
number and the code, the code broken only between its groups of four, the other facts under their column titles; no
sideways scrolling; still a table to assistive technology, and axe-clean in English and Spanish. On a desktop the
results stay a table.

From a QA pass: at 375 pixels the results table was 889 pixels wide and its code column wrapped every three or four
characters, so each row took about ten lines."""

from __future__ import annotations

import pytest

from lms.catalog import services as catalog
from lms.certificates import issuance, revocation
from lms.certificates.codes import display
from lms.certificates.demo import credited_by_course
from tests.browser.conftest import axe_violations, follow
from tests.browser.helpers import es, new_person, user

pytestmark = pytest.mark.browser

#: The phone of the QA pass (an iPhone SE/mini's width in CSS pixels).
SMALL_PHONE = {"width": 375, "height": 812}
#: A code issued to nobody (not found), a mistyped one (the letter O), and a word.
UNKNOWN = "K7QM-X3HT-PQ2R-ABCD-EFGH-JKMN-PQRS"
TYPO = "K7QM-X3HT-PQ2R-ABCD-EFGH-JKMN-PQRO"


@pytest.fixture(scope="module")
def codes(live_server) -> list[str]:
    """Two certificates of the demo continuing-education course, issued by hand to people of their own, one of them
    revoked with a long reason."""
    with live_server.data():
        course, admin = catalog.get_course("ce-documentation"), user("admin@example.org")
        found = []
        for email, name in (("pia.phone@example.org", "Pía Teléfono"), ("rex.phone@example.org", "Rex Revocado")):
            person = new_person(email, name)
            cert = issuance.issue_manually(person, course, admin, "Completed on paper", credited_by_course(course))
            found.append(display(cert.code))
        revocation.revoke(found[1], "Issued to the wrong person: the name on the attendance sheet was misread", admin)
        return found


def _paste(page, codes: list[str]) -> None:
    page.goto("/verify/bulk")
    page.locator("textarea[name=codes]").fill("\n".join(codes))
    follow(page.locator("main form button[type=submit]").first)


#: The page and the results table: sideways scrolling, how rows are laid out, and per row the boxes of its number and
#: code and how many lines each group of the code takes (a group split over two lines takes two).
_LAYOUT = """() => {
    const page = document.documentElement, table = document.querySelector('table.cert-results');
    const wrap = table.closest('.table-wrap');
    const rows = [...table.querySelectorAll('tbody > tr')].map(row => {
        const index = row.querySelector('.cert-index').getBoundingClientRect();
        const query = row.querySelector('.cert-query').getBoundingClientRect();
        const code = row.querySelector('.cert-code'), text = code.firstChild, groups = [];
        let at = 0;
        for (const group of text.textContent.split('-')) {
            const range = document.createRange();
            range.setStart(text, at);
            range.setEnd(text, at + group.length);
            groups.push(new Set([...range.getClientRects()].map(r => Math.round(r.top))).size);
            at += group.length + 1;
        }
        const lines = Math.round(code.getBoundingClientRect().height / parseFloat(getComputedStyle(code).lineHeight));
        const labels = [...row.querySelectorAll('[data-label]')].filter(cell => cell.textContent.trim())
            .map(cell => getComputedStyle(cell, '::before').content.match(/^"([^"]*)"/)?.[1] ?? null);
        return {display: getComputedStyle(row).display, sameLine: Math.abs(index.top - query.top) < 2,
                inside: query.right <= row.getBoundingClientRect().right + 0.5, groups, lines, labels,
                text: text.textContent};
    });
    return {width: innerWidth, pageSideways: page.scrollWidth > innerWidth,
            tableSideways: wrap.scrollWidth > wrap.clientWidth + 1, headShown: table.tHead.offsetHeight > 1, rows};
}"""


def test_bulk_results_are_cards_on_a_small_phone(open_page, codes):
    """With JavaScript off: the layout is the stylesheet's alone."""
    page = open_page(phone=True, viewport=SMALL_PHONE, javascript=False)
    _paste(page, [*codes, UNKNOWN.lower(), TYPO, "nope"])
    found = page.evaluate(_LAYOUT)
    assert found["width"] == SMALL_PHONE["width"]
    assert not found["pageSideways"] and not found["tableSideways"] and not found["headShown"]
    assert [row["text"] for row in found["rows"]] == [*codes, UNKNOWN.lower(), TYPO, "nope"]  # as given
    for row in found["rows"]:
        assert row["display"] == "grid" and row["sameLine"] and row["inside"], row
        assert set(row["groups"]) == {1}, f"a group of {row['text']} is split over two lines"
    assert found["rows"][0]["lines"] == 1, "a whole code fits on the card's first line"
    # the facts under their column titles (drawn for the eye; a screen reader hears the column header)
    assert found["rows"][1]["labels"] == ["Result", "Name", "Course", "Issued", "Valid until or revoked"]
    assert found["rows"][4]["labels"] == ["Result"]
    assert "Codes never use the letter O: check character 28." in page.locator("table.cert-results tbody tr").nth(3).inner_text()


@pytest.mark.parametrize("locale", ["en-US", "es-US"])
def test_bulk_results_on_a_small_phone_are_axe_clean(open_page, codes, locale):
    """axe runs in the page, so JavaScript is on here."""
    page = open_page(phone=True, viewport=SMALL_PHONE, locale=locale)
    _paste(page, [*codes, TYPO, "CHW-2026-000123"])
    found = page.evaluate(_LAYOUT)
    assert not found["pageSideways"] and found["rows"][1]["display"] == "grid"
    if locale.startswith("es"):
        assert page.locator("html").get_attribute("lang") == "es"
        assert found["rows"][1]["labels"][-1] == es("Valid until or revoked")
    assert axe_violations(page) == []


def test_bulk_results_stay_a_table_on_a_desktop(open_page, codes):
    page = open_page(javascript=False)
    _paste(page, [*codes, TYPO, "CHW-2026-000123", "x" * 70])
    found = page.evaluate(_LAYOUT)
    assert found["headShown"] and not found["tableSideways"] and not found["pageSideways"]
    for row in found["rows"][:3]:
        assert row["display"] == "table-row" and set(row["groups"]) == {1}, row
