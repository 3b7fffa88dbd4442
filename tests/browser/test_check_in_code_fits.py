"""The check-in code screen, shown on a projector or a laptop in the room: its six characters stay on one line at
every common screen size (they used to wrap as "GV3 TD" / "Y" on 1366- and 1920-pixel screens), and on a 1366 by 768
laptop, as on a 1920 by 1080 screen, the code and the QR code fit without scrolling."""

from __future__ import annotations

import pytest

from lms.live import checkin
from tests.browser.conftest import sign_in
from tests.browser.helpers import minutes_ago, schedule, user

pytestmark = pytest.mark.browser

#: Where the code's text lies, line by line (text rectangles whose tops differ by more than 2 px are other lines),
#: and where the code, the black screen around it and the QR code end.
_MEASURE = """() => {
    const code = document.querySelector('.checkin-code');
    const rects = [];
    const walker = document.createTreeWalker(code, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if (!node.textContent.trim()) continue;
        const range = document.createRange();
        range.selectNodeContents(node);
        rects.push(...[...range.getClientRects()].filter(r => r.width > 0));
    }
    const tops = [];
    for (const r of rects) if (!tops.some(t => Math.abs(t - r.top) <= 2)) tops.push(r.top);
    const screen = document.querySelector('.checkin-screen').getBoundingClientRect();
    const qr = document.querySelector('.checkin-qr').getBoundingClientRect();
    return {
        text: code.textContent, lines: tops.length, fontSize: parseFloat(getComputedStyle(code).fontSize),
        left: Math.min(...rects.map(r => r.left)), right: Math.max(...rects.map(r => r.right)),
        screenLeft: screen.left, screenRight: screen.right,
        codeBottom: code.getBoundingClientRect().bottom, qrBottom: qr.bottom, qrWidth: qr.width,
        height: innerHeight, sideways: document.documentElement.scrollWidth > document.documentElement.clientWidth,
    };
}"""

SCREENS = {
    "laptop 1366x768": ({"width": 1366, "height": 768}, True),
    "full HD 1920x1080": ({"width": 1920, "height": 1080}, True),
    "phone 390x844": ({"width": 390, "height": 844}, False),
}


@pytest.fixture(scope="module")
def code_session(live_server) -> int:
    """A session of the demo trainer's that started five minutes ago, with a check-in code on its screen."""
    with live_server.data():
        session = schedule(minutes_ago(5), 180)  # as long as the module credits
        checkin.new_code(session, user("trainer@example.org"))
        return session.id


@pytest.mark.parametrize("screen", SCREENS, ids=list(SCREENS))
def test_the_code_stays_on_one_line_and_fits_with_its_qr_code(open_page, code_session, screen):
    viewport, whole = SCREENS[screen]
    page = open_page(viewport=viewport, phone=viewport["width"] < 500)
    sign_in(page, "trainer@example.org")
    page.goto(f"/sessions/{code_session}/check-in-code")
    page.locator(".checkin-qr").wait_for()
    page.evaluate("document.fonts.ready")
    box = page.evaluate(_MEASURE)

    assert box["lines"] == 1, box
    assert box["screenLeft"] <= box["left"] and box["right"] <= box["screenRight"], box  # inside the black screen
    assert not box["sideways"], box
    assert box["fontSize"] >= (96 if whole else 48), box  # still read from the back of the room
    if whole:  # nothing to scroll on a laptop or a projector: the code and the whole QR code are on screen
        assert box["codeBottom"] <= box["height"] and box["qrBottom"] <= box["height"], box
        assert box["qrWidth"] >= 160, box  # a phone camera still reads it from a few metres
