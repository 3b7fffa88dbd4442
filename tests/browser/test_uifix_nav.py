"""The header on a 360-pixel phone and at 200% zoom on it (180 CSS pixels): the menu folds behind a "Menu" button
(a <details>, no JavaScript) instead of filling the first screen; opened by keyboard, it lists every link, each a
44-pixel touch target, the page shown marked; on a desktop it shows open without the button. Breadcrumbs and the
footer's link are at least 24 pixels tall, headings break with a hyphen, and nothing scrolls sideways."""

from __future__ import annotations

import pytest

from lms.catalog import services as catalog
from lms.enrollment import services as enrollment
from tests.browser.conftest import sign_in
from tests.browser.helpers import es, new_person

pytestmark = pytest.mark.browser

PHONE_360 = {"width": 360, "height": 740}
ZOOMED_180 = {"width": 180, "height": 370}  # the same phone at 200%
NAV_TARGET = 44
MIN_TARGET = 24

_HEADER = """() => {
    const header = document.querySelector('.site-header').getBoundingClientRect();
    const visible = el => el.checkVisibility();  // a closed <details> still lays out what it hides
    const size = el => { const box = el.getBoundingClientRect(); return {text: el.textContent.trim(), height: box.height}; };
    return {
        header: header.height,
        sideways: document.documentElement.scrollWidth > document.documentElement.clientWidth,
        navLinks: [...document.querySelectorAll('.nav a, .nav button')].filter(visible).map(size),
        summary: visible(document.querySelector('.nav-menu > summary')),
        crumbs: [...document.querySelectorAll('.learn-crumbs a')].filter(visible).map(size),
        footer: [...document.querySelectorAll('.site-footer a')].map(size),
    };
}"""


@pytest.fixture(scope="module")
def rosa(live_server):
    """Rosa reads in Spanish and is enrolled in the core course (its lessons show breadcrumbs)."""
    with live_server.data():
        person = new_person("rosa.menu@example.org", "Rosa Menú", locale="es")
        enrollment.enroll(person, catalog.get_course("chw-core"))
    return "rosa.menu@example.org"


@pytest.mark.parametrize("viewport", [PHONE_360, ZOOMED_180], ids=["360px", "180px"])
def test_menu_folds_on_a_narrow_screen_and_opens_by_keyboard(open_page, rosa, viewport):
    page = open_page(viewport=viewport, scale=4 if viewport is ZOOMED_180 else 2, locale="es-US")
    sign_in(page, rosa)
    page.goto("/hours/")
    found = page.evaluate(_HEADER)
    assert found["summary"] and found["navLinks"] == [], "folded behind Menu"
    # three short rows at most (the name, the languages, Menu): the menu's links took two thirds of the first screen
    share = 0.2 if viewport is PHONE_360 else 0.45
    assert found["header"] < viewport["height"] * share, f"the header takes {found['header']}px of {viewport['height']}"
    assert not found["sideways"]
    menu = page.locator(".nav-menu > summary")
    assert menu.inner_text().strip() in ("Menu", "Menú")  # Menú once the Spanish catalog has it
    menu.focus()
    page.keyboard.press("Enter")
    found = page.evaluate(_HEADER)
    names = [link["text"] for link in found["navLinks"]]
    assert es("My hours") in names and es("Sign out") in names, names
    assert [link for link in found["navLinks"] if link["height"] < NAV_TARGET] == []
    assert not found["sideways"]
    current = page.locator(".nav [aria-current=page]")
    assert current.count() == 1 and current.inner_text() == es("My hours")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('.nav') !== null"), "Tab goes into the opened menu"


def test_desktop_shows_the_menu_open_without_the_button(open_page, rosa):
    page = open_page()
    sign_in(page, rosa)
    page.goto("/hours/")
    found = page.evaluate(_HEADER)
    assert not found["summary"]
    assert len(found["navLinks"]) >= 5 and [link for link in found["navLinks"] if link["height"] < NAV_TARGET] == []
    assert page.get_by_role("navigation", name="Principal").get_by_role("link", name=es("Profile")).is_visible()


def test_targets_and_hyphenated_headings_at_180px(open_page, rosa):
    page = open_page(viewport=ZOOMED_180, scale=4, locale="es-US")
    sign_in(page, rosa)
    page.goto("/courses/chw-core/communication/active-listening")
    found = page.evaluate(_HEADER)
    assert found["crumbs"] and [c for c in found["crumbs"] if c["height"] < MIN_TARGET] == []
    assert [f for f in found["footer"] if f["height"] < MIN_TARGET] == []
    assert not found["sideways"]
    styles = page.evaluate("""() => [...document.querySelectorAll('h1, main h2')].map(h => getComputedStyle(h).hyphens)""")
    assert styles and set(styles) == {"auto"}
