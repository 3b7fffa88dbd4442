"""Scheduling rules from a QA report: a session that has started is finalised, not cancelled; an edit cannot move a
session that has not started into the past; only a session's own trainers or a site administrator change who leads
it (recorded by name, the trainers before told by email); a session that ends after midnight is given by its length."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from sqlalchemy import select

from lms import db
from lms.accounts.models import SiteRole
from lms.audit import AuditEvent
from lms.db import utcnow
from lms.errors import DomainError
from lms.live import attendance, registration, scheduling
from lms.live.models import LiveSession, SessionMode, SessionStatus
from tests.conftest import body_of
from tests.live_support import LA, count_sessions, local, schedule, seat, session_form, soon

FUTURE_DAY = date(2038, 2, 2)  # a Tuesday, far enough that the tests never depend on today's date
STARTED = "This session has already started, so it can no longer be cancelled"
NOT_YOURS = "own trainers or a site administrator can change who leads it."  # the apostrophe before is escaped
AFTER_MIDNIGHT = "For a session that ends after midnight, leave the end time empty and give its length in minutes instead."


@pytest.fixture
def otto(make_user):
    return make_user("otto@example.org", name="Otto Trainer", role=SiteRole.TRAINER)


@pytest.fixture
def rosa(make_user):
    """A trainer who reads Spanish."""
    return make_user("rosa@example.org", name="Rosa Formadora", role=SiteRole.TRAINER, locale="es")


@pytest.fixture
def admin(make_user):
    return make_user("admin@example.org", name="Ada Admin", role=SiteRole.ADMIN)


def _reload(session: LiveSession) -> LiveSession:
    db.session.expire_all()
    return db.session.get(LiveSession, session.id)


def _page(response) -> str:
    return response.get_data(as_text=True)


def _fields(session: LiveSession, **changes) -> dict:
    """The edit form as the page fills it in (trainers ticked as they are), with ``changes`` typed over it."""
    data = scheduling.data_of(session)
    values = {
        "module": str(data.module_id), "starts_on": data.starts_on.isoformat(), "start_time": data.start_time.strftime("%H:%M"),
        "end_time": "", "minutes": str(data.minutes), "timezone": data.timezone, "locale": data.locale,
        "mode": data.mode.value, "address": data.address, "join_url": data.join_url, "capacity": str(data.capacity),
        "deadline": "", "cost": "", "notes": data.notes, "trainers": [str(t) for t in data.trainer_ids],
    }
    return {**values, **changes}


def _updates(session: LiveSession) -> list[AuditEvent]:
    return list(db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "live_session.updated", AuditEvent.object_id == session.id)
    ).scalars())


def _registered(session: LiveSession, *people) -> None:
    for person in people:
        registration.register(session, person, person, utcnow())
    db.session.commit()


# ---------------------------------------------------------------- 1. a session that has started is not cancelled


@pytest.mark.parametrize("minutes_ago", [30, 300], ids=["running", "over"])
def test_a_session_that_has_started_cannot_be_cancelled_and_can_still_be_finalised(module, trainer, make_user, mailbox,
                                                                                  minutes_ago):
    session = soon(module, trainer, -minutes_ago)
    person = make_user()
    seat(session, person)
    with pytest.raises(DomainError) as refused:
        scheduling.cancel_session(session, "Nobody came", trainer, utcnow())
    assert refused.value.message.startswith(STARTED) and "“The session ended early”" in refused.value.message
    db.session.rollback()
    session = _reload(session)
    assert session.status is SessionStatus.SCHEDULED and session.cancelled_at is None and mailbox == []
    attendance.finalize(session, trainer, utcnow(), 75, early=minutes_ago < 120)  # what the message says to do
    db.session.commit()
    assert _reload(session).status is SessionStatus.COMPLETED


def test_the_cancel_page_of_a_started_session_leads_back_with_what_to_do(client, u, login, module, trainer, make_user, mailbox):
    session = soon(module, trainer, -20)
    person = make_user()
    seat(session, person)
    login(trainer)
    detail = u("lms.sessions.detail", session_id=session.id)
    page = client.get(detail).text
    assert "Edit" in page and u("lms.sessions.cancel", session_id=session.id) not in page  # no button offered
    for send in (lambda: client.get(u("lms.sessions.cancel", session_id=session.id)),
                 lambda: client.submit(u("lms.sessions.cancel", session_id=session.id), {"reason": "Storm"})):
        response = send()
        assert response.status_code == 302 and response.headers["Location"].endswith(detail)
        assert STARTED in client.get(response.headers["Location"]).text
    assert _reload(session).status is SessionStatus.SCHEDULED and mailbox == []


def test_a_session_that_has_not_started_is_still_cancelled(client, u, login, module, trainer, make_user, mailbox):
    session = soon(module, trainer, 10)
    person = make_user("ana@example.org")
    _registered(session, person)
    login(trainer)
    assert u("lms.sessions.cancel", session_id=session.id) in client.get(u("lms.sessions.detail", session_id=session.id)).text
    response = client.submit(u("lms.sessions.cancel", session_id=session.id), {"reason": "Storm"})
    assert response.status_code == 302 and _reload(session).status is SessionStatus.CANCELLED
    assert [m["To"] for m in mailbox] == ["ana@example.org"]


# ---------------------------------------------------------------- 2. no moving an upcoming session into the past


def test_an_upcoming_session_cannot_be_moved_into_the_past(client, u, login, module, trainer, make_user, mailbox):
    (session,) = schedule(module, trainer, day=local(utcnow()).date() + timedelta(days=30))
    _registered(session, make_user("ana@example.org"))
    was = session.starts_at
    mailbox.clear()
    login(trainer)
    typo = scheduling.data_of(session).starts_on.replace(year=local(utcnow()).year - 1)  # the year mistyped
    response = client.submit(u("lms.sessions.edit", session_id=session.id), _fields(session, starts_on=typo.isoformat()))
    assert response.status_code == 400 and "The session must start in the future." in _page(response)
    session = _reload(session)
    assert session.starts_at == was and session.sequence == 0 and mailbox == [] and _updates(session) == []
    with pytest.raises(DomainError, match="once the session has started"):
        attendance.finalize(session, trainer, utcnow(), 75)


def test_earlier_today_is_the_past_too_but_a_later_time_is_fine(module, trainer):
    session = soon(module, trainer, 90)
    data = scheduling.data_of(session)
    earlier = local(utcnow() - timedelta(minutes=5), "Africa/Abidjan")
    with pytest.raises(DomainError, match=r"The session must start in the future\.") as refused:
        scheduling.update_session(session, data.__class__(**{**data.__dict__, "starts_on": earlier.date(),
                                                            "start_time": earlier.time().replace(second=0, microsecond=0)}),
                                  trainer, utcnow())
    assert refused.value.details["field"] == "starts_on"
    db.session.rollback()
    later = local(utcnow() + timedelta(minutes=30), "Africa/Abidjan")
    moved = data.__class__(**{**data.__dict__, "starts_on": later.date(), "start_time": later.time().replace(second=0, microsecond=0)})
    assert scheduling.update_session(_reload(session), moved, trainer, utcnow()).changes == ("time",)


def test_a_record_of_a_past_session_may_be_moved_with_allow_past(module, trainer):
    """``allow_past`` (demo data, imports of sessions as they took place) takes a session as given, as when creating."""
    (session,) = schedule(module, trainer, day=FUTURE_DAY)
    data = scheduling.data_of(session)
    past = data.__class__(**{**data.__dict__, "starts_on": date(2025, 3, 4)})
    update = scheduling.update_session(session, past, trainer, utcnow(), allow_past=True)
    db.session.commit()
    assert update.changes == ("time",) and local(_reload(session).starts_at).date() == date(2025, 3, 4)


def test_a_session_that_has_started_can_still_be_corrected(client, u, login, module, trainer):
    session = soon(module, trainer, -30)
    login(trainer)
    response = client.submit(u("lms.sessions.edit", session_id=session.id), _fields(session, notes="Bring water", capacity="12"))
    assert response.status_code == 302 and _reload(session).capacity == 12


# ---------------------------------------------------------------- 3. who leads a session


def test_another_trainer_edits_the_session_but_not_who_leads_it(client, u, login, module, trainer, otto, mailbox):
    (session,) = schedule(module, trainer, day=FUTURE_DAY)
    login(otto)
    form = client.get(u("lms.sessions.edit", session_id=session.id)).text
    assert 'name="trainers"' not in form and NOT_YOURS in form and "Carmen Coach" in form
    without_trainers = {k: v for k, v in _fields(session, capacity="14").items() if k != "trainers"}
    response = client.submit(u("lms.sessions.edit", session_id=session.id), without_trainers)
    assert response.status_code == 302
    session = _reload(session)
    assert session.capacity == 14 and scheduling.trainer_ids(session) == [trainer.id] and mailbox == []
    (row,) = _updates(session)
    assert row.data["changes"] == [] and "trainers_added" not in row.data


@pytest.mark.parametrize("wanted", ["both", "only_otto"])
def test_another_trainer_cannot_take_over_a_session(client, u, login, module, trainer, otto, mailbox, wanted):
    (session,) = schedule(module, trainer, day=FUTURE_DAY)
    login(otto)
    ids = [trainer.id, otto.id] if wanted == "both" else [otto.id]
    response = client.submit(u("lms.sessions.edit", session_id=session.id),  # a trainer list their form does not have
                             _fields(session, trainers=[str(i) for i in ids], notes="Bring water"))
    assert response.status_code == 302 and _reload(session).notes == "Bring water"
    assert scheduling.trainer_ids(_reload(session)) == [trainer.id] and mailbox == []
    assert [row.data["changes"] for row in _updates(session)] == [[]]
    data = scheduling.data_of(session)
    with pytest.raises(DomainError) as refused:  # the service's rule, whatever the form
        scheduling.update_session(session, data.__class__(**{**data.__dict__, "trainer_ids": tuple(ids)}), otto, utcnow())
    assert refused.value.status == 403 and refused.value.details["field"] == "trainers"


def test_a_trainer_of_the_session_changes_its_trainers_recorded_by_name_and_told(
    client, u, login, module, trainer, otto, rosa, make_user, mailbox
):
    (session,) = schedule(module, trainer, day=FUTURE_DAY, trainer_ids=(trainer.id, rosa.id))
    _registered(session, make_user("ana@example.org"))
    mailbox.clear()
    login(trainer)
    response = client.submit(u("lms.sessions.edit", session_id=session.id),
                             _fields(session, trainers=[str(trainer.id), str(otto.id)]))
    assert response.status_code == 302
    assert sorted(scheduling.trainer_ids(_reload(session))) == sorted([trainer.id, otto.id])
    (row,) = _updates(session)
    assert row.actor_id == trainer.id and row.data["changes"] == ["trainers"]
    assert row.data["trainers_added"] == [{"id": otto.id, "name": "Otto Trainer"}]
    assert row.data["trainers_removed"] == [{"id": rosa.id, "name": "Rosa Formadora"}]
    # Rosa, who led it before, and Otto, added (tests/test_live_trainer_mail.py); not the registrant, nor Carmen
    # who made the change
    assert sorted(m["To"] for m in mailbox) == ["otto@example.org", "rosa@example.org"]
    (message,) = [m for m in mailbox if m["To"] == "rosa@example.org"]
    assert message["To"] == "rosa@example.org"
    assert "Práctica de juegos de roles" in message["Subject"]  # in her language
    body = body_of(message)
    assert "Carmen Coach" in body and "Otto Trainer" in body and "Rosa Formadora" in body
    assert "febrero de 2038" in body  # the time in her language too


def test_an_admin_changes_the_trainers_and_every_trainer_before_is_told(client, u, login, module, trainer, otto, rosa, admin,
                                                                        mailbox):
    (session,) = schedule(module, trainer, day=FUTURE_DAY, trainer_ids=(trainer.id, rosa.id))
    login(admin)
    assert 'name="trainers"' in client.get(u("lms.sessions.edit", session_id=session.id)).text
    response = client.submit(u("lms.sessions.edit", session_id=session.id), _fields(session, trainers=[str(rosa.id), str(otto.id)]))
    assert response.status_code == 302
    by_to = {m["To"]: m for m in mailbox}
    assert set(by_to) == {"coach@example.org", "rosa@example.org", "otto@example.org"}  # Otto: added
    carmen, kept = body_of(by_to["coach@example.org"]), body_of(by_to["rosa@example.org"])
    assert "Role-play practice" in by_to["coach@example.org"]["Subject"]
    assert "Ada Admin changed who leads" in carmen and "Trainers removed: Carmen Coach" in carmen
    assert "You no longer lead this session" in carmen and "You no longer lead" not in kept
    log = client.get(u("lms.admin.audit_log", action="live_session.updated")).text
    assert "Trainers added" in log and "Otto Trainer" in log and "Trainers removed" in log


def test_a_trainer_may_leave_a_session_but_it_keeps_one_trainer(client, u, login, module, trainer, otto, mailbox):
    (session,) = schedule(module, trainer, day=FUTURE_DAY, trainer_ids=(trainer.id, otto.id))
    login(otto)
    response = client.submit(u("lms.sessions.edit", session_id=session.id), _fields(session, trainers=[]))
    assert response.status_code == 400 and "Choose at least one trainer" in _page(response)
    response = client.submit(u("lms.sessions.edit", session_id=session.id), _fields(session, trainers=[str(trainer.id)]))
    assert response.status_code == 302 and scheduling.trainer_ids(_reload(session)) == [trainer.id]
    assert [m["To"] for m in mailbox] == ["coach@example.org"]


def test_a_mail_server_that_is_down_keeps_the_change_and_says_whom_to_tell(app, client, u, login, module, trainer, otto,
                                                                            admin, mailbox):
    (session,) = schedule(module, trainer, day=FUTURE_DAY)
    login(admin)
    app.config["LMS_MAIL_PORT"] = 1  # nothing listens there
    response = client.submit(u("lms.sessions.edit", session_id=session.id), _fields(session, trainers=[str(otto.id)]))
    assert response.status_code == 302
    assert "We could not email: coach@example.org, otto@example.org." in client.get(response.headers["Location"]).text
    assert scheduling.trainer_ids(_reload(session)) == [otto.id] and mailbox == []


# ---------------------------------------------------------------- 4. after midnight


def test_the_form_says_how_to_give_a_session_that_ends_after_midnight(client, u, login, module, trainer):
    login(trainer)
    page = client.get(u("lms.sessions.create")).text
    assert "Sessions end on the day they start" not in page
    assert "for a session that ends after midnight, give its length in minutes instead." in page
    day = FUTURE_DAY  # no change of the clocks that night
    refused = client.submit(u("lms.sessions.create"), session_form(module, trainer, day, start_time="22:00", end_time="01:00",
                                                                  minutes=""))
    assert refused.status_code == 400 and "The end time must be after the start time. " + AFTER_MIDNIGHT in _page(refused)
    assert count_sessions() == 0
    accepted = client.submit(u("lms.sessions.create"), session_form(module, trainer, day, start_time="22:00", minutes="180"))
    assert accepted.status_code == 302
    (session,) = db.session.execute(select(LiveSession)).scalars()
    assert local(session.ends_at).time() == time(1, 0) and local(session.ends_at).date() == day + timedelta(days=1)


def test_the_service_explains_it_too(module, trainer):
    data = scheduling.SessionData(module_id=module.id, starts_on=FUTURE_DAY, start_time=time(22, 0), minutes=0,
                                  end_time=time(22, 0), timezone=LA, locale="en", mode=SessionMode.ONLINE,
                                  capacity=5, join_url="https://meet.example.org/x", trainer_ids=(trainer.id,))
    with pytest.raises(DomainError) as refused:
        scheduling.create_sessions(data, 1, trainer)
    assert refused.value.message.endswith(AFTER_MIDNIGHT) and refused.value.details["field"] == "end_time"
