"""A translator opens a stale lesson translation with JavaScript off and sees what changed in the English source:
the changed words marked (struck through or underlined, with words a screen reader speaks), and the page passes axe."""

from __future__ import annotations

import pytest

from lms.catalog import services as catalog
from lms.catalog.texts import set_text
from tests.browser.conftest import DESKTOP, check_accessibility, sign_in
from tests.browser.helpers import user

pytestmark = pytest.mark.browser

URL = "/authoring/source-change-journey/translate/es/modules/basics/lessons/first"


@pytest.fixture
def stale_lesson(live_server):
    with live_server.data():
        trainer = user("trainer@example.org")
        course = catalog.create_course(catalog.CourseData(slug="source-change-journey", title="Changes"), trainer)
        module = catalog.add_module(course, catalog.ModuleData(slug="basics", title="Basics"), trainer)
        body = "## Signs\n\nHot, dry skin.\n\nA fast pulse.\n\nConfusion.\n\nNausea.\n\nCall 911."
        lesson = catalog.add_lesson(course, module, "first", "Heat stroke", body, 10, trainer)
        set_text(course, lesson, "title", "es", "Golpe de calor", trainer)
        set_text(course, lesson, "body", "es", "## Señales\n\nPiel caliente y seca.", trainer)
        catalog.update_lesson(course, lesson, "Heat stroke signs",
                              body.replace("dry skin", "dry or damp skin").replace("Confusion.\n\n", ""), 10, trainer)


def test_a_stale_translation_shows_what_changed_without_javascript(browser, live_server, request, open_page,
                                                                   stale_lesson):
    context = browser.new_context(base_url=live_server.url, locale="en-US", viewport=DESKTOP, java_script_enabled=False,
                                  timezone_id="America/Los_Angeles")
    page = request.node._lms_page = context.new_page()
    try:
        sign_in(page, "trainer@example.org")
        page.goto(URL)
        body = page.locator("details.source-change").nth(1)
        assert body.locator("summary").inner_text() == (
            "Lesson text (Markdown): what changed in the English text since it was translated")
        assert body.locator(".diff-lines").is_visible()  # open without a click
        added = body.locator(".diff-changed ins").first
        assert added.text_content() == "added: or damp end added "
        assert added.evaluate("e => getComputedStyle(e).textDecorationLine") == "underline"
        removed = body.locator(".diff-removed del", has_text="Confusion")
        assert removed.text_content() == "Confusion."  # the line's label says it was removed
        assert removed.evaluate("e => getComputedStyle(e).textDecorationLine") == "line-through"
        assert body.locator(".diff-removed .diff-sign").first.inner_text() == "−"
        assert body.locator(".diff-removed .visually-hidden").first.text_content() == "Removed line: "
    finally:
        context.close()

    page = open_page()
    sign_in(page, "trainer@example.org")
    page.goto(URL)
    page.locator("details.source-change").first.wait_for()
    check_accessibility(page, "stale translation with its source changes")
