"""Large text on a phone: a 360-pixel phone whose browser's default font size is set to 150% or 200% (the setting a
person with low vision uses; Chromium's own, set through the DevTools protocol, so rem-based media queries see it
too). Fact lists stack each term above its value instead of squeezing the value into a column a letter or two wide;
progress bars, certificate codes and the verification verdict stay on the screen; nothing scrolls sideways."""

from __future__ import annotations

import pytest

from lms.catalog import services as catalog
from lms.certificates import issuance
from lms.certificates.codes import display
from lms.certificates.demo import credited_by_course
from lms.db import utcnow
from lms.enrollment import services as enrollment
from lms.live import registration
from tests.browser.conftest import sign_in
from tests.browser.helpers import new_person, schedule, user

pytestmark = pytest.mark.browser

PHONE_360 = {"width": 360, "height": 640}
# A fact's value narrower than this shows a word or two per line at best (it was 12 to 60 pixels).
NARROWEST_VALUE = 100


@pytest.fixture(scope="module")
def lena(live_server):
    """Lena, a Spanish-speaking CHW enrolled in the core course (its field module shows a progress bar), with a seat
    at a session and a certificate: the pages a trainee with large text reads."""
    from datetime import timedelta

    with live_server.data():
        lena = new_person("lena.large@example.org", "Lena Large", locale="es", employee_id="E-3101")
        enrollment.enroll(lena, catalog.get_course("chw-core"))
        later = schedule(utcnow() + timedelta(days=9), 180, locale="es")
        registration.register(later, lena, lena, utcnow())
        ce = catalog.get_course("ce-documentation")
        cert = issuance.issue_manually(lena, ce, user("admin@example.org"), "Completed on paper at a community event",
                                       credited_by_course(ce))
        return {"session": later.id, "code": display(cert.code)}


def _large_text(page, percent: int) -> None:
    """The browser's default font size at ``percent`` of its usual 16 pixels (monospace: 13)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Page.setFontSizes", {"fontSizes": {"standard": 16 * percent // 100, "fixed": 13 * percent // 100}})


_PROBLEMS = """([path, narrowest]) => {
    const width = document.documentElement.clientWidth, problems = [];
    if (document.documentElement.scrollWidth > width) {
        problems.push(`${path}: the page scrolls sideways (${document.documentElement.scrollWidth} > ${width})`);
    }
    for (const value of document.querySelectorAll('.learn-facts dd')) {
        const box = value.getBoundingClientRect();
        if (box.width < narrowest) problems.push(`${path}: a fact ${Math.round(box.width)}px wide: ${value.textContent.trim()}`);
    }
    for (const part of document.querySelectorAll('main progress, main .verdict-title, main .verdict-title *')) {
        const box = part.getBoundingClientRect();
        if (box.right > width + 1 || part.scrollWidth > part.clientWidth + 1) {
            problems.push(`${path}: ${part.outerHTML.slice(0, 80)} does not fit (right ${Math.round(box.right)})`);
        }
    }
    return problems;
}"""


@pytest.mark.parametrize("percent", [150, 200])
def test_pages_with_facts_at_large_text_on_a_phone(open_page, lena, percent):
    page = open_page(viewport=PHONE_360, scale=2, locale="es-ES")
    sign_in(page, "lena.large@example.org")
    _large_text(page, percent)
    assert page.evaluate("getComputedStyle(document.documentElement).fontSize") == f"{16 * percent // 100}px"
    paths = ["/courses/", f"/sessions/{lena['session']}", "/certificates/", "/courses/chw-core", f"/verify/{lena['code']}"]
    problems, seen = [], {}
    for path in paths:
        page.goto(path)
        problems += page.evaluate(_PROBLEMS, [path, NARROWEST_VALUE])
        seen[path] = page.evaluate("[document.querySelectorAll('.learn-facts dd').length,"
                                   " document.querySelectorAll('main progress').length,"
                                   " document.querySelectorAll('.verdict-title').length]")
    assert not problems, "\n".join(problems)
    # the pages show what is measured: facts on the lists and the session, the field bar, the verdict
    assert all(seen[path][0] for path in paths[:3]), seen
    assert seen["/courses/chw-core"][1] and seen[f"/verify/{lena['code']}"][2], seen
