"""A translator opens a stale lesson translation with JavaScript off and sees what changed in the English source:
the changed words marked (struck through or underlined, with words a screen reader speaks), and the page passes axe."""

from __future__ import annotations

import pytest

from lms.catalog import lesson_authoring
from tests.browser.conftest import check_accessibility, sign_in
from tests.browser.helpers import lesson_to_translate, user

pytestmark = pytest.mark.browser

URL = "/authoring/source-change-journey/translate/es/modules/basics/lessons/first"


@pytest.fixture
def stale_lesson(live_server):
    with live_server.data():
        body = "## Signs\n\nHot, dry skin.\n\nA fast pulse.\n\nConfusion.\n\nNausea.\n\nCall 911."
        course, lesson = lesson_to_translate("source-change-journey", "Changes", body,
                                             spanish_body="## Señales\n\nPiel caliente y seca.")
        lesson_authoring.update_lesson(course, lesson, "Heat stroke signs",
                              body.replace("dry skin", "dry or damp skin").replace("Confusion.\n\n", ""), 10,
                              user("trainer@example.org"))


def test_a_stale_translation_shows_what_changed_without_javascript(open_page, stale_lesson):
    page = open_page(javascript=False)
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

    page = open_page()
    sign_in(page, "trainer@example.org")
    page.goto(URL)
    page.locator("details.source-change").first.wait_for()
    check_accessibility(page, "stale translation with its source changes")
