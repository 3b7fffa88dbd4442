"""A session page's seat and waitlist counts for trainers use plural forms ("0 of 1 seat taken", "Nobody is on the
waitlist"), and cancelling a registration reminds the trainee that a calendar copy saved from the .ics file stays
until they delete it, while the calendar feed drops the session by itself."""

from __future__ import annotations

import re
from datetime import time
from html import unescape

from lms.live.models import RegistrationStatus
from tests.live_support import schedule, seat


def _text(response) -> str:
    return unescape(re.sub(r"\s+", " ", response.get_data(as_text=True)))


def _trainer_counts(client, u, session) -> str:
    page = _text(client.get(u("lms.sessions.detail", session_id=session.id)))
    return page.split('id="trainer-heading"')[1].split("</p>")[0]


def test_seat_counts_have_plural_forms(client, u, login, module, trainer, make_user):
    (one_seat,) = schedule(module, trainer, capacity=1)
    (bigger,) = schedule(module, trainer, capacity=3, at=time(9, 0))
    login(trainer)
    counts = _trainer_counts(client, u, one_seat)
    assert "0 of 1 seat taken." in counts and "Nobody is on the waitlist." in counts and "seats" not in counts
    seat(one_seat, make_user())
    seat(one_seat, make_user(), status=RegistrationStatus.WAITLISTED)
    counts = _trainer_counts(client, u, one_seat)
    assert "1 of 1 seat taken." in counts and "1 person is on the waitlist." in counts
    seat(bigger, make_user(), make_user(), make_user())
    seat(bigger, make_user(), make_user(), status=RegistrationStatus.WAITLISTED)
    counts = _trainer_counts(client, u, bigger)
    assert "3 of 3 seats taken." in counts and "2 people are on the waitlist." in counts


def test_cancelling_reminds_to_delete_a_saved_calendar_copy(client, u, login, module, trainer, make_user):
    (session,) = schedule(module, trainer, capacity=1)
    ana, ben = make_user(), make_user()
    seat(session, ana)
    seat(session, ben, status=RegistrationStatus.WAITLISTED)
    saved = "If you added this session to your calendar with “Add to my calendar (.ics)”, delete it there yourself"
    feed = "If your calendar subscribes to your calendar feed, the session leaves it the next time"
    login(ana)
    page = _text(client.get(u("lms.sessions.unregister", session_id=session.id)))
    assert saved in page and feed in page
    login(ben)  # the feed lists seats only: nothing to say about it to someone waiting
    page = _text(client.get(u("lms.sessions.unregister", session_id=session.id)))
    assert saved in page and feed not in page
