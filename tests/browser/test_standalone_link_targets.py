"""On a phone, a link standing alone in its paragraph is a target of at least 24 by 24 CSS pixels' height (WCAG 2.2,
2.5.8): "Forgot your password?" on the sign-in page and "Add to my calendar (.ics)" on a session's page were 22 px
tall. A link inside a sentence keeps its place in the line (its paragraph is no taller)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from lms.db import utcnow
from tests.browser.helpers import schedule

pytestmark = pytest.mark.browser

MIN_TARGET = 24
_BOX = """(name) => {
    const link = [...document.querySelectorAll('main a')].find(a => a.textContent.trim() === name);
    const box = link.getBoundingClientRect();
    return {height: box.height, width: box.width};
}"""


@pytest.fixture(scope="module")
def session_id(live_server):
    with live_server.data():
        session = schedule(utcnow() + timedelta(days=9), 180)
        found = session.id
    return found


def test_standalone_links_are_24_pixels_tall_on_a_phone(open_page, session_id):
    page = open_page(phone=True)
    assert page.goto("/login").status == 200
    forgot = page.evaluate(_BOX, "Forgot your password?")
    assert forgot["height"] >= MIN_TARGET, forgot
    assert page.goto(f"/sessions/{session_id}").status == 200
    ics = page.evaluate(_BOX, "Add to my calendar (.ics)")
    assert ics["height"] >= MIN_TARGET, ics


def test_a_link_in_a_sentence_does_not_make_its_paragraph_taller(open_page):
    page = open_page(phone=True)
    page.goto("/login")
    heights = page.evaluate("""() => {
        const p = document.createElement('p');
        p.textContent = 'One line of text';
        document.querySelector('main').append(p);
        const plain = p.getBoundingClientRect().height;
        p.innerHTML = 'One line with <a href="#">a link</a> in it';
        return [plain, p.getBoundingClientRect().height];
    }""")
    assert heights[0] == heights[1], heights
