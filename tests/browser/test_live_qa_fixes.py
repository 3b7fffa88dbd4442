"""A trainer's QA pass on a phone, in Chromium: "Join the online session" lands the trainee in the meeting (through
the site's "Open the meeting" page: the site's CSP ``form-action 'self'`` holds, as Chromium applies it to redirects
answering a form; a link redirecting to another origin: tests/browser/test_live_join_redirect.py), and the roster
is usable on a 390-pixel phone (each person a card: the status control fully on screen, nothing scrolling sideways)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select

from lms import db
from lms.live import checkin
from lms.live.models import AttendanceInterval, IntervalSource, SessionMode
from tests.browser.conftest import check_accessibility, sign_in
from tests.browser.helpers import minutes_ago, new_person, schedule, seat, user

pytestmark = pytest.mark.browser


class _Meeting(BaseHTTPRequestHandler):
    """Stands in for the meeting provider: any GET is the meeting room."""

    def do_GET(self):
        body = b"<!doctype html><html lang='en'><title>Meeting room</title><h1>Meeting room</h1></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):  # keep the test output quiet
        pass


@pytest.fixture(scope="module")
def meeting() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Meeting)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


def test_join_lands_the_trainee_in_the_meeting_and_records_the_time(open_page, live_server, meeting):
    room = f"{meeting}/j/4455?pwd=qa"
    with live_server.data():
        session = schedule(minutes_ago(5), 180, mode=SessionMode.ONLINE, join_url=room)
        seat(session, new_person("jo.join@example.org", "Jo Join"))
        session_id = session.id
    page = open_page(phone=True)
    sign_in(page, "jo.join@example.org")
    page.goto(f"/sessions/{session_id}")
    with page.expect_navigation(url=room):
        page.get_by_role("button", name="Join the online session").click()
    assert page.locator("h1").inner_text() == "Meeting room"
    with live_server.app.app_context():
        sources = db.session.execute(select(AttendanceInterval.source).where(
            AttendanceInterval.session_id == session_id)).scalars().all()
        db.session.remove()
    assert sources == [IntervalSource.JOIN_BUTTON]


_FIT = """() => {
    const width = document.documentElement.clientWidth;
    const wrap = document.querySelector('.table-wrap');
    const controls = [...document.querySelectorAll('table.roster select')].map(s => s.getBoundingClientRect())
        .map(r => ({left: r.left, right: r.right, width: r.width}));
    return {width, controls, pageSideways: document.documentElement.scrollWidth > width,
            tableSideways: wrap.scrollWidth > wrap.clientWidth};
}"""


def test_the_roster_fits_a_phone(open_page, live_server):
    with live_server.data():
        session = schedule(minutes_ago(20), 180)
        people = [new_person(f"roster.phone{n}@example.org", name) for n, name in enumerate(
            ("Guadalupe Hernández-Villaseñor", "Bartholomew Montgomery-Fitzgerald", "Ana Li"))]
        for person in people:
            seat(session, person)
        checkin.new_code(session, user("trainer@example.org"))
        checkin.check_in(session, people[0], minutes_ago(10), timedelta(minutes=15))
        session_id = session.id
    page = open_page(phone=True)
    sign_in(page, "trainer@example.org")
    page.goto(f"/sessions/{session_id}/attendance")
    box = page.evaluate(_FIT)
    assert len(box["controls"]) == 3, box
    assert not box["pageSideways"] and not box["tableSideways"], box
    for control in box["controls"]:
        assert control["left"] >= 0 and control["right"] <= box["width"] and control["width"] >= 44, box
    check_accessibility(page, "roster on a phone")
    status = page.get_by_label("Status of Ana Li")
    status.select_option("present")
    assert status.input_value() == "present"
