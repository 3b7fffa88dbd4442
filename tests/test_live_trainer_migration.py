"""Migration 0016: people made trainers of a session before the rule (trainers do not register for their own sessions,
:func:`lms.live.registration.end_for_trainers`) still held a seat or waitlist place there. Upgrading ends those places
in sessions not yet started, as the rule does (status *cancelled*, one ``registration.ended_as_trainer`` audit row
each, by nobody); sessions that started, took place or were cancelled keep theirs (history). A freed seat is not given
to the waitlist by the migration (that is told by email): the next saved edit of the session or cancellation does.
Down changes nothing; up again ends nothing twice. On a database of its own, on SQLite and PostgreSQL."""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import select

from lms import db
from lms.accounts import services as accounts
from lms.accounts.models import SiteRole, User
from lms.audit import AuditEvent
from lms.db import utcnow
from lms.live import registration, scheduling, trainers
from lms.live.models import LiveSession, Registration, RegistrationStatus, SessionStatus
from lms.live.session_status import cancel_session
from tests.conftest import PASSWORD
from tests.live_support import live_course, seat, soon
from tests.migration_support import drift, migrate_to, private_app

REGISTERED, WAITLISTED, CANCELLED = RegistrationStatus.REGISTERED, RegistrationStatus.WAITLISTED, RegistrationStatus.CANCELLED


def _places() -> dict[tuple[int, str], tuple[RegistrationStatus, bool]]:
    """(session id, person's email) → (status, whether cancelled_at is set), for every registration."""
    db.session.expire_all()
    rows = db.session.execute(select(Registration.session_id, User.email, Registration.status,
                                     Registration.cancelled_at).join(User, User.id == Registration.user_id)).all()
    return {(sid, email): (status, cancelled_at is not None) for sid, email, status, cancelled_at in rows}


def _ended_rows() -> list[AuditEvent]:
    return list(db.session.execute(select(AuditEvent).where(AuditEvent.action == "registration.ended_as_trainer")
                                   .order_by(AuditEvent.id)).scalars())


def _people():
    def person(email: str, name: str, role: SiteRole = SiteRole.TRAINEE):
        return accounts.register_user(email, name, PASSWORD, role=role)
    return (person("carmen@example.org", "Carmen Coach", SiteRole.TRAINER),
            person("teresa@example.org", "Teresa Trainer", SiteRole.TRAINER),
            person("tina@example.org", "Tina Tutor", SiteRole.TRAINER),
            person("ana@example.org", "Ana Ruiz"), person("bea@example.org", "Bea Soto"))


def _before_the_rule() -> dict[str, int]:
    """A database as 0015 left it: people made trainers before the rule still hold places. Upcoming and full (two
    seats): Teresa has a seat, Tina is first on the waitlist, then Bea. One session started, one cancelled before it
    started: their registrations are history. Returns the ids."""
    carmen, teresa, tina, ana, bea = _people()
    db.session.commit()
    module = live_course(carmen)[1]
    upcoming = soon(module, carmen, 60 * 24 * 3, capacity=2)
    seat(upcoming, teresa, ana)
    seat(upcoming, tina, bea, status=WAITLISTED)
    trainers.set_trainers(upcoming, [carmen.id, teresa.id, tina.id])
    started = soon(module, carmen, -30, capacity=5)
    seat(started, teresa)
    trainers.set_trainers(started, [carmen.id, teresa.id])
    called_off = soon(module, carmen, 60 * 24 * 5, capacity=5)
    seat(called_off, teresa)
    trainers.set_trainers(called_off, [carmen.id, teresa.id])
    cancel_session(called_off, "Room closed", carmen, utcnow())
    db.session.commit()
    assert called_off.status is SessionStatus.CANCELLED
    return {"upcoming": upcoming.id, "started": started.id, "called_off": called_off.id, "carmen": carmen.id,
            "teresa": teresa.id, "tina": tina.id, "ana": ana.id, "bea": bea.id}


def test_upgrade_ends_trainers_places_in_sessions_not_started_and_leaves_history(tmp_path, mailbox, caplog):
    with private_app(tmp_path, "m0016"):
        migrate_to("0015")
        ids = _before_the_rule()
        before = _places()
        mailbox.clear()
        with caplog.at_level(logging.WARNING, logger="alembic.runtime.migration"):
            migrate_to("0016")
        after = _places()
        assert after[(ids["upcoming"], "teresa@example.org")] == (CANCELLED, True)
        assert after[(ids["upcoming"], "tina@example.org")] == (CANCELLED, True)
        changed = {key for key in before if after[key] != before[key]}
        assert changed == {(ids["upcoming"], "teresa@example.org"), (ids["upcoming"], "tina@example.org")}
        assert after[(ids["upcoming"], "bea@example.org")] == (WAITLISTED, False)  # no promotion here
        rows = _ended_rows()
        assert [(r.data["user_id"], r.data["held"], r.data["session_id"]) for r in rows] == [
            (ids["teresa"], "registered", ids["upcoming"]), (ids["tina"], "waitlisted", ids["upcoming"])]
        assert all(r.actor_id is None and r.object_type == "Registration" and r.at is not None for r in rows)
        assert {r.object_id for r in rows} == set(db.session.execute(select(Registration.id).where(
            Registration.user_id.in_([ids["teresa"], ids["tina"]]), Registration.session_id == ids["upcoming"])
        ).scalars())
        assert list(mailbox) == []  # a migration tells nobody
        assert f"live session {ids['upcoming']}: a seat freed" in caplog.text

        # The app's own path gives the seat, as the warning says: the session's edit saved unchanged moves Bea up
        # (the view emails her), never a trainer; Ana cancelling then frees a seat nobody waits for.
        session = db.session.get(LiveSession, ids["upcoming"])
        carmen, ana = accounts.get_user(ids["carmen"]), accounts.get_user(ids["ana"])
        update = scheduling.update_session(session, scheduling.data_of(session), carmen, utcnow())
        db.session.commit()
        assert [r.user_id for r in update.promoted] == [ids["bea"]] and update.trainers.welcome == []
        assert registration.cancel_registration(session, ana, ana, utcnow()) == []
        db.session.commit()

        now = _places()
        migrate_to("0015", down=True)  # changes nothing
        assert _places() == now and len(_ended_rows()) == 2
        migrate_to()
        assert _places() == now and len(_ended_rows()) == 2  # nothing ended twice
        assert drift() == []  # the models match the newest revision


def test_a_session_that_starts_in_two_minutes_is_still_upcoming(tmp_path):
    """The line is the session's start: a session starting soon still frees the trainer's seat (as the rule would
    have, until it starts)."""
    with private_app(tmp_path, "m0016b"):
        migrate_to("0015")
        carmen, teresa, *_ = _people()
        db.session.commit()
        session = soon(live_course(carmen)[1], carmen, 2, capacity=5)
        seat(session, teresa)
        trainers.set_trainers(session, [carmen.id, teresa.id])
        db.session.commit()
        session_id = session.id
        assert session.starts_at - utcnow() < timedelta(minutes=3)
        migrate_to("0016")
        assert _places()[(session_id, "teresa@example.org")] == (CANCELLED, True)
