"""The Join button answers with a page of the site's own ("Open the meeting"), not a redirect to the meeting: a meeting
link that redirects on to another origin (a provider's sign-in page, a short link) would break CSP ``form-action
'self'``, which Chromium applies to every redirect answering a form. The join is recorded once per click, by the POST
only; the page opens the meeting with a ``Refresh`` header and a plain link (no script). The browser side:
tests/browser/test_live_join_redirect.py."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select

from lms import db
from lms.db import utcnow
from lms.live.models import AttendanceInterval, IntervalSource, RegistrationStatus
from lms.live.times import clock_text
from tests.live_support import LA, ONLINE, page_text, seat, seat_and_join, soon

ROOM = "https://meet.example.org/j/4455?pwd=a;b"


def _intervals() -> list[AttendanceInterval]:
    return list(db.session.execute(select(AttendanceInterval).order_by(AttendanceInterval.id)).scalars())


def _online(module, trainer, minutes_ahead: int = -5, join_url: str = ROOM):
    return soon(module, trainer, minutes_ahead, **{**ONLINE, "join_url": join_url})


def test_join_records_once_then_a_page_of_the_site_opens_the_meeting(client, u, login, module, trainer, make_user):
    session = _online(module, trainer)
    ana = make_user("ana@example.org", name="Ana Ruiz", timezone=LA)
    seat(session, ana)
    login(ana)
    detail = client.get(u("lms.sessions.detail", session_id=session.id))
    assert "form-action 'self';" in detail.headers["Content-Security-Policy"]  # nothing widened any more

    joined = client.submit(u("lms.sessions.join", session_id=session.id))
    assert joined.status_code == 303 and joined.headers["Location"].endswith(u("lms.sessions.joined", session_id=session.id))
    (interval,) = _intervals()
    assert interval.source is IntervalSource.JOIN_BUTTON and interval.user_id == ana.id and interval.left_at is None

    page = client.get(joined.headers["Location"])
    assert page.status_code == 200
    assert page.headers["Refresh"] == f"0; url={ROOM}"
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert "form-action 'self';" in page.headers["Content-Security-Policy"]
    text = page_text(page)
    link = re.search(r'<a class="button" href="([^"]+)"([^>]*)>Open the meeting</a>', text)
    assert link and link.group(1) == ROOM and link.group(2) == ' rel="noopener noreferrer"'  # no target
    assert "<h1>Open the meeting</h1>" in text and "Role-play practice" in text  # the meeting's name
    when = re.search(r'<p class="live-when">([^<]+)</p>', page_text(detail)).group(1)
    assert f"Role-play practice</a> · {when}</p>" in text  # and its time, as the session page gives it
    assert f"Your attendance time is recorded from {clock_text(interval.joined_at, LA, 'en')}." in text

    assert client.get(joined.headers["Location"]).status_code == 200  # a reload records nothing
    assert client.submit(u("lms.sessions.join", session_id=session.id)).status_code == 303  # a rejoin: no new interval
    assert [i.id for i in _intervals()] == [interval.id]


def test_the_page_records_nothing_and_opens_nothing_for_someone_who_did_not_join(client, u, login, module, trainer,
                                                                                  make_user):
    session = _online(module, trainer)
    ana, ben = make_user("ana@example.org"), make_user("ben@example.org")
    seat(session, ana)
    seat(session, ben, status=RegistrationStatus.WAITLISTED)
    path = u("lms.sessions.joined", session_id=session.id)

    login(ana)  # a seat, not joined (a typed or remembered address): back to the Join button
    response = client.get(path)
    assert response.status_code == 302 and response.headers["Location"].endswith(
        u("lms.sessions.detail", session_id=session.id))
    assert "Refresh" not in response.headers and _intervals() == []

    login(ben)  # no seat: refused as the Join button refuses him, and no link
    response = client.get(path)
    assert response.status_code == 400 and "meet.example.org" not in page_text(response)
    assert "Refresh" not in response.headers


def test_outside_the_window_the_page_leads_back_to_the_session_page(client, u, login, module, trainer, make_user):
    session = _online(module, trainer, minutes_ahead=240)
    ana = make_user("ana@example.org")
    seat(session, ana)
    login(ana)
    response = client.get(u("lms.sessions.joined", session_id=session.id))
    assert response.status_code == 302 and "Refresh" not in response.headers
    assert "The online session is not open yet." in page_text(client.get(response.headers["Location"]))
    assert client.get(u("lms.sessions.joined", session_id=2**31 + 5)).status_code == 404


def test_a_link_with_other_characters_is_sent_as_ascii(client, u, login, module, trainer, make_user):
    session = _online(module, trainer, join_url="https://réunion.example.org/salle?nom=José")
    page = seat_and_join(client, u, login, session, make_user("ana@example.org"))
    assert page.status_code == 200
    assert page.headers["Refresh"] == "0; url=https://xn--runion-bva.example.org/salle?nom=Jos%C3%A9"


def test_a_link_that_is_no_valid_address_keeps_the_page_without_refresh(client, u, login, module, trainer, make_user):
    session = _online(module, trainer)
    session.join_url = "https://meet.example.org:99999/room"  # past the scheduling form's checks (older data)
    db.session.commit()
    page = seat_and_join(client, u, login, session, make_user("ana@example.org"))
    assert page.status_code == 200 and "Refresh" not in page.headers
    assert 'href="https://meet.example.org:99999/room"' in page_text(page)


def test_a_trainer_of_the_session_with_a_seat_gets_the_page_and_records_nothing(client, u, login, module, trainer):
    session = _online(module, trainer)
    page = seat_and_join(client, u, login, session, trainer)  # a place kept from before they led it
    assert page.status_code == 200 and page.headers["Refresh"] == f"0; url={ROOM}"
    assert "recorded from" not in page_text(page)
    assert db.session.execute(select(func.count(AttendanceInterval.id))).scalar_one() == 0


def test_the_api_join_is_unchanged(client, u, login, module, trainer, make_user):
    session = _online(module, trainer, minutes_ahead=-(60 * 2 + 10))  # ended 10 minutes ago: still in the window
    ana = make_user("ana@example.org")
    seat(session, ana)
    login(ana)
    response = client.post(u("lms.api.join_session", session_id=session.id), headers={"X-CSRFToken": client.csrf_token()})
    assert response.status_code == 200 and response.get_json() == {"join_url": ROOM}
    assert "Refresh" not in response.headers and len(_intervals()) == 1
    assert utcnow() - _intervals()[0].joined_at < timedelta(minutes=5)
