"""A manager cancelling a staff member's place in a live session: the button says what it does, the page asks first
(no JavaScript), then says what was done, and the person is emailed.

From a clinic manager's QA pass: on /sessions/<id>/staff/<org>, one click on "Cancel" (in Spanish "Cancelar",
which also reads "dismiss") dropped a staff member's seat with no question, no message and no email."""

from __future__ import annotations

import re
from html import unescape

import pytest
from sqlalchemy import select

from lms import db
from lms.audit import AuditEvent
from lms.live import registration
from lms.live.models import Registration, RegistrationStatus
from tests.conftest import body_of, html_text
from tests.live_support import live_course, schedule


@pytest.fixture
def clinic(trainer, make_user, make_org, add_member):
    _course, module = live_course(trainer)
    (session,) = schedule(module, trainer, capacity=1)
    manager = make_user("gerente@example.org", name="Gabriela Gerente")
    org = make_org("clinica", manager=manager)
    ana = make_user("ana@example.org", name="Ana Núñez", locale="es")
    ben = make_user("ben@example.org", name="Ben Ortiz")
    add_member(org, ana)
    add_member(org, ben)
    return session, org, manager, ana, ben



def _status(session, user) -> RegistrationStatus:
    db.session.expire_all()
    return db.session.scalars(select(Registration.status).where(Registration.session_id == session.id,
                                                                Registration.user_id == user.id)).one()


def test_the_button_names_what_it_does_and_the_page_asks_first(client, u, login, clinic, mailbox):
    session, _org, manager, ana, _ben = clinic
    login(manager)
    url = u("lms.sessions.staff", session_id=session.id, org_slug="clinica")
    client.submit(url, {"user_id": ana.id, "action": "register"})
    mailbox.clear()
    page = client.get(url).get_data(as_text=True)
    assert re.search(r'<button type="submit" name="action" value="cancel" class="secondary">Cancel the registration of '
                     r"Ana Núñez</button>", page)
    asked = client.submit(url, {"user_id": ana.id, "action": "cancel"})  # the row's button: a question, nothing done
    assert asked.status_code == 200 and _status(session, ana) is RegistrationStatus.REGISTERED and mailbox == []
    text = html_text(asked.get_data(as_text=True))
    assert "Cancel the registration of Ana Núñez?" in text
    assert "Ana Núñez loses their seat: if people are waiting, it goes at once to the first of them." in text
    assert "We email Ana Núñez that it was cancelled." in text
    box = asked.get_data(as_text=True).split('class="card live-confirm"', 1)[1].split("</section>", 1)[0]
    assert 'name="confirm" value="yes"' in box and f'name="user_id" value="{ana.id}"' in box
    assert "Yes, cancel the registration of Ana Núñez" in box and f'href="{url}">No, keep it</a>' in box


def test_confirming_cancels_says_so_and_emails_the_person(client, u, login, clinic, mailbox):
    session, _org, manager, ana, ben = clinic
    login(manager)
    url = u("lms.sessions.staff", session_id=session.id, org_slug="clinica")
    client.submit(url, {"user_id": ana.id, "action": "register"})
    client.submit(url, {"user_id": ben.id, "action": "register"})  # one seat: Ben waits
    assert _status(session, ben) is RegistrationStatus.WAITLISTED
    mailbox.clear()
    done = client.submit(url, {"user_id": ana.id, "action": "cancel", "confirm": "yes"})
    assert done.status_code == 302 and _status(session, ana) is RegistrationStatus.CANCELLED
    assert _status(session, ben) is RegistrationStatus.REGISTERED  # the waitlist moved up, as before
    page = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "The registration of Ana Núñez is cancelled. We emailed them." in unescape(page)
    to_ana = [m for m in mailbox if m["To"] == "ana@example.org"]
    assert len(to_ana) == 1  # in her language (Spanish): the subject names the session as she reads it
    assert "Práctica de juegos de roles" in to_ana[0]["Subject"]
    body = body_of(to_ana[0])
    assert "Gabriela Gerente" in body and f"/sessions/{session.id}" in body
    assert any(m["To"] == "ben@example.org" for m in mailbox)  # told his seat came free
    assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "registration.cancelled")).first()


def test_taking_someone_off_the_waitlist_says_that(client, u, login, clinic, mailbox):
    session, _org, manager, ana, ben = clinic
    login(manager)
    url = u("lms.sessions.staff", session_id=session.id, org_slug="clinica")
    client.submit(url, {"user_id": ana.id, "action": "register"})
    client.submit(url, {"user_id": ben.id, "action": "register"})
    page = client.get(url).get_data(as_text=True)
    assert "Take Ben Ortiz off the waitlist" in page
    asked = html_text(client.submit(url, {"user_id": ben.id, "action": "cancel"}).get_data(as_text=True))
    assert "Take Ben Ortiz off the waitlist?" in asked and "Yes, take Ben Ortiz off the waitlist" in asked
    mailbox.clear()
    done = client.submit(url, {"user_id": ben.id, "action": "cancel", "confirm": "yes"})
    assert "Ben Ortiz is off the waitlist. We emailed them." in client.get(done.headers["Location"]).get_data(as_text=True)
    assert [m["Subject"] for m in mailbox] == ["Off the waitlist: Role-play practice"]
    assert "took you off the waitlist" in body_of(mailbox[0])
    assert _status(session, ana) is RegistrationStatus.REGISTERED


def test_asking_to_cancel_a_place_nobody_holds_cancels_nothing(client, u, login, clinic, mailbox):
    session, _org, manager, ana, _ben = clinic
    login(manager)
    url = u("lms.sessions.staff", session_id=session.id, org_slug="clinica")
    asked = client.submit(url, {"user_id": ana.id, "action": "cancel"})
    assert asked.status_code == 200 and 'class="card live-confirm"' not in asked.get_data(as_text=True)
    assert "Nothing was cancelled: this person has no place in this session." in unescape(asked.get_data(as_text=True))
    assert registration.get_registration(session, ana) is None and mailbox == []
