"""A translator previews a lesson's Spanish Markdown with JavaScript off: the page comes back with the rendered text
under the box, says nothing is saved yet, keeps what was typed, and passes axe. Each box is described by a short hint
(not the whole English lesson), with the English text linked as its details."""

from __future__ import annotations

import pytest

from tests.browser.conftest import check_accessibility, follow, sign_in
from tests.browser.helpers import lesson_to_translate

pytestmark = pytest.mark.browser

URL = "/authoring/preview-journey/translate/es/modules/basics/lessons/first"
BODY = "## Signs\n\nHot, dry skin.\n\nCall 911."
TYPED = "## Señales\n\n- Piel caliente y seca\n- Pulso rápido\n\nLlame al 911."


@pytest.fixture
def lesson(live_server):
    with live_server.data():
        lesson_to_translate("preview-journey", "Previews", BODY)


def test_a_translation_is_previewed_without_javascript_and_not_saved(open_page, lesson):
    page = open_page(javascript=False)
    sign_in(page, "trainer@example.org")
    page.goto(URL)
    box = page.get_by_label("Lesson text (Markdown) · Spanish", exact=True)
    hint = page.locator(f"#{box.get_attribute('aria-describedby')}")
    assert hint.text_content() == "The English text to translate is just before this box."
    assert page.locator(f"#{box.get_attribute('aria-details')}").inner_text().startswith("## Signs")
    box.fill(TYPED)
    follow(page.get_by_role("button", name="Preview"))

    assert page.get_by_role("status").filter(has_text="not saved yet").is_visible()
    preview = page.get_by_role("region", name="Preview (not saved yet)")
    assert preview.get_by_role("heading", name="Señales").is_visible()
    assert preview.get_by_role("listitem").all_inner_texts() == ["Piel caliente y seca", "Pulso rápido"]
    assert page.get_by_label("Lesson text (Markdown) · Spanish", exact=True).input_value() == TYPED

    page.goto(URL)  # nothing was saved
    assert page.get_by_label("Lesson text (Markdown) · Spanish", exact=True).input_value() == ""

    page = open_page()  # axe-core needs JavaScript
    sign_in(page, "trainer@example.org")
    page.goto(URL)
    page.get_by_label("Lesson text (Markdown) · Spanish", exact=True).fill(TYPED)
    follow(page.get_by_role("button", name="Preview"))
    page.get_by_role("region", name="Preview (not saved yet)").wait_for()
    check_accessibility(page, "translation editor with a preview")
