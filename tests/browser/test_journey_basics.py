"""A newcomer's first minutes, in a real browser: sign up, create the account from the emailed link, sign in, switch to
Spanish, edit the profile, sign out."""

from __future__ import annotations

import re
import time

from tests.browser.conftest import check_accessibility, follow, menu, new_page
from tests.conftest import body_of


def test_sign_up_switch_to_spanish_edit_profile_sign_out(browser, live_server, request, mailbox):
    page = new_page(browser, live_server, phone=True)
    request.node._lms_page = page
    page.goto("/")
    check_accessibility(page, "home")
    follow(page.get_by_role("link", name="Create an account").first)
    check_accessibility(page, "sign-up")
    page.fill("input[name=name]", "Lucía Ramos")
    page.fill("input[name=email]", "lucia.browser@example.org")
    page.fill("input[name=password]", "una clave larga")
    page.fill("input[name=confirm]", "una clave larga")
    page.check("input[name=agree]")
    follow(page.get_by_role("button", name="Create my account"))
    assert page.get_by_role("heading", name="Check your email").is_visible()  # no account until the link is opened
    check_accessibility(page, "sign-up sent")
    deadline = time.monotonic() + 30  # the email leaves after the page has been sent (lms/notify/after_response.py)
    while not [m for m in mailbox if m["To"] == "lucia.browser@example.org"] and time.monotonic() < deadline:
        time.sleep(0.05)
    (message,) = [m for m in mailbox if m["To"] == "lucia.browser@example.org"]
    link = re.search(r"https?://\S+/signup/confirm/\S+", body_of(message)).group(0)
    page.goto(link)
    check_accessibility(page, "confirm address")
    page.fill("input[name=password]", "una clave larga")  # the password chosen at sign-up
    follow(page.get_by_role("button", name="Yes, create my account"))  # signs her in: she showed address and password
    assert "You are signed in." in page.content() and "Lucía Ramos" in page.content()
    assert menu(page).get_by_role("button", name="Sign out").count() == 1
    follow(page.get_by_role("button", name="Español"))
    assert page.locator("html").get_attribute("lang") == "es"
    check_accessibility(page, "dashboard (es)")
    follow(menu(page).get_by_role("link", name="Perfil"))
    check_accessibility(page, "profile (es)")
    page.fill("input[name=name]", "Lucía Ramos Soto")
    page.select_option("select[name=timezone]", "America/Chicago")
    follow(page.get_by_role("button", name="Guardar").first)
    assert page.locator("input[name=name]").input_value() == "Lucía Ramos Soto"
    follow(menu(page).get_by_role("button", name="Cerrar sesión"))
    assert menu(page).get_by_role("link", name="Iniciar sesión").first.is_visible()
    page.context.close()


def test_keyboard_only_sign_in(browser, live_server, request):
    page = new_page(browser, live_server)
    request.node._lms_page = page
    page.goto("/login")
    page.keyboard.press("Tab")  # the skip link comes first
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#main"
    page.focus("input[name=email]")
    page.keyboard.type("trainee@example.org")
    page.keyboard.press("Tab")
    page.keyboard.type("demo password 2026")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Tom Trainee" in page.content()
    page.context.close()
