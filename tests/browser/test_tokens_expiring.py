"""The API tokens page with a token about to expire and an expired one: marked in words (not colour alone), no
serious axe-core violation, and the "Create a replacement" link (a plain link: no script needed) reached and followed
with the keyboard to a form filled with the old token's name."""

from __future__ import annotations

from datetime import timedelta

from lms.accounts import api_tokens
from lms.db import utcnow
from tests.browser.conftest import check_accessibility, sign_in
from tests.browser.helpers import new_person


def test_expiring_tokens_are_marked_and_replaced_with_the_keyboard(open_page, live_server):
    with live_server.data():
        person = new_person("token.owner@example.org", "Tess Token")
        for name, days in (("payroll import", 5), ("old report", -2)):
            token, _raw = api_tokens.create_api_token(person, name, expires_in_days=30)
            token.expires_at = utcnow() + timedelta(days=days)
    page = open_page()
    sign_in(page, "token.owner@example.org")
    page.goto("/tokens")
    assert page.locator("#tokens-expiring").is_visible()
    soon = page.locator("tr", has_text="payroll import")
    assert soon.locator(".token-expiring").inner_text().strip().endswith("Expires soon")
    assert page.locator("tr", has_text="old report").locator(".token-expired").inner_text() == "Expired"
    check_accessibility(page, "/tokens with expiring tokens")

    link = soon.get_by_role("link", name="Create a replacement")
    link.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("#new-token")
    assert page.get_by_label("Token name").input_value() == "payroll import"
    check_accessibility(page, "/tokens?replace")
