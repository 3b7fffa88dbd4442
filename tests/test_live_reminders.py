"""``lms send-reminders``: each due reminder exactly once, only to people with a seat in scheduled sessions, in the
recipient's language and time zone, retried when the mail server fails, and safe when two runs overlap."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from lms import db
from lms.db import utcnow
from lms.live import checkin, registration, reminders, scheduling
from lms.live.models import ReminderSent, SessionMode
from lms.live.notices import TitleBook
from lms.live.times import when_text
from tests.concurrency import claims_at_once
from tests.conftest import body_of
from tests.live_support import soon


def _run(runner):
    return runner.invoke(args=["lms", "send-reminders"])


def test_offsets_are_parsed_and_bad_ones_refused():
    assert reminders.parse_offsets("1h, 24h,90m,2d") == [
        ("2d", timedelta(days=2)), ("24h", timedelta(hours=24)), ("90m", timedelta(minutes=90)),
        ("1h", timedelta(hours=1))]
    for bad in ("", "soon", "0h", "5w", "-1h", "1.5h"):
        with pytest.raises(ValueError):
            reminders.parse_offsets(bad)


def test_each_reminder_arrives_once_in_the_recipients_language_and_zone(runner, module, trainer, make_user, mailbox):
    session = soon(module, trainer, 30, capacity=2, join_url="https://meet.example.org/r", mode=SessionMode.HYBRID)
    rosa = make_user("rosa@example.org", name="Rosa", locale="es", timezone="America/New_York")
    tom = make_user("tom@example.org", name="Tom", locale="en")
    waiting = make_user("waiting@example.org")
    gone = make_user("gone@example.org")
    for person in (rosa, tom, waiting):
        registration.register(session, person, person, utcnow())
    cancelled_session = soon(module, trainer, 45)
    registration.register(cancelled_session, gone, gone, utcnow())
    scheduling.cancel_session(cancelled_session, "No room", trainer, utcnow())
    far = soon(module, trainer, 3 * 24 * 60)
    registration.register(far, tom, tom, utcnow())
    db.session.commit()
    mailbox.clear()

    first = _run(runner)
    assert first.exit_code == 0, first.output
    second = _run(runner)
    assert second.exit_code == 0 and "sent: 0" in second.output
    assert sorted(m["To"] for m in mailbox) == ["rosa@example.org", "tom@example.org"]  # once each, nobody else
    rosa_mail = next(m for m in mailbox if m["To"] == "rosa@example.org")
    body = body_of(rosa_mail)
    assert "Práctica de juegos de roles" in rosa_mail["Subject"]
    assert when_text(session.starts_at, session.ends_at, "America/New_York", "es_US") in body  # her zone, Spanish
    assert "Role-play practice" in next(m for m in mailbox if m["To"] == "tom@example.org")["Subject"]
    # the trainee joins with the session page's button, which records their time, not with the meeting link itself
    assert "meet.example.org/r" not in body
    assert f"para que quede registrado su tiempo de asistencia: http://lms.test/sessions/{session.id}" in body
    # both kinds were due at once (30 minutes ahead): one email, both recorded
    kinds = db.session.execute(select(ReminderSent.kind).where(ReminderSent.user_id == rosa.id)).scalars()
    assert sorted(kinds) == ["1h", "24h"]


def _deliver(now) -> int:
    """What one run of the command does, at a chosen time."""
    sent = 0
    for item in reminders.find_due(now, reminders.parse_offsets("24h,1h")):
        if reminders.claim(item):
            reminders.send(item, "https://lms.test/sessions/1", TitleBook())
            db.session.commit()
            sent += 1
    return sent


def test_the_24h_and_1h_reminders_each_go_out_when_due(app, module, trainer, make_user, mailbox):
    session = soon(module, trainer, 3 * 24 * 60)
    person = make_user(locale="en")
    registration.register(session, person, person, utcnow())
    db.session.commit()
    start = session.starts_at
    with app.test_request_context():
        assert _deliver(start - timedelta(hours=25)) == 0  # not due yet
        assert _deliver(start - timedelta(hours=23)) == 1
        assert _deliver(start - timedelta(hours=22)) == 0
        assert _deliver(start - timedelta(minutes=59)) == 1
        assert _deliver(start - timedelta(minutes=10)) == 0
        assert _deliver(start + timedelta(minutes=1)) == 0  # started: too late
    assert len(mailbox) == 2


def test_a_new_start_time_sends_the_reminders_again(app, module, trainer, make_user, mailbox):
    session = soon(module, trainer, 30)
    person = make_user()
    registration.register(session, person, person, utcnow())
    db.session.commit()
    with app.test_request_context():
        assert _deliver(utcnow()) == 1
        data = scheduling.data_of(session)
        moved = session.starts_at + timedelta(minutes=20)  # the session's zone is UTC (see soon()); may cross midnight
        later = data.__class__(**{**data.__dict__, "starts_on": moved.date(), "start_time": moved.time().replace(tzinfo=None)})
        scheduling.update_session(session, later, trainer, utcnow())
        db.session.commit()
        assert _deliver(utcnow()) == 1


def test_a_mail_failure_is_retried_on_the_next_run(app, runner, module, trainer, make_user, mailbox):
    session = soon(module, trainer, 30)
    person = make_user()
    registration.register(session, person, person, utcnow())
    db.session.commit()
    port = app.config["LMS_MAIL_PORT"]
    app.config["LMS_MAIL_PORT"] = 1  # nothing listens there
    failed = _run(runner)
    assert failed.exit_code != 0 and "could not be sent" in failed.output
    assert db.session.execute(select(func.count(ReminderSent.id))).scalar_one() == 0
    app.config["LMS_MAIL_PORT"] = port
    assert _run(runner).exit_code == 0
    assert len(mailbox) == 1


def test_bad_offsets_stop_the_command_with_a_reason(app, runner):
    app.config["LMS_REMINDER_OFFSETS"] = "tomorrow"
    result = _run(runner)
    assert result.exit_code != 0 and "LMS_REMINDER_OFFSETS" in result.output


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"), reason="PostgreSQL only")
def test_two_overlapping_runs_claim_a_reminder_once(app, module, trainer, make_user):
    session = soon(module, trainer, 30)
    person = make_user()
    registration.register(session, person, person, utcnow())
    db.session.commit()
    item = reminders.find_due(utcnow(), reminders.parse_offsets("24h,1h"))[0]
    db.session.rollback()
    assert claims_at_once(app, lambda: reminders.claim(item), 6) == [False] * 5 + [True]
    assert db.session.execute(select(func.count(ReminderSent.id))).scalar_one() == 2


def test_nobody_already_checked_in_is_reminded(app, module, trainer, make_user, mailbox):
    """Someone who registered just before the start and checked in is in the room: a reminder telling her to cancel
    if she cannot come would be wrong. The others registered are still reminded."""
    session = soon(module, trainer, 10)
    here, coming = make_user("here@example.org"), make_user("coming@example.org")
    for person in (here, coming):
        registration.register(session, person, person, utcnow())
    checkin.check_in(session, here, utcnow(), timedelta(minutes=15))
    db.session.commit()
    mailbox.clear()
    with app.test_request_context():
        assert _deliver(utcnow()) == 1
    assert [m["To"] for m in mailbox] == ["coming@example.org"]
