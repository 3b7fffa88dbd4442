"""An error flash takes focus like an error summary, in Chromium with no script of the site's: a trainee who opens a
lesson of a course she has not enrolled in lands on the course page, focus on the flash box (role="alert"), the tab's
title starting with "Error:", and the page passes axe. The markup side: tests/test_a11y_flash_errors.py."""

from __future__ import annotations

import pytest

from tests.browser.conftest import check_accessibility, sign_in
from tests.browser.helpers import new_person

pytestmark = pytest.mark.browser

_FOCUS = "() => ({id: document.activeElement.id, role: document.activeElement.getAttribute('role')})"


def test_an_error_flash_takes_focus_and_passes_axe(open_page, live_server):
    with live_server.data():
        new_person("flash.alert@example.org", "Flo Flash")
    page = open_page()
    sign_in(page, "flash.alert@example.org")
    page.goto("/courses/chw-core/communication/active-listening")
    page.wait_for_load_state()
    assert page.url.endswith("/courses/chw-core"), page.url
    assert page.evaluate(_FOCUS) == {"id": "flash-errors", "role": "alert"}
    assert page.title().startswith("Error: "), page.title()
    check_accessibility(page, "course page with an error flash")
