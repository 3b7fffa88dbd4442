"""Three findings of a trainer's live-session day:

- finalising a session that ended early with "It ended at" left empty counts until now to the second, as the roster
  did: someone who checked out in the last part-minute keeps the minutes the roster showed;
- a person's attendance page of a session that took no registration (recorded afterwards) does not say "Not
  registered", and its words are spaced;
- after a correction cuts a trainee's time below the rule, their session page no longer says that time completed the
  module: it says the module was completed when attendance was recorded, and the correction does not change that.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from lms import db
from lms.catalog.models import Course
from lms.db import utcnow
from lms.enrollment.services import enroll
from lms.live import attendance
from lms.live.attendance_changes import Change
from lms.live.roster import load_roster
from tests.conftest import html_text
from tests.live_support import add_time, held_at, seat, soon, stayed


def _line(session, user, now):
    return load_roster(session, now).line_for(user.id)


# ---------------------------------------------------------------- finalising, ended early, no time given


def test_an_early_end_left_empty_keeps_the_minutes_the_roster_showed(app, module, trainer, make_user):
    session = soon(module, trainer, -110, minutes=120)
    ana, ben = make_user(name="Ana Ruiz"), make_user(name="Ben Cruz")
    seat(session, ana, ben)
    add_time(session, ana, timedelta(minutes=95, seconds=20), timedelta(minutes=100, seconds=40))  # 5 min 20 s
    add_time(session, ben, 0, None)  # still there
    now = session.starts_at + timedelta(minutes=100, seconds=50, microseconds=123)
    assert _line(session, ana, now).minutes == 5
    rows = {row.user_id: row for row in attendance.finalize(session, trainer, now, 75, early=True)}
    db.session.commit()
    assert session.ended_early_at == now
    assert rows[ana.id].minutes == 5  # ended at the minute (1:40:00) it was 4
    assert (rows[ben.id].minutes, rows[ben.id].completed_module) == (100, True)
    roster = load_roster(session, now)
    assert (roster.share(roster.line_for(ben.id)), roster.line_for(ana.id).minutes) == (100, 5)


# ---------------------------------------------------------------- the person page of a session recorded afterwards


def test_the_person_page_of_a_session_without_registration_says_nothing_of_a_seat(client, u, login, trainer, module,
                                                                                 make_user):
    # created after its start: it took no registration, as one recorded afterwards
    session = held_at(module, trainer, utcnow().replace(second=0, microsecond=0) - timedelta(hours=3), 120)
    course = db.session.get(Course, session.course_id)
    ana = make_user("ana@example.org", name="Ana Ruiz")
    enroll(ana, course)
    db.session.commit()
    login(trainer)
    page = html_text(client.get(u("lms.sessions.attendance_person", session_id=session.id, user_id=ana.id))
                     .get_data(as_text=True))
    assert "ana@example.org · Status not set" in page
    assert "Not registered" not in page


def test_the_person_page_spaces_its_words(client, u, login, trainer, module, make_user):
    session = soon(module, trainer, 60 * 24)  # takes registration
    ana, ben = make_user("ana@example.org", name="Ana Ruiz"), make_user("ben@example.org", name="Ben Cruz")
    seat(session, ana)
    enroll(ben, db.session.get(Course, session.course_id))
    db.session.commit()
    login(trainer)

    def words(person):
        return html_text(client.get(u("lms.sessions.attendance_person", session_id=session.id, user_id=person.id))
                         .get_data(as_text=True))

    assert "ana@example.org · Registered · Status not set" in words(ana)
    assert "ben@example.org · Not registered · Status not set" in words(ben)


# ---------------------------------------------------------------- the trainee's page after a correction


def _session_page(client, u, session) -> str:
    return html_text(client.get(u("lms.sessions.detail", session_id=session.id)).get_data(as_text=True))


def test_a_correction_that_cuts_the_time_does_not_say_that_time_completed_the_module(client, u, as_, trainer, module,
                                                                                    make_user):
    session = held_at(module, trainer, datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(hours=4), 180)
    ana = make_user("ana@example.org", name="Ana Ruiz")
    seat(session, ana)
    first = stayed(session, ana, 170)
    attendance.finalize(session, trainer, utcnow(), 75)
    db.session.commit()
    as_(ana)
    assert "It completed the module “Role-play practice”." in _session_page(client, u, session)

    start = session.starts_at
    attendance.change_attendance(session, ana, Change(joined_at=start, left_at=start + timedelta(minutes=40),
                                                      void_interval_id=first.id),
                                 trainer, utcnow(), 75, "Left at the break")
    db.session.commit()
    page = _session_page(client, u, session)
    assert "You attended this session: 40 minutes." in page
    assert "It completed the module" not in page
    assert ("Your attendance completed the module “Role-play practice” when it was recorded. A later correction of "
            "your attendance does not change that.") in page


def test_a_correction_that_still_meets_the_rule_keeps_the_plain_words(client, u, login, trainer, module, make_user):
    session = held_at(module, trainer, datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(hours=4), 180)
    ana = make_user("ana@example.org", name="Ana Ruiz")
    seat(session, ana)
    first = stayed(session, ana, 170)
    attendance.finalize(session, trainer, utcnow(), 75)
    start = session.starts_at
    attendance.change_attendance(session, ana, Change(joined_at=start, left_at=start + timedelta(minutes=150),
                                                      void_interval_id=first.id),
                                 trainer, utcnow(), 75, "Left a little earlier")
    db.session.commit()
    login(ana)
    page = _session_page(client, u, session)
    assert "It completed the module “Role-play practice”." in page
    assert "when it was recorded" not in page
