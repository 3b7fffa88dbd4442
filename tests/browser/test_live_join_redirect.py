"""In Chromium, with JavaScript off: "Join the online session" reaches a meeting whose link redirects to another origin
(a provider's sign-in page, a short link). The Join POST is answered with the site's "Open the meeting" page, whose
``Refresh`` header moves on to the link; with the old answer, a 303 straight to the meeting link, Chromium applied
CSP ``form-action`` to the redirect chain and blocked the second origin. The page itself, shown without its
``Refresh``, passes axe and its plain link reaches the meeting too."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select

from lms import db
from lms.live.models import AttendanceInterval, IntervalSource, SessionMode
from tests.browser.conftest import check_accessibility, sign_in
from tests.browser.helpers import minutes_ago, new_person, schedule, seat

pytestmark = pytest.mark.browser

ROOM = b"<!doctype html><html lang='en'><title>Meeting room</title><h1>Meeting room</h1></html>"


class _Room(BaseHTTPRequestHandler):
    """The provider's meeting room: any GET."""

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(ROOM)))
        self.end_headers()
        self.wfile.write(ROOM)

    def log_message(self, *args):
        pass


def _serve(handler) -> tuple[ThreadingHTTPServer, str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


@pytest.fixture(scope="module")
def meeting_links() -> Iterator[tuple[str, str]]:
    """(the link a trainer pastes, the room): the first, on one loopback port, redirects to the second, on another
    (another origin), as meet.google.com does to accounts.google.com."""
    room_server, room = _serve(_Room)

    class _ShortLink(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(302)
            self.send_header("Location", f"{room}/room{self.path}")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    link_server, link = _serve(_ShortLink)
    try:
        yield f"{link}/j/7788?pwd=qa", f"{room}/room/j/7788?pwd=qa"
    finally:
        for server in (link_server, room_server):
            server.shutdown()
            server.server_close()


def _without_refresh(route) -> None:
    response = route.fetch()
    route.fulfill(response=response, headers={k: v for k, v in response.headers.items() if k.lower() != "refresh"})


def test_join_reaches_a_meeting_that_redirects_to_another_origin(open_page, live_server, meeting_links):
    link, room = meeting_links
    with live_server.data():
        session = schedule(minutes_ago(5), 180, mode=SessionMode.ONLINE, join_url=link)
        seat(session, new_person("rita.redirect@example.org", "Rita Redirect"))
        session_id = session.id
    page = open_page(phone=True, javascript=False)
    sign_in(page, "rita.redirect@example.org")
    page.goto(f"/sessions/{session_id}")
    with page.expect_navigation(url=room):
        page.get_by_role("button", name="Join the online session").click()
    assert page.locator("h1").inner_text() == "Meeting room"
    page.go_back()  # the "Open the meeting" page replaced itself in the history: Back is the session page
    assert page.url.endswith(f"/sessions/{session_id}")

    shown = open_page()  # the page as it stays when a browser does not follow Refresh
    sign_in(shown, "rita.redirect@example.org")
    shown.route(f"**/sessions/{session_id}/joined", _without_refresh)
    shown.goto(f"/sessions/{session_id}/joined")
    assert shown.locator("h1").inner_text() == "Open the meeting"
    check_accessibility(shown)
    with shown.expect_navigation(url=room):
        shown.get_by_role("link", name="Open the meeting").click()
    assert shown.locator("h1").inner_text() == "Meeting room"

    with live_server.app.app_context():
        sources = db.session.execute(select(AttendanceInterval.source).where(
            AttendanceInterval.session_id == session_id)).scalars().all()
        db.session.remove()
    assert sources == [IntervalSource.JOIN_BUTTON]  # one click, one join; the page records nothing
