"""Re-check QA, on a 390 by 844 phone: the course page's main button (Continue where you left off, Start the course)
is on the first screen for an enrolled trainee of the demo core course, whose summary is long and who holds a seat in
a live session, before the summary and her sessions list; headings keep their order."""

from __future__ import annotations

from datetime import timedelta
from itertools import pairwise

import pytest

from lms.catalog import services as catalog
from lms.db import utcnow
from lms.enrollment import services as enrollment
from lms.enrollment import visits
from lms.live import registration
from tests.browser.conftest import check_accessibility, sign_in
from tests.browser.helpers import core_course, new_person, schedule

pytestmark = pytest.mark.browser

STARTED = "rosa.recheck@example.org"
FRESH = "nina.recheck@example.org"
PHONE_HEIGHT = 844


@pytest.fixture(scope="module")
def trainees(live_server):
    """Rosa: one lesson of the core course done and a seat next week; Nina: just enrolled."""
    with live_server.data():
        course, _live = core_course()
        rosa = new_person(STARTED, "Rosa Recheck")
        mine = enrollment.enroll(rosa, course)
        outline = catalog.load_outline(course)
        first = outline.lessons[outline.modules[0].id][0]
        visits.complete_lesson(mine, first, utcnow(), timedelta(minutes=20))
        session = schedule(utcnow() + timedelta(days=8), 180)
        registration.register(session, rosa, rosa, utcnow())
        enrollment.enroll(new_person(FRESH, "Nina Recheck"), course)
        return {"session": session.id}


@pytest.mark.parametrize(("email", "button"), [(STARTED, "Continue where you left off"),
                                               (FRESH, "Start the course")])
def test_the_main_button_is_on_the_first_phone_screen(open_page, trainees, email, button):
    page = open_page(phone=True)
    sign_in(page, email)
    page.goto("/courses/chw-core")
    main = page.locator("main").get_by_role("link", name=button, exact=True)
    box = main.bounding_box()
    assert box is not None and box["y"] + box["height"] <= PHONE_HEIGHT, box
    summary = page.locator("main p.lead")
    assert "eleven competency areas" in summary.inner_text()  # the long summary is still there, below the button
    assert summary.bounding_box()["y"] > box["y"]
    if email == STARTED:
        sessions = page.locator("#my-sessions")
        assert sessions.locator(f"a[href='/sessions/{trainees['session']}']").is_visible()
        assert sessions.bounding_box()["y"] > box["y"]
    levels = [int(tag[1]) for tag in page.locator("main :is(h1, h2, h3, h4)").evaluate_all(
        "nodes => nodes.map(n => n.tagName.toLowerCase())")]
    assert levels[0] == 1 and all(b - a <= 1 for a, b in pairwise(levels)), levels
    check_accessibility(page, "course page on a phone")


def test_a_visitor_still_reads_the_summary_before_signing_in(open_page, live_server):
    page = open_page(phone=True)
    page.goto("/courses/chw-core")
    summary = page.locator("main p.lead").bounding_box()
    sign_in_link = page.locator("main").get_by_role("link", name="Sign in to enrol").bounding_box()
    assert summary["y"] < sign_in_link["y"]
