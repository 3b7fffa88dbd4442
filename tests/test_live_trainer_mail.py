"""Someone made one of a live session's trainers is told by email, in their language and time zone: who did it, when
and where, who leads it now, the link to its roster (their page as its trainer) and to its calendar file (session
emails carry no attachment, as the registration email); the place they held in it, given up, is said too. Nobody is
emailed about their own action (an administrator adding themselves). Scheduling a session (or a weekly series: one email)
with another trainer tells them too, once, even when the form is sent twice. Someone removed gets one email. A mail server
that is down keeps the change and names whom to tell. Through the real edit form and the real SMTP server."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from lms import db
from lms.accounts.models import SiteRole
from lms.live import scheduling
from lms.live.models import LiveSession, RegistrationStatus, SessionMode
from tests.conftest import body_of
from tests.live_support import live_course, page_text, schedule, seat, session_form
from tests.test_live_schedule_double_submit import _rendered_form
from tests.test_live_schedule_rules import _fields

FUTURE_DAY = date(2038, 2, 2)  # 18:00 in Los Angeles: 9:00 p.m. in New York


@pytest.fixture
def module(trainer):
    return live_course(trainer)[1]


@pytest.fixture
def rosa(make_user):
    """A trainer who reads Spanish and lives in New York."""
    return make_user("rosa@example.org", name="Rosa Formadora", role=SiteRole.TRAINER, locale="es",
                     timezone="America/New_York")


@pytest.fixture
def admin(make_user):
    return make_user("admin@example.org", name="Ada Admin", role=SiteRole.ADMIN)


def _session(module, trainer) -> LiveSession:
    (session,) = schedule(module, trainer, day=FUTURE_DAY, mode=SessionMode.HYBRID,
                          join_url="https://meet.example.org/practice")
    return session


def _edit(client, u, session: LiveSession, *trainer_ids: int):
    response = client.submit(u("lms.sessions.edit", session_id=session.id),
                             _fields(session, trainers=[str(i) for i in trainer_ids]))
    assert response.status_code == 302, page_text(response)[:2000]
    return response


def test_a_trainer_added_is_told_in_their_language_and_zone_with_the_roster_link(app, client, u, login, module,
                                                                                  trainer, rosa, mailbox):
    session = _session(module, trainer)
    login(trainer)
    _edit(client, u, session, trainer.id, rosa.id)
    (message,) = mailbox  # Carmen made the change: she is not told
    assert message["To"] == "rosa@example.org" and not message.is_multipart()  # no attachment
    assert "Práctica de juegos de roles" in message["Subject"]  # the module's title in her language
    body = body_of(message)
    assert "Carmen Coach le agregó como capacitador(a) de la sesión en vivo" in body  # in her language
    assert f"en {app.config['LMS_SITE_NAME']}." in body
    assert "2 de febrero de 2038" in body and "9:00" in body and "EST" in body  # her language, her zone
    assert "1200 Main Street, Fresno, CA" in body and "https://meet.example.org/practice" in body
    assert "Carmen Coach, Rosa Formadora" in body  # who leads it now
    roster = u("lms.sessions.attendance", session_id=session.id, _external=True)
    calendar = u("lms.sessions.ics", session_id=session.id, _external=True)
    assert roster in body and calendar in body
    assert "liberó" not in body and "lista de espera" not in body  # she held no place in it
    login(rosa)
    assert client.get(roster.removeprefix("http://lms.test")).status_code == 200  # the link is hers now


def test_the_email_says_the_place_they_held_was_given_up(client, u, login, module, trainer, make_user, mailbox):
    session = _session(module, trainer)
    teresa = make_user("teresa@example.org", name="Teresa Trainer", role=SiteRole.TRAINER)
    tanya = make_user("tanya@example.org", name="Tanya Tutor", role=SiteRole.TRAINER)
    seat(session, teresa)
    seat(session, tanya, status=RegistrationStatus.WAITLISTED)
    login(trainer)
    _edit(client, u, session, trainer.id, teresa.id, tanya.id)
    bodies = {m["To"]: body_of(m) for m in mailbox}
    assert set(bodies) == {"teresa@example.org", "tanya@example.org"}
    assert ("Your seat in this session was given up: trainers do not register for their own sessions."
            in bodies["teresa@example.org"])
    assert ("Your place on this session's waitlist was ended: trainers do not register for their own sessions."
            in bodies["tanya@example.org"])
    assert "seat" not in bodies["tanya@example.org"]


def test_nobody_is_emailed_about_adding_themselves(client, u, login, module, trainer, admin, mailbox):
    session = _session(module, trainer)
    login(admin)
    _edit(client, u, session, trainer.id, admin.id)
    assert sorted(scheduling.trainer_ids(session)) == sorted([trainer.id, admin.id])
    assert [m["To"] for m in mailbox] == ["coach@example.org"]  # the trainer before is told of the change
    assert "Trainers added: Ada Admin" in body_of(mailbox[0])


def test_a_trainer_removed_gets_one_email(client, u, login, module, trainer, rosa, mailbox):
    (session,) = schedule(module, trainer, day=FUTURE_DAY, trainer_ids=(trainer.id, rosa.id))
    login(trainer)
    _edit(client, u, session, trainer.id)
    (message,) = mailbox
    assert message["To"] == "rosa@example.org"
    assert "Carmen Coach" in body_of(message) and "Rosa Formadora" in body_of(message)  # in Spanish


def test_a_mail_server_that_is_down_keeps_the_change_and_names_whom_to_tell(app, client, u, login, module, trainer,
                                                                           rosa, mailbox):
    session = _session(module, trainer)
    login(trainer)
    app.config["LMS_MAIL_PORT"] = 1  # nothing listens there
    response = _edit(client, u, session, trainer.id, rosa.id)
    shown = page_text(client.get(response.headers["Location"]))
    assert "We could not email: rosa@example.org. Please tell them another way." in shown
    db.session.expire_all()
    assert sorted(scheduling.trainer_ids(session)) == sorted([trainer.id, rosa.id]) and mailbox == []


def test_scheduling_a_weekly_series_with_a_colleague_tells_them_once(client, u, login, module, trainer, make_user,
                                                                      mailbox):
    otto = make_user("otto@example.org", name="Otto Trainer", role=SiteRole.TRAINER)
    login(trainer)
    path = u("lms.sessions.create")
    form = {**_rendered_form(client, path),
            **session_form(module, trainer, FUTURE_DAY, repeat="3", trainers=[str(trainer.id), str(otto.id)])}
    assert client.post(path, data=form).status_code == 302
    assert client.post(path, data=form).status_code == 302  # sent twice: scheduled once, told once
    (message,) = mailbox
    assert message["To"] == "otto@example.org" and message["Subject"] == "You now lead a live session: Role-play practice"
    body = body_of(message)
    assert "Carmen Coach made you one of the trainers" in body and "Tuesday, February 2, 2038" in body
    assert "This is the first of 3 weekly sessions, and you lead each of them." in body
    first = db.session.execute(select(LiveSession).order_by(LiveSession.starts_at).limit(1)).scalar_one()
    assert u("lms.sessions.attendance", session_id=first.id, _external=True) in body
    assert u("lms.sessions.teach", _external=True) in body


def test_scheduling_alone_tells_nobody(client, u, login, module, trainer, mailbox):
    login(trainer)
    path = u("lms.sessions.create")
    assert client.post(path, data={**_rendered_form(client, path),
                                   **session_form(module, trainer, FUTURE_DAY)}).status_code == 302
    assert mailbox == []
