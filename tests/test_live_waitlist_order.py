"""Nobody jumps the waitlist: a seat free while people wait (freed without a promotion, as migration 0016 freed the
seats of trainers) goes to the waitlist first, oldest first, with the same audit row and email as any promotion, and
the newcomer takes a seat only if one is left, else the end of the waitlist. Through the service, the page, a
manager's staff page and the API; a failed email undoes nothing; simultaneous newcomers promote the waitlist once."""

from __future__ import annotations

import os
import socket

import pytest
from sqlalchemy import select

from lms import db
from lms.accounts.models import User
from lms.audit import AuditEvent
from lms.db import utcnow
from lms.live import registration
from lms.live.models import LiveSession, RegistrationStatus
from tests.api_support import bearer
from tests.concurrency import all_at_once
from tests.conftest import body_of
from tests.live_support import register_in_turn, registration_counts, schedule

ON_POSTGRES = os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql")
PROMOTED = "A seat is yours: Role-play practice"


@pytest.fixture
def crowd(make_user):
    return {name: make_user(f"{name}@example.org", name=name.title()) for name in ("ana", "ben", "wendy", "walt")}


@pytest.fixture
def session(module, trainer, crowd):
    """Two seats, held by Ana and Ben; Wendy, then Walt, on the waitlist; then Ben's seat ends without anyone being
    promoted (as migration 0016 left the seats of trainers): one seat is free while two people wait."""
    (live,) = schedule(module, trainer, capacity=2)
    register_in_turn(live, *(crowd[name] for name in ("ana", "ben", "wendy", "walt")))
    ben = registration.get_registration(live, crowd["ben"])
    ben.status, ben.cancelled_at = RegistrationStatus.CANCELLED, utcnow()
    db.session.commit()
    return live


def status_of(live, user) -> RegistrationStatus:
    db.session.expire_all()
    return registration.get_registration(live, user).status


def promotions(live) -> list[int]:
    """The people the ``registration.promoted`` audit rows of ``live`` name, oldest row first."""
    rows = db.session.execute(select(AuditEvent).where(AuditEvent.action == "registration.promoted")
                              .order_by(AuditEvent.id)).scalars()
    return [row.data["user_id"] for row in rows if row.data["session_id"] == live.id]


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # nothing listens on it once the socket is closed


def test_the_waitlist_takes_the_free_seat_before_a_newcomer(session, crowd, make_user):
    newcomer = make_user("nora@example.org")
    placed = registration.take_place(session, newcomer, newcomer, utcnow())
    db.session.commit()
    assert [r.user_id for r in placed.promoted] == [crowd["wendy"].id]  # the oldest first
    assert placed.registration.status is RegistrationStatus.WAITLISTED
    assert status_of(session, crowd["wendy"]) is RegistrationStatus.REGISTERED
    assert status_of(session, crowd["walt"]) is RegistrationStatus.WAITLISTED
    assert registration.waitlist_position(registration.get_registration(session, newcomer)) == 2  # behind Walt
    assert promotions(session) == [crowd["wendy"].id]
    assert registration.count_seats([session.id])[session.id] == (2, 2)


def test_a_newcomer_takes_a_seat_the_waitlist_left(session, crowd, make_user):
    session.capacity = 4  # three free seats, two people waiting
    db.session.commit()
    newcomer = make_user("nora@example.org")
    placed = registration.take_place(session, newcomer, newcomer, utcnow())
    db.session.commit()
    assert [r.user_id for r in placed.promoted] == [crowd["wendy"].id, crowd["walt"].id]
    assert placed.registration.status is RegistrationStatus.REGISTERED
    assert registration.count_seats([session.id])[session.id] == (4, 0)


def test_registering_again_moves_the_waitlist_and_keeps_the_place(session, crowd):
    """Someone already holding a place who sends the request again (a second click, the API) changes nothing of
    their own, but the free seat still goes to the first in line."""
    placed = registration.take_place(session, crowd["ana"], crowd["ana"], utcnow())
    db.session.commit()
    assert placed.registration.status is RegistrationStatus.REGISTERED
    assert [r.user_id for r in placed.promoted] == [crowd["wendy"].id]


def test_the_page_gives_the_seat_to_the_first_in_line(client, u, login, session, crowd, make_user):
    newcomer = make_user("nora@example.org")
    login(newcomer)
    response = client.submit(u("lms.sessions.register", session_id=session.id), follow_redirects=True)
    assert "The session is full: you are on the waitlist." in response.get_data(as_text=True)
    assert status_of(session, newcomer) is RegistrationStatus.WAITLISTED
    assert status_of(session, crowd["wendy"]) is RegistrationStatus.REGISTERED


def test_the_page_emails_the_person_promoted(client, u, login, session, crowd, make_user, mailbox):
    newcomer = make_user("nora@example.org")
    login(newcomer)
    client.submit(u("lms.sessions.register", session_id=session.id))
    assert [(m["To"], m["Subject"]) for m in mailbox] == [("wendy@example.org", PROMOTED)]


def test_a_manager_registering_staff_promotes_and_emails_the_first_in_line(client, u, login, session, crowd, make_user,
                                                                          make_org, add_member, mailbox):
    boss = make_user("boss@example.org", name="Bea Boss")
    org = make_org("clinic", manager=boss)
    staff = make_user("walter@example.org", name="Walter Worker")
    add_member(org, staff)
    login(boss)
    url = u("lms.sessions.staff", session_id=session.id, org_slug="clinic")
    page = client.submit(url, {"user_id": staff.id, "action": "register"}, follow_redirects=True)
    assert "The session is full: Walter Worker is on the waitlist. We emailed them." in page.get_data(as_text=True)
    assert "Wendy" not in page.get_data(as_text=True)  # a manager does not learn who was next in line
    assert status_of(session, staff) is RegistrationStatus.WAITLISTED
    assert status_of(session, crowd["wendy"]) is RegistrationStatus.REGISTERED
    by_to = {m["To"]: m for m in mailbox}
    assert set(by_to) == {"walter@example.org", "wendy@example.org"}
    assert by_to["wendy@example.org"]["Subject"] == PROMOTED
    assert u("lms.sessions.detail", session_id=session.id) in body_of(by_to["wendy@example.org"])


def test_the_api_promotes_and_emails_the_first_in_line(client, u, session, crowd, make_user, mailbox):
    newcomer = make_user("nora@example.org")
    response = client.post(f"/api/v1/sessions/{session.id}/registration", headers=bearer(newcomer))
    assert response.status_code == 201
    assert response.get_json()["my_registration"] == {"status": "waitlisted", "waitlist_position": 2}
    assert status_of(session, crowd["wendy"]) is RegistrationStatus.REGISTERED
    assert [(m["To"], m["Subject"]) for m in mailbox] == [("wendy@example.org", PROMOTED)]


def test_a_failed_email_undoes_nothing(app, client, session, crowd, make_user, mailbox):
    app.config["LMS_MAIL_PORT"] = closed_port()
    newcomer = make_user("nora@example.org")
    response = client.post(f"/api/v1/sessions/{session.id}/registration", headers=bearer(newcomer))
    assert response.status_code == 201 and mailbox == []
    assert status_of(session, crowd["wendy"]) is RegistrationStatus.REGISTERED
    assert status_of(session, newcomer) is RegistrationStatus.WAITLISTED
    assert promotions(session) == [crowd["wendy"].id]


@pytest.mark.skipif(not ON_POSTGRES, reason="PostgreSQL only (row locks)")
def test_simultaneous_newcomers_promote_the_waitlist_once(app, session, crowd, make_user):
    people = [make_user(f"rush{i}@example.org") for i in range(12)]
    promoted = []

    def take_place(user_id: int) -> None:
        person = db.session.get(User, user_id)
        placed = registration.take_place(db.session.get(LiveSession, session.id), person, person, utcnow())
        db.session.commit()
        promoted.extend(r.user_id for r in placed.promoted)

    errors = all_at_once(app, take_place, [p.id for p in people])
    assert errors == [] and promoted == [crowd["wendy"].id]
    assert promotions(session) == [crowd["wendy"].id]
    assert registration_counts(session) == {RegistrationStatus.REGISTERED: 2, RegistrationStatus.WAITLISTED: 13,
                                            RegistrationStatus.CANCELLED: 1}
