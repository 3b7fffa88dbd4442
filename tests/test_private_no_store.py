"""Pages and files served to a signed-in person are sent with ``Cache-Control: no-store``, so that Back after signing
out on a shared computer shows nothing of theirs (the browser must fetch the page again, and is sent to sign in).
Public pages keep what they sent before: nothing for an ordinary page, the static files and a certificate's public
revocation list their caching, verification answers their own ``no-store``."""

from __future__ import annotations

import pytest

from lms import db
from lms.accounts import api_tokens
from lms.live import calendar
from tests.certificates_support import issued_world
from tests.conftest import SECRET
from tests.live_support import schedule


@pytest.fixture(params=["standalone", "mounted"])
def app_mode(request) -> str:
    return request.param


@pytest.fixture
def world(make_user, make_org, add_member):
    return issued_world(make_user, make_org, add_member)


def test_a_signed_in_persons_pages_are_not_stored(client, u, login, world):
    pages = [u("lms.main.home"), u("lms.courses.catalog"), u("lms.hours.mine"), u("lms.accounts.profile"),
             u("lms.certificates.mine"), u("lms.sessions.index")]
    for page in pages:  # the same pages say nothing about caching to a visitor: public, unchanged
        response = client.get(page)
        assert response.status_code in (200, 302) and "Cache-Control" not in response.headers, page
    login(world["trainee"])
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store", page
    missing = client.get(u("lms.courses.course", course_slug="no-such-course"))  # error pages too
    assert missing.status_code == 404 and missing.headers["Cache-Control"] == "no-store"


def test_personal_downloads_are_not_stored(client, u, login, world):
    login(world["trainee"])
    pdf = client.get(u("lms.certificates.pdf", code=world["code"]))
    assert pdf.status_code == 200 and pdf.headers["Cache-Control"] == "private, no-store"  # its own, kept


def test_public_answers_keep_their_caching_whoever_asks(client, u, login, world):
    code = world["code"]
    for signed_in in (False, True):
        if signed_in:
            login(world["trainee"])
        static = client.get(u("lms.main.static", filename="lms.css"))
        assert static.status_code == 200 and "max-age=3600" in static.headers["Cache-Control"]
        assert "no-store" not in static.headers["Cache-Control"]
        page = client.get(u("lms.certificates.verify_page", code=code))
        assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
        listed = client.get(u("lms.certificates.verify_page", code=code), headers={"Accept": "application/json"})
        assert listed.status_code == 200 and listed.headers["Cache-Control"] == "public, max-age=60"


def test_a_personal_calendar_is_not_stored_but_a_public_one_is_kept_a_while(client, u, login, module, trainer,
                                                                           make_user):
    session, = schedule(module, trainer)
    public = client.get(u("lms.sessions.ics", session_id=session.id))
    assert public.status_code == 200 and public.headers["Cache-Control"] == "public, max-age=300"
    person = make_user("lena@example.org", name="Lena Learner")
    feed = client.get(u("lms.sessions.feed", token=calendar.feed_token(person, SECRET)))  # no cookie: a calendar app
    assert feed.status_code == 200 and feed.headers["Cache-Control"] == "private, no-store"
    login(person)
    mine = client.get(u("lms.sessions.ics", session_id=session.id))
    assert mine.status_code == 200 and mine.headers["Cache-Control"] == "private, no-store"


def test_api_answers_to_a_token_are_not_stored(client, u, world):
    raw = api_tokens.create_api_token(world["trainee"], "script")[1]
    db.session.commit()
    me = client.get(u("lms.api.me"), headers={"Authorization": f"Bearer {raw}"})
    assert me.status_code == 200 and me.headers["Cache-Control"] == "no-store"
    # public, asked without a token: its own caching (docs/api.md, "The document itself"), never a person's no-store
    assert client.get(u("lms.api.openapi")).headers["Cache-Control"] == "no-cache"
