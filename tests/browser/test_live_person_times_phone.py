"""A trainee's attendance page for the trainer, on a 390 by 844 phone (QA pass, Dec 2026): the Times table is a card
per time, each cell labelled, and its "Set aside" button has a row of its own, on screen, without scrolling sideways
(it used to be pushed off the right edge); on a desktop it stays an ordinary table."""

from __future__ import annotations

import pytest

from lms import db
from lms.live.models import AttendanceInterval, IntervalSource
from tests.browser.conftest import DESKTOP, PHONE, sign_in
from tests.browser.helpers import minutes_ago, new_person, schedule, seat

pytestmark = pytest.mark.browser

_MEASURE = """() => {
    const table = document.querySelector('section[aria-labelledby="times-heading"] table');
    const buttons = [...table.querySelectorAll('button[value="remove"]')].map(b => b.getBoundingClientRect());
    const doc = document.documentElement;
    return {right: Math.max(...buttons.map(b => b.right)), left: Math.min(...buttons.map(b => b.left)),
            buttons: buttons.length, width: innerWidth,
            sideways: doc.scrollWidth > doc.clientWidth,
            wrapScrolls: [...document.querySelectorAll('.table-wrap')].some(w => w.scrollWidth > w.clientWidth),
            header: getComputedStyle(table.querySelector('thead')).position};
}"""


@pytest.fixture(scope="module")
def person_page(live_server) -> str:
    """A session of the demo trainer's that started an hour ago; Iris has three times: checked in, from a meeting
    report, and by the Join button (still there)."""
    with live_server.data():
        session = schedule(minutes_ago(60), 180)
        iris = new_person("iris.times@example.org", "Iris Veces")
        seat(session, iris)
        for start, end, source in ((55, 40, IntervalSource.CHECK_IN), (35, 25, IntervalSource.IMPORT),
                                   (20, None, IntervalSource.JOIN_BUTTON)):
            db.session.add(AttendanceInterval(session_id=session.id, user_id=iris.id, source=source,
                                              joined_at=minutes_ago(start),
                                              left_at=None if end is None else minutes_ago(end)))
        db.session.commit()
        return f"/sessions/{session.id}/attendance/{iris.id}"


@pytest.mark.parametrize("screen", ["phone", "desktop"])
def test_set_aside_is_on_screen_without_scrolling_sideways(open_page, person_page, screen):
    viewport = PHONE if screen == "phone" else DESKTOP
    page = open_page(viewport=viewport, phone=screen == "phone")
    sign_in(page, "trainer@example.org")
    page.goto(person_page)
    page.locator("#times-heading").wait_for()
    box = page.evaluate(_MEASURE)
    assert not box["sideways"] and not box["wrapScrolls"], box
    assert box["buttons"] == 3, box
    assert box["left"] >= 0 and box["right"] <= box["width"], box
    assert box["header"] == ("absolute" if screen == "phone" else "static"), box  # cards on a phone only
