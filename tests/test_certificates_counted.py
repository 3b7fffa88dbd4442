"""What an automatic certificate counts (``lms.certificates.training`` and ``withheld``).

- Never 0 hours: a course whose completed modules credit nothing completes without a certificate; the trainee (course
  page, My certificates) and the trainers (both steps of manual issuance) read why, the audit log records it once, and
  the certificate follows when a module that credits time is completed, or a trainer issues it by hand.
- Its start is the earliest dated training it counts: a field log dated before the enrolment, a live session attended
  before the trainee was enrolled; external training in the ledger is not counted. Issued certificates keep theirs.
- Its live time is the credited time of the live module; the holder's page explains it beside the minutes attended
  (those the ledger pays) and the session's scheduled minutes.
"""

from __future__ import annotations

import re
import subprocess
from datetime import UTC, date, datetime, time, timedelta
from html import unescape
from zoneinfo import ZoneInfo

import pytest
from flask_babel import force_locale, format_date
from sqlalchemy import func, select

from lms import db
from lms.accounts.models import SiteRole
from lms.audit import AuditEvent
from lms.catalog import course_authoring, lesson_authoring, module_authoring
from lms.catalog import services as catalog
from lms.catalog.models import CourseStatus, ModuleKind
from lms.certificates import codes, issuance, training, withheld
from lms.certificates.models import Certificate
from lms.db import utcnow
from lms.enrollment import services as learning
from lms.enrollment import visits as enrollment_visits
from lms.enrollment.models import Enrollment, EnrollmentStatus
from lms.hours import approvals, external_training
from lms.hours.models import EntrySource, HoursEntry
from lms.live import attendance
from lms.live.models import AttendanceInterval, IntervalSource, LiveSession, Registration, RegistrationStatus
from tests.test_hours_ledger import Staff, field_log, make_staff

LA = ZoneInfo("America/Los_Angeles")
IDLE = timedelta(minutes=30)
NOT_ISSUED = "No certificate was issued for this course: the modules you completed credit no training time."


def _today() -> date:
    """Today on the trainees' calendar (they have no time zone of their own: the site's, California)."""
    return utcnow().astimezone(LA).date()


def _long(day: date) -> str:
    with force_locale("en"):
        return format_date(day, "long")


def _text(page: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", page)))


def _certificates(user) -> list[Certificate]:
    return list(db.session.execute(select(Certificate).where(Certificate.user_id == user.id)).scalars())


def _withheld_rows(enrollment) -> list[AuditEvent]:
    return list(db.session.execute(select(AuditEvent).where(
        AuditEvent.action == "certificate.withheld", AuditEvent.object_type == "Enrollment",
        AuditEvent.object_id == enrollment.id)).scalars())


def _pdf_text(client, u, cert: Certificate) -> str:
    """The PDF's text as laid out, runs of spaces made one."""
    response = client.get(u("lms.certificates.pdf", code=codes.display(cert.code), lang="en"))
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    printed = subprocess.run(["pdftotext", "-layout", "-", "-"], input=response.data, capture_output=True, check=True)
    return re.sub(r"[ \t]+", " ", printed.stdout.decode())


def _row(text: str, label: str, value: str) -> bool:
    """Whether a line of the PDF starts with ``label`` and shows ``value`` (a label and its value on one line)."""
    return re.search(rf"^ ?{re.escape(label)} {re.escape(value)}\b", text, re.M) is not None


@pytest.fixture
def staff(make_user, make_org, add_member) -> Staff:
    """acme with its manager Bea; Tina and Carl on its staff since 2025."""
    return make_staff(make_user, make_org, add_member)


@pytest.fixture
def trainer(make_user):
    return make_user("teacher@example.org", name="Terry Trainer", role=SiteRole.TRAINER)


# ---------------------------------------------------------------- never 0 hours


@pytest.fixture
def orientation(trainer):
    """A published course whose one required module credits 0 minutes, with an optional module of 45 minutes."""
    course = course_authoring.create_course(course_authoring.CourseData(slug="orientation", title="Orientation"), trainer)
    welcome = module_authoring.add_module(course, module_authoring.ModuleData(slug="welcome", title="Welcome",
                                                                              credited_minutes=0), trainer)
    lesson_authoring.add_lesson(course, welcome, "hello", "Hello", "Text.", 5, trainer)
    extra = module_authoring.add_module(course, module_authoring.ModuleData(slug="extra", title="Going further", credited_minutes=45,
                                                          is_required=False), trainer)
    lesson_authoring.add_lesson(course, extra, "more", "More", "Text.", 5, trainer)
    course_authoring.set_course_status(course, CourseStatus.PUBLISHED, trainer)
    db.session.commit()
    return course


def _read(user, course, module_slug: str, lesson_slug: str) -> Enrollment:
    enrollment = learning.enroll(user, course)
    module = catalog.get_module(course, module_slug)
    enrollment_visits.complete_lesson(enrollment, catalog.get_lesson(module, lesson_slug), utcnow(), IDLE)
    db.session.commit()
    return enrollment


def test_a_course_that_credits_nothing_completes_without_a_certificate_and_says_why(
        client, u, login, staff, trainer, make_user, orientation):
    tina = staff.trainee
    enrollment = _read(tina, orientation, "welcome", "hello")
    assert enrollment.status is EnrollmentStatus.COMPLETED and _certificates(tina) == []
    [row] = _withheld_rows(enrollment)
    assert row.actor_id is None and row.org_id == staff.org.id
    assert row.data["lms_minutes"] == {"live": 0, "self_paced": 0, "field": 0, "total": 0}
    assert issuance.issue_for_enrollment(enrollment) is None  # asked again: still nothing, and no second row
    db.session.commit()
    assert len(_withheld_rows(enrollment)) == 1 and withheld.is_withheld(enrollment)

    login(tina)
    course_page = _text(client.get(u("lms.courses.course", course_slug="orientation")).get_data(as_text=True))
    assert f"You completed this course on {_long(_today())}." in course_page and NOT_ISSUED in course_page
    assert "Download your certificate" not in course_page
    mine = _text(client.get(u("lms.certificates.mine")).get_data(as_text=True))
    assert "Completed without a certificate" in mine and "Orientation" in mine
    assert f"You completed this course on {_long(_today())}, but no certificate was issued" in mine
    assert "You have no certificates yet" not in mine

    login(trainer)
    step_one = client.get(u("lms.certificates.issue")).get_data(as_text=True)
    step_two = u("lms.certificates.issue_hours", course_slug="orientation", user_id=tina.id)
    assert "Completed without a certificate" in step_one and f'href="{step_two}"' in step_one
    assert "Tina Trainee" in _text(step_one) and "tina@example.org" in step_one
    hours = _text(client.get(step_two).get_data(as_text=True))
    assert (f"Tina Trainee completed this course on {_long(_today())}, but no certificate was issued automatically: "
            "the modules they completed credit no training time (0 hours).") in hours
    assert "completed this course in the LMS, but the modules they completed credit no training time" in hours
    assert "has not completed any module" not in hours

    login(make_user("root@example.org", role=SiteRole.ADMIN))
    log = _text(client.get(u("lms.admin.audit_log")).get_data(as_text=True))
    assert "Certificate not issued: no training time credited" in log


def test_a_module_that_credits_time_later_issues_the_certificate(client, u, login, staff, orientation):
    tina = staff.trainee
    enrollment = _read(tina, orientation, "welcome", "hello")
    assert _certificates(tina) == []
    _read(tina, orientation, "extra", "more")  # the optional module, 45 minutes
    [cert] = _certificates(tina)
    assert cert.enrollment_id == enrollment.id and cert.snapshot["minutes"]["total"] == 45
    assert cert.snapshot["completed_on"] == cert.snapshot["started_on"] == _today().isoformat()
    assert not withheld.is_withheld(enrollment) and withheld.list_for_user(tina) == []
    login(tina)
    course_page = _text(client.get(u("lms.courses.course", course_slug="orientation")).get_data(as_text=True))
    assert NOT_ISSUED not in course_page and "Download your certificate" in course_page
    assert "Completed without a certificate" not in client.get(u("lms.certificates.mine")).get_data(as_text=True)


def test_a_trainer_issues_it_by_hand_and_the_trainee_leaves_the_list(client, u, login, staff, trainer, orientation):
    tina = staff.trainee
    _read(tina, orientation, "welcome", "hello")
    login(trainer)
    path = u("lms.certificates.issue_hours", course_slug="orientation", user_id=tina.id)
    done = client.submit(path, {"live_hours": "0", "self_paced_hours": "1.5", "field_hours": "0",
                                "reason": "Orientation was given in person"})
    assert done.status_code == 200
    [cert] = _certificates(tina)
    assert cert.snapshot["minutes"]["total"] == 90 and withheld.list_to_issue() == []
    assert "Completed without a certificate" not in client.get(u("lms.certificates.issue")).get_data(as_text=True)


def test_a_course_that_credits_time_issues_as_before(staff, trainer):
    """The rule is only for 0 minutes: one credited minute is a certificate, and nothing is withheld."""
    course = course_authoring.create_course(course_authoring.CourseData(slug="tiny", title="Tiny"), trainer)
    module = module_authoring.add_module(course, module_authoring.ModuleData(slug="m", title="M", credited_minutes=1), trainer)
    lesson_authoring.add_lesson(course, module, "l", "L", "Text.", 5, trainer)
    course_authoring.set_course_status(course, CourseStatus.PUBLISHED, trainer)
    enrollment = _read(staff.trainee, course, "m", "l")
    [cert] = _certificates(staff.trainee)
    assert cert.snapshot["minutes"]["total"] == 1 and _withheld_rows(enrollment) == []


# ---------------------------------------------------------------- the start: the earliest dated training


@pytest.fixture
def field_course(trainer, staff):
    """A self-paced module (30 min) and a field module (60 min); Tina enrols today and reads the lesson."""
    course = course_authoring.create_course(course_authoring.CourseData(slug="outreach", title="Outreach"), trainer)
    reading = module_authoring.add_module(course, module_authoring.ModuleData(slug="reading", title="Reading",
                                                                              credited_minutes=30), trainer)
    lesson_authoring.add_lesson(course, reading, "l1", "Lesson", "Text.", 5, trainer)
    visits = module_authoring.add_module(course, module_authoring.ModuleData(slug="visits", title="Home visits", kind=ModuleKind.FIELD,
                                                           credited_minutes=60), trainer)
    course_authoring.set_course_status(course, CourseStatus.PUBLISHED, trainer)
    db.session.commit()
    _read(staff.trainee, course, "reading", "l1")
    return course, visits


def test_a_field_log_dated_before_the_enrolment_starts_the_certificate(client, u, login, staff, field_course):
    course, visits = field_course
    tina, before = staff.trainee, _today() - timedelta(days=40)
    external_training.submit_external(tina, external_training.ExternalTraining(
        title="CPR", activity_date=_today() - timedelta(days=90), minutes=120), "cpr")  # in the ledger, not in the course
    log = field_log(tina, "visit", day=before, minutes=60, module_id=visits.id)
    approvals.approve(log, staff.manager)
    db.session.commit()
    [cert] = _certificates(tina)
    enrolled = db.session.execute(select(Enrollment.enrolled_at).where(Enrollment.user_id == tina.id)).scalar_one()
    assert enrolled.astimezone(LA).date() == _today()
    assert (cert.snapshot["started_on"], cert.snapshot["completed_on"]) == (before.isoformat(), _today().isoformat())
    assert cert.snapshot["minutes"] == {"live": 0, "self_paced": 30, "field": 60, "total": 90}

    login(tina)
    printed = _pdf_text(client, u, cert)
    assert _row(printed, "Started", _long(before)), printed
    verify = _text(client.get(u("lms.certificates.verify_page", code=codes.display(cert.code))).get_data(as_text=True))
    assert _long(before) in verify

    # Issued certificates are records: an approved log dated earlier still leaves this one as it was.
    approvals.approve(field_log(tina, "older", day=before - timedelta(days=10), minutes=30, module_id=visits.id),
                      staff.manager)
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Certificate, cert.id).snapshot["started_on"] == before.isoformat()


def test_without_earlier_training_the_start_is_the_first_lesson_opened(staff, trainer):
    """Enrolled 20 days ago, first lesson opened 12 days ago: the training started then, not at the enrolment."""
    course = course_authoring.create_course(course_authoring.CourseData(slug="quick", title="Quick"), trainer)
    module = module_authoring.add_module(course, module_authoring.ModuleData(slug="m", title="M", credited_minutes=20), trainer)
    lesson_authoring.add_lesson(course, module, "l", "L", "Text.", 5, trainer)
    course_authoring.set_course_status(course, CourseStatus.PUBLISHED, trainer)
    tina, now = staff.trainee, utcnow()
    enrollment = learning.enroll(tina, course)
    enrollment.enrolled_at = now - timedelta(days=20)
    opened = enrollment_visits.visit_lesson(enrollment, catalog.get_lesson(module, "l"), now - timedelta(days=12), IDLE)
    opened.first_viewed_at = now - timedelta(days=12)
    enrollment_visits.complete_lesson(enrollment, catalog.get_lesson(module, "l"), now, IDLE)
    db.session.commit()
    [cert] = _certificates(tina)
    assert cert.snapshot["started_on"] == (now - timedelta(days=12)).astimezone(LA).date().isoformat()


# ---------------------------------------------------------------- live time: credited, attended, scheduled


@pytest.fixture
def live_world(trainer, staff):
    """A course of one live module crediting 4 hours; a 4-hour session ten days ago that Tina registered for and
    attended for 3 hours 5 minutes (77%, enough to complete the module); she was not enrolled in the course."""
    course = course_authoring.create_course(course_authoring.CourseData(slug="live-skills", title="Live skills"), trainer)
    module = module_authoring.add_module(course, module_authoring.ModuleData(slug="practice", title="Practice", kind=ModuleKind.LIVE,
                                                           credited_minutes=240), trainer)
    course_authoring.set_course_status(course, CourseStatus.PUBLISHED, trainer)
    day = _today() - timedelta(days=10)
    starts = datetime.combine(day, time(9, 0), LA).astimezone(UTC)
    session = LiveSession(module_id=module.id, course_id=course.id, starts_at=starts,
                          ends_at=starts + timedelta(minutes=240), timezone="America/Los_Angeles")
    db.session.add(session)
    db.session.flush()
    db.session.add(Registration(session_id=session.id, user_id=staff.trainee.id, status=RegistrationStatus.REGISTERED))
    db.session.add(AttendanceInterval(session_id=session.id, user_id=staff.trainee.id, source=IntervalSource.CHECK_IN,
                                      joined_at=starts, left_at=starts + timedelta(minutes=185)))
    db.session.commit()
    return course, session, day


def test_live_time_is_the_credited_time_explained_beside_the_minutes_attended(client, u, login, staff, trainer,
                                                                               live_world):
    course, session, day = live_world
    tina = staff.trainee
    attendance.finalize(session, trainer, utcnow(), 75)
    db.session.commit()
    [cert] = _certificates(tina)
    assert cert.snapshot["minutes"] == {"live": 240, "self_paced": 0, "field": 0, "total": 240}
    assert cert.snapshot["live_basis"] == {"modules": 1, "attended": 185, "scheduled": 240, "min_share": 75}
    # enrolled by the attendance today, the training was the session ten days ago
    assert (cert.snapshot["started_on"], cert.snapshot["completed_on"]) == (day.isoformat(), _today().isoformat())
    [entry] = db.session.execute(select(HoursEntry).where(HoursEntry.user_id == tina.id)).scalars()
    assert (entry.source, entry.minutes) == (EntrySource.LIVE, 185)  # the ledger pays what the page says was attended

    login(tina)
    mine = _text(client.get(u("lms.certificates.mine")).get_data(as_text=True))
    assert "Live (synchronous): 4 hours" in mine
    assert ("Live: 4 hours credited. You attended 3 hours 5 minutes of the 4 hours scheduled for the session that "
            "completed the live module; a live module is credited in full once you attend at least 75% of a session.") in mine
    assert ("My training hours ) count the minutes you actually attended each session, paid once approved, so their "
            "live time can differ from the certificate's.") in mine
    assert u("lms.hours.mine") in client.get(u("lms.certificates.mine")).get_data(as_text=True)
    printed = _pdf_text(client, u, cert)
    assert _row(printed, "Live (synchronous)", "4 hours") and _row(printed, "Total", "4 hours"), printed
    assert _row(printed, "Started", _long(day)), printed
    verify = client.get(u("lms.api.certificate", code=codes.display(cert.code))).get_json()
    assert "live_basis" not in verify and "attended" not in str(verify)  # the holder's page only


def test_older_certificates_and_those_issued_by_hand_say_how_their_hours_were_set(client, u, login, staff, trainer,
                                                                                live_world):
    course, session, _day = live_world
    tina = staff.trainee
    attendance.finalize(session, trainer, utcnow(), 75)
    db.session.commit()
    [cert] = _certificates(tina)
    older = dict(cert.snapshot)
    del older["live_basis"]
    cert.snapshot = older  # as issued before the basis was kept
    db.session.commit()
    login(tina)
    mine = _text(client.get(u("lms.certificates.mine")).get_data(as_text=True))
    assert "Live: each live module you completed is credited in full once your attendance of a session completed it." in mine
    assert "You attended" not in mine

    carl = staff.colleague
    issuance.issue_manually(carl, course, trainer, "Attended at the county", training.TrainingMinutes(live=150))
    db.session.commit()
    login(carl)
    mine = _text(client.get(u("lms.certificates.mine")).get_data(as_text=True))
    assert "This certificate was issued by hand: its training time is the time the issuer stated." in mine
    assert "time credited for the modules you completed" not in mine


def test_a_finalised_session_below_the_share_issues_nothing(staff, trainer, live_world):
    """170 of 240 minutes (70%) does not complete the module: no certificate, and nothing withheld either."""
    _course, session, _day = live_world
    interval = db.session.execute(select(AttendanceInterval)).scalar_one()
    interval.left_at = interval.joined_at + timedelta(minutes=170)
    db.session.commit()
    attendance.finalize(session, trainer, utcnow(), 75)
    db.session.commit()
    assert _certificates(staff.trainee) == []
    assert db.session.execute(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "certificate.withheld")).scalar() == 0
