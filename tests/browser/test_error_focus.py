"""A refused form takes the reader to what went wrong, in Chromium, with no script of the site's: the page comes back
with focus on its error summary (``autofocus`` on a ``tabindex="-1"`` box), scrolled into view even at the bottom of
a long page, and the tab's title starts with "Error:". The queue, whose form is sent to its summary's fragment, gets
there the same way. The markup side, page by page: tests/test_a11y_error_focus.py."""

from __future__ import annotations

import contextlib

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from lms.db import utcnow
from lms.live import attendance
from lms.orgs import services as orgs
from tests.browser.conftest import check_accessibility, follow, sign_in
from tests.browser.helpers import (
    minutes_ago,
    new_person,
    open_queue,
    pending_external,
    reject_without_reason,
    schedule,
    seat,
    user,
)

pytestmark = pytest.mark.browser

#: Where focus is, and whether that element is on screen.
_FOCUS = """() => {
    const el = document.activeElement;
    const r = el.getBoundingClientRect();
    return {id: el.id, cls: el.className, tag: el.tagName,
            inView: r.top >= 0 && r.top < window.innerHeight && r.bottom > 0};
}"""


def _focus_on_summary(page, summary_id: str = "error-summary") -> None:
    page.wait_for_load_state()
    # Chromium applies autofocus after the page has loaded: on a busy machine, a moment later. Wait for it (the
    # assertion below says where focus is if it never comes).
    with contextlib.suppress(PlaywrightTimeoutError):
        page.wait_for_function("id => document.activeElement && document.activeElement.id === id", arg=summary_id,
                               timeout=5000)
    focus = page.evaluate(_FOCUS)
    assert (focus["id"], focus["cls"]) == (summary_id, "error-summary"), focus
    assert focus["inView"], focus
    assert page.title().startswith("Error: "), page.title()


def test_a_wrong_current_password_brings_focus_to_the_summary(open_page, live_server):
    with live_server.data():
        new_person("focus.password@example.org", "Fay Focus")
    page = open_page(javascript=False)  # no script at all: the browser alone moves focus (axe needs script: below)
    sign_in(page, "focus.password@example.org")
    page.goto("/profile")
    assert not page.title().startswith("Error:")
    form = page.locator("form", has=page.locator("input[name=current_password]"))
    form.locator("input[name=current_password]").fill("not my password at all")
    form.locator("input[name=new_password]").fill("a brand new long password")
    form.locator("input[name=confirm_password]").fill("a brand new long password")
    follow(form.get_by_role("button", name="Change password"))
    _focus_on_summary(page)
    assert "Your current password is not right." in page.locator("#error-summary").inner_text()


def test_recording_an_end_without_a_date_brings_focus_to_the_summary(open_page, live_server):
    with live_server.data():
        person = new_person("focus.end@example.org", "Eli Ending", employee_id="F-END-1")
        membership_id = orgs.get_membership(orgs.get_org("demo"), person).id
    page = open_page(phone=True)  # a long page on a small screen: the form is far below the first screen
    sign_in(page, "employer@example.org")
    page.goto(f"/orgs/demo/members/{membership_id}")
    follow(page.get_by_role("button", name="Record the end of employment"))
    _focus_on_summary(page)
    check_accessibility(page, "staff page, end refused")


def test_a_correction_without_a_reason_brings_focus_to_the_summary(open_page, live_server):
    with live_server.data():
        session = schedule(minutes_ago(300), 180)
        person = new_person("focus.status@example.org", "Sol Status")
        seat(session, person)
        attendance.finalize(session, user("trainer@example.org"), utcnow(), 75)
        path = f"/sessions/{session.id}/attendance/{person.id}"
    page = open_page()
    sign_in(page, "trainer@example.org")
    page.goto(path)
    form = page.locator("form", has=page.get_by_role("button", name="Save status"))
    form.locator("select[name=status-status]").select_option("excused")
    follow(form.get_by_role("button", name="Save status"))
    _focus_on_summary(page)
    reason = page.locator("#status-reason")
    assert reason.get_attribute("aria-invalid") == "true"
    assert "status-reason-error" in reason.get_attribute("aria-describedby")
    page.locator("#error-summary a").click()
    assert page.evaluate("document.activeElement.id") == "status-reason"


def test_the_queue_opens_at_its_summary_with_the_error_title(open_page, live_server):
    person = pending_external(live_server, "focus.queue@example.org", "Quinn Queue", "F-Q-1", count=1,
                              title="First aid", minutes=60, key="focus")
    page = open_queue(open_page, person["id"])
    reject_without_reason(page, "First aid 1 of Quinn Queue")
    _focus_on_summary(page, "queue-problems")
