"""What an automatic certificate's time rests on, as its holder's page explains it (``lms.certificates.training``).

- Live: the session named is the one whose attendance completed the live module. The attendance row is marked before
  the completion is recorded, so the certificate that completion issues reads the mark; another session of the module
  attended for the same minutes (too short a share of a longer session) is never taken for it.
- Field: a certificate states the field module's credited time (the time it requires), like every other kind of
  module, while the ledger holds every approved field log; the holder's page says so with the approved minutes that
  completed the module, and the PDF, the verification API and My certificates all state the credited time.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from lms import db
from lms.catalog import course_authoring, module_authoring
from lms.catalog.models import CourseStatus, ModuleKind
from lms.certificates import codes
from lms.db import utcnow
from lms.enrollment import services as learning
from lms.hours import approvals
from lms.hours.models import EntrySource, EntryStatus, HoursEntry
from lms.live import attendance
from lms.live.models import Attendance, AttendanceInterval, IntervalSource, LiveSession, Registration, RegistrationStatus
from tests.test_certificates_counted import LA, _certificates, _long, _pdf_text, _row, _text, _today
from tests.test_hours_ledger import Staff, field_log, make_staff


@pytest.fixture
def staff(make_user, make_org, add_member) -> Staff:
    """acme with its manager Bea; Tina and Carl on its staff since 2025."""
    return make_staff(make_user, make_org, add_member)


def _session(course, module, user, day, minutes: int, attended: int) -> LiveSession:
    """A session of ``minutes`` at 09:00 on ``day`` (California) that ``user`` registered for and attended for
    ``attended`` minutes from its start."""
    starts = datetime.combine(day, time(9, 0), LA).astimezone(UTC)
    session = LiveSession(module_id=module.id, course_id=course.id, starts_at=starts,
                          ends_at=starts + timedelta(minutes=minutes), timezone="America/Los_Angeles")
    db.session.add(session)
    db.session.flush()
    db.session.add(Registration(session_id=session.id, user_id=user.id, status=RegistrationStatus.REGISTERED))
    db.session.add(AttendanceInterval(session_id=session.id, user_id=user.id, source=IntervalSource.CHECK_IN,
                                      joined_at=starts, left_at=starts + timedelta(minutes=attended)))
    db.session.commit()
    return session


# ---------------------------------------------------------------- live: the session that completed the module


def test_the_session_named_is_the_one_whose_attendance_completed_the_module(client, u, login, staff, trainer):
    """Two sessions of the module, both attended for 185 minutes: the 4-hour one ten days ago (77%, enough) and an
    8-hour one three days ago (38%, not enough). The later one is finalised first and completes nothing; the earlier
    one, finalised after, completes the module and the course. The certificate names the earlier one: its 4 hours
    scheduled and its day as the start (guessing by minutes took the later one, the latest with those minutes)."""
    tina = staff.trainee
    course = course_authoring.create_course(course_authoring.CourseData(slug="live-skills", title="Live skills"), trainer)
    module = module_authoring.add_module(course, module_authoring.ModuleData(slug="practice", title="Practice", kind=ModuleKind.LIVE,
                                                           credited_minutes=240), trainer)
    course_authoring.set_course_status(course, CourseStatus.PUBLISHED, trainer)
    first_day, later_day = _today() - timedelta(days=10), _today() - timedelta(days=3)
    completing = _session(course, module, tina, first_day, minutes=240, attended=185)
    longer = _session(course, module, tina, later_day, minutes=480, attended=185)

    attendance.finalize(longer, trainer, utcnow(), 75)
    db.session.commit()
    assert _certificates(tina) == []
    attendance.finalize(completing, trainer, utcnow(), 75)
    db.session.commit()

    [cert] = _certificates(tina)
    assert cert.snapshot["live_basis"] == {"modules": 1, "attended": 185, "scheduled": 240, "min_share": 75}
    assert cert.snapshot["started_on"] == first_day.isoformat()
    marks = dict(db.session.execute(select(Attendance.session_id, Attendance.completed_module)
                                    .where(Attendance.user_id == tina.id)).all())
    assert marks == {completing.id: True, longer.id: False}
    login(tina)
    mine = _text(client.get(u("lms.certificates.mine")).get_data(as_text=True))
    assert ("You attended 3 hours 5 minutes of the 4 hours scheduled for the session that completed the live "
            "module") in mine


def test_a_second_session_attended_long_enough_is_marked_and_the_first_is_named(staff, trainer):
    """A second session attended long enough, after the module was completed by the first, is marked too (the
    roster, the API and the trainee's page say it was attended in full); the certificate still names the first."""
    tina = staff.trainee
    course = course_authoring.create_course(course_authoring.CourseData(slug="twice", title="Twice"), trainer)
    module = module_authoring.add_module(course, module_authoring.ModuleData(slug="practice", title="Practice", kind=ModuleKind.LIVE,
                                                           credited_minutes=120), trainer)
    course_authoring.set_course_status(course, CourseStatus.PUBLISHED, trainer)
    first = _session(course, module, tina, _today() - timedelta(days=6), minutes=120, attended=120)
    second = _session(course, module, tina, _today() - timedelta(days=2), minutes=120, attended=120)
    attendance.finalize(first, trainer, utcnow(), 75)
    attendance.finalize(second, trainer, utcnow(), 75)
    db.session.commit()
    marks = dict(db.session.execute(select(Attendance.session_id, Attendance.completed_module)
                                    .where(Attendance.user_id == tina.id)).all())
    assert marks == {first.id: True, second.id: True}
    [cert] = _certificates(tina)
    assert cert.snapshot["started_on"] == (_today() - timedelta(days=6)).isoformat()


# ---------------------------------------------------------------- field: credited time, explained beside the ledger


@pytest.fixture
def home_visits(trainer, staff):
    """A published course of one required field module that requires (credits) 1 hour; Tina is enrolled."""
    course = course_authoring.create_course(course_authoring.CourseData(slug="home-visits", title="Home visits"), trainer)
    module = module_authoring.add_module(course, module_authoring.ModuleData(slug="visits", title="Supervised visits",
                                                           kind=ModuleKind.FIELD, credited_minutes=60), trainer)
    course_authoring.set_course_status(course, CourseStatus.PUBLISHED, trainer)
    learning.enroll(staff.trainee, course)
    db.session.commit()
    return course, module


def _approved_field_minutes(user, module) -> int:
    return db.session.execute(select(func.sum(HoursEntry.minutes)).where(
        HoursEntry.user_id == user.id, HoursEntry.module_id == module.id, HoursEntry.source == EntrySource.FIELD,
        HoursEntry.status == EntryStatus.APPROVED)).scalar_one()


def test_a_field_certificate_states_the_credited_time_and_says_what_was_approved(client, u, login, staff, home_visits):
    course, module = home_visits
    tina = staff.trainee
    learning_day = _today() - timedelta(days=5)
    approvals.approve(field_log(tina, "v1", day=learning_day, minutes=100, module_id=module.id), staff.manager)
    db.session.commit()
    [cert] = _certificates(tina)
    assert cert.snapshot["minutes"] == {"live": 0, "self_paced": 0, "field": 60, "total": 60}
    assert cert.snapshot["field_basis"] == {"modules": 1, "approved": 100}
    # A log approved after the completion adds to the ledger, never to the issued certificate.
    approvals.approve(field_log(tina, "v2", day=learning_day, minutes=30, module_id=module.id), staff.manager)
    db.session.commit()
    assert _approved_field_minutes(tina, module) == 130
    db.session.expire_all()
    [cert] = _certificates(tina)
    assert cert.snapshot["minutes"]["field"] == 60

    login(tina)
    page = client.get(u("lms.certificates.mine")).get_data(as_text=True)
    mine = _text(page)
    assert "Supervised field experience: 1 hour" in mine and "Total: 1 hour" in mine
    assert ("Supervised field experience: 1 hour credited, the time the field module requires. Your approved field "
            "experience for it came to 1 hour 40 minutes when it completed the module.") in mine
    assert ("My training hours ) count every field log your employer approved, with any corrections, including time "
            "beyond what a module requires and logs approved after it was completed, so their field time can differ "
            "from the certificate's.") in mine
    assert "You attended" not in mine and "live time" not in mine  # nothing about live time it does not state
    printed = _pdf_text(client, u, cert)
    assert _row(printed, "Supervised field experience", "1 hour") and _row(printed, "Total", "1 hour"), printed
    assert "1 hour 40" not in printed and "2 hours 10" not in printed
    verify = client.get(u("lms.api.certificate", code=codes.display(cert.code))).get_json()
    assert verify["minutes"]["field"] == 60 and "field_basis" not in verify  # the holder's page only


def test_older_field_certificates_explain_the_rule_without_figures(client, u, login, staff, home_visits):
    course, module = home_visits
    tina = staff.trainee
    approvals.approve(field_log(tina, "v1", day=_today() - timedelta(days=5), minutes=75, module_id=module.id),
                      staff.manager)
    db.session.commit()
    [cert] = _certificates(tina)
    older = dict(cert.snapshot)
    del older["field_basis"]
    cert.snapshot = older  # as issued before the basis was kept
    db.session.commit()
    login(tina)
    mine = _text(client.get(u("lms.certificates.mine")).get_data(as_text=True))
    assert ("Supervised field experience: each field module you completed is credited with the time it requires, "
            "once your approved field experience for it reaches that time.") in mine
    assert "came to" not in mine
    assert _long(_today()) in mine  # the issue day, as before
