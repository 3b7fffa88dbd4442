"""Focus where a page is sent (tests/test_misc_fix_recheck.py checks the markup): after "Reject selected" without
a reason the queue opens on its error summary, and "Create a replacement" on the tokens page moves the focus to the
new-token form's heading. Both by the address's fragment and a focusable target: no script needed."""

from __future__ import annotations

from datetime import timedelta

import pytest

from lms.accounts import api_tokens
from lms.db import utcnow
from tests.browser.conftest import check_accessibility, follow, sign_in
from tests.browser.helpers import new_person, open_queue, pending_external, reject_without_reason

pytestmark = pytest.mark.browser

FOCUSED = "document.activeElement.id"


def test_a_refused_rejection_puts_the_focus_on_the_error_summary(open_page, live_server):
    person = pending_external(live_server, "misc.focus@example.org", "Fay Focus", "E-4395", count=1,
                              title="Drill", minutes=60, key="misc-fix-focus")
    page = open_queue(open_page, person["id"])
    reject_without_reason(page, "Drill 1 of Fay Focus")
    assert page.evaluate(FOCUSED) == "queue-problems"
    page.keyboard.press("Tab")  # and the keyboard goes on from it: to the link to the box
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#bulk-reason"
    check_accessibility(page, "queue, reason refused, summary focused")


def test_create_a_replacement_puts_the_focus_on_the_new_token_heading(open_page, live_server):
    with live_server.data():
        person = new_person("misc.tokens@example.org", "Tom Tokens")
        token, _raw = api_tokens.create_api_token(person, "nightly sync", expires_in_days=30)
        token.expires_at = utcnow() + timedelta(days=3)
    page = open_page()
    sign_in(page, "misc.tokens@example.org")
    page.goto("/tokens")
    link = page.get_by_role("link", name="Create a replacement for nightly sync", exact=True)
    assert page.get_by_role("button", name="Revoke nightly sync", exact=True).count() == 1
    follow(link)
    assert page.evaluate(FOCUSED) == "new-token"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "name"
    check_accessibility(page, "/tokens?replace, heading focused")
