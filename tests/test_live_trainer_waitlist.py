"""Someone with a seat or a waitlist place in a session who is later made one of its trainers (trainers do not
register for their own sessions: the 409 ``trainer_of_session`` rule):

1. the edit that makes them a trainer ends their registration, audited, and says so; a seat they held goes to the
   next on the waitlist, who is emailed;
2. the waitlist never promotes one of the session's trainers (a place kept from before this rule);
3. once the session has started, registrations no longer change: the edit is refused, nothing changes;
4. removing them as a trainer later restores nothing by itself: they may register again like anyone else;
5. reminders never go to a session's own trainers as registrants (a seat kept from before this rule).
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from lms import db
from lms.accounts.models import SiteRole
from lms.audit import AuditEvent
from lms.live import scheduling, trainers
from lms.live.models import LiveSession, Registration, RegistrationStatus
from tests.live_support import live_course, page_text, seat, soon
from tests.test_live_session_changes import _fields

REGISTERED, WAITLISTED, CANCELLED = RegistrationStatus.REGISTERED, RegistrationStatus.WAITLISTED, RegistrationStatus.CANCELLED


@pytest.fixture
def module(trainer):
    return live_course(trainer)[1]


@pytest.fixture
def teresa(make_user):
    """A trainer who, as trainers may, took a place in a colleague's session."""
    return make_user("teresa@example.org", name="Teresa Trainer", role=SiteRole.TRAINER)


def _status(session: LiveSession, person) -> RegistrationStatus:
    db.session.expire_all()
    return db.session.execute(select(Registration.status).where(
        Registration.session_id == session.id, Registration.user_id == person.id)).scalar_one()


def _make_trainer(client, u, session: LiveSession, *people):
    """The edit form sent with ``people`` added to the session's trainers; the page it leads to."""
    ids = [str(t) for t in scheduling.data_of(session).trainer_ids] + [str(p.id) for p in people]
    return client.submit(u("lms.sessions.edit", session_id=session.id), _fields(session, trainers=ids))


def _ended_rows() -> list[AuditEvent]:
    return list(db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "registration.ended_as_trainer")).scalars())


def test_a_waitlisted_person_made_trainer_leaves_the_waitlist_and_is_never_promoted(client, u, login, module,
                                                                                    trainer, teresa, make_user):
    session = soon(module, trainer, 60 * 24, capacity=1)
    ana, bea = make_user(name="Ana Ruiz"), make_user(name="Bea Soto")
    seat(session, ana)
    seat(session, teresa, bea, status=WAITLISTED)  # Teresa is first in line
    login(trainer)
    response = _make_trainer(client, u, session, teresa)
    assert response.status_code == 302, page_text(response)[:2000]
    shown = page_text(client.get(response.headers["Location"]))
    assert ("Teresa Trainer now leads this session, so their place on its waitlist was ended: trainers do not "
            "register for their own sessions.") in shown
    assert "registration for it was ended" not in shown  # she only had a waitlist place
    assert _status(session, teresa) is CANCELLED and _status(session, bea) is WAITLISTED  # the seat is still Ana's
    (row,) = _ended_rows()
    assert row.data["user_id"] == teresa.id and row.data["held"] == "waitlisted" and row.actor_id == trainer.id
    login(ana)
    cancelled = client.delete(u("lms.api.session_registration", session_id=session.id),
                              headers={"X-CSRFToken": client.csrf_token()})
    assert cancelled.status_code == 200
    assert _status(session, bea) is REGISTERED and _status(session, teresa) is CANCELLED


def test_a_seat_given_up_by_becoming_trainer_goes_to_the_next_in_line(client, u, login, module, trainer, teresa,
                                                                       make_user, mailbox):
    session = soon(module, trainer, 60 * 24, capacity=1)
    bea = make_user("bea@example.org", name="Bea Soto")
    seat(session, teresa)
    seat(session, bea, status=WAITLISTED)
    login(trainer)
    response = _make_trainer(client, u, session, teresa)
    assert response.status_code == 302, page_text(response)[:2000]
    assert _status(session, teresa) is CANCELLED and _status(session, bea) is REGISTERED
    assert [m["To"] for m in mailbox if "bea@example.org" in m["To"]]  # told of her seat
    assert not [m for m in mailbox if "teresa@example.org" in m["To"] and "seat" in m["Subject"].lower()]
    assert _ended_rows()[0].data["held"] == "registered"
    assert set(scheduling.data_of(session).trainer_ids) == {trainer.id, teresa.id}


def test_promotion_skips_a_trainer_whose_place_was_kept_from_before(client, u, login, module, trainer, teresa,
                                                                    make_user):
    session = soon(module, trainer, 60 * 24, capacity=1)
    ana, bea = make_user(name="Ana Ruiz"), make_user(name="Bea Soto")
    seat(session, ana)
    seat(session, teresa, bea, status=WAITLISTED)
    trainers.set_trainers(session, [trainer.id, teresa.id])  # made trainer before the rule: her place was kept
    db.session.commit()
    login(ana)
    response = client.delete(u("lms.api.session_registration", session_id=session.id),
                             headers={"X-CSRFToken": client.csrf_token()})
    assert response.status_code == 200
    assert _status(session, bea) is REGISTERED and _status(session, teresa) is WAITLISTED


def test_once_the_session_has_started_the_edit_is_refused(client, u, login, module, trainer, teresa):
    session = soon(module, trainer, -30, capacity=5)
    seat(session, teresa)
    login(trainer)
    response = _make_trainer(client, u, session, teresa)
    assert response.status_code == 400
    assert ("Teresa Trainer holds a place in this session, which has started: they cannot become one of its "
            "trainers now.") in page_text(response)
    db.session.expire_all()
    assert _status(session, teresa) is REGISTERED and scheduling.data_of(session).trainer_ids == (trainer.id,)
    assert _ended_rows() == []


def test_removed_as_trainer_later_nothing_comes_back_but_they_may_register_again(client, u, login, module, trainer,
                                                                                 teresa):
    session = soon(module, trainer, 60 * 24, capacity=5)
    seat(session, teresa)
    login(trainer)
    assert _make_trainer(client, u, session, teresa).status_code == 302
    edit = client.submit(u("lms.sessions.edit", session_id=session.id),
                         _fields(session, trainers=[str(trainer.id)]))
    assert edit.status_code == 302
    assert _status(session, teresa) is CANCELLED  # nothing automatic
    login(teresa)
    again = client.post(u("lms.api.session_registration", session_id=session.id),
                        headers={"X-CSRFToken": client.csrf_token()})
    assert again.status_code == 201 and _status(session, teresa) is REGISTERED


def test_no_reminder_goes_to_a_trainer_for_a_seat_kept_from_before(runner, module, trainer, teresa, make_user,
                                                                     mailbox):
    session = soon(module, trainer, 30, capacity=5)
    tom = make_user("tom@example.org", name="Tom")
    seat(session, teresa, tom)
    trainers.set_trainers(session, [trainer.id, teresa.id])  # made trainer before the rule: her seat was kept
    db.session.commit()
    mailbox.clear()
    result = runner.invoke(args=["lms", "send-reminders"])
    assert result.exit_code == 0, result.output
    assert [m["To"] for m in mailbox] == ["tom@example.org"]


def test_the_audit_log_says_why_and_which_place_ended(client, u, login, module, trainer, teresa, make_user):
    session = soon(module, trainer, 60 * 24, capacity=1)
    seat(session, make_user(name="Ana Ruiz"))
    seat(session, teresa, status=WAITLISTED)
    login(trainer)
    assert _make_trainer(client, u, session, teresa).status_code == 302
    login(make_user(name="Ada Admin", role=SiteRole.ADMIN))
    page = " ".join(page_text(client.get(u("lms.admin.audit_log"))).split())
    assert "Live session registration ended: the person now leads the session" in page
    assert "Place held: On the waitlist" in page
