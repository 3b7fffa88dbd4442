"""The message after an edit makes people with places in a session its trainers: a seat and a waitlist place are
told apart (one message each, singular or plural)."""

from __future__ import annotations

from lms.accounts.models import SiteRole
from lms.live.models import RegistrationStatus
from tests.live_support import live_course, page_text, seat, soon
from tests.test_live_trainer_waitlist import _make_trainer


def test_seats_and_waitlist_places_ended_are_named_apart(client, u, login, trainer, make_user):
    session = soon(live_course(trainer)[1], trainer, 60 * 24, capacity=1)
    teresa = make_user("teresa@example.org", name="Teresa Trainer", role=SiteRole.TRAINER)
    tom = make_user("tom@example.org", name="Tom Trainer", role=SiteRole.TRAINER)
    una = make_user("una@example.org", name="Una Trainer", role=SiteRole.TRAINER)
    seat(session, teresa)
    seat(session, tom, una, status=RegistrationStatus.WAITLISTED)
    login(trainer)
    response = _make_trainer(client, u, session, teresa, tom, una)
    assert response.status_code == 302, page_text(response)[:2000]
    shown = page_text(client.get(response.headers["Location"]))
    assert ("Teresa Trainer now leads this session, so their registration for it was ended: trainers do not register "
            "for their own sessions.") in shown
    assert ("Tom Trainer, Una Trainer now lead this session, so their places on its waitlist were ended: trainers do "
            "not register for their own sessions.") in shown
    assert "Tom Trainer, Una Trainer now lead this session, so their registrations" not in shown
