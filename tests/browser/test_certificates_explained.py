"""Certificates explained, in a real browser: a course completed with no training time credited says so to its trainee
(course page, My certificates) and lists the trainee for trainers on manual issuance, whose link opens step 2 with the
reason; a certificate with live time explains it beside the minutes attended. The pages pass axe-core."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from lms import db
from lms.catalog import course_authoring, lesson_authoring, module_authoring
from lms.catalog.models import CourseStatus, ModuleKind
from lms.db import utcnow
from lms.enrollment import services as enrollment
from lms.enrollment import visits
from lms.live import attendance
from lms.live.models import AttendanceInterval, IntervalSource, LiveSession, Registration, RegistrationStatus
from tests.browser.conftest import check_accessibility, follow, sign_in
from tests.browser.helpers import new_person, user

pytestmark = pytest.mark.browser

WANDA = "wanda.withheld@example.org"
LA = ZoneInfo("America/Los_Angeles")


def _course(slug: str, title: str, trainer, **module):
    course = course_authoring.create_course(course_authoring.CourseData(slug=slug, title=title), trainer)
    made = module_authoring.add_module(course, module_authoring.ModuleData(slug="m", title="Module", **module), trainer)
    return course, made


@pytest.fixture(scope="module")
def wanda(live_server):
    """Wanda completed "Orientation day", whose one module credits 0 minutes, and was credited 4 hours of "Role play"
    for attending 3 hours 5 minutes of its 4-hour session ten days ago."""
    with live_server.data():
        trainer = user("trainer@example.org")
        person = new_person(WANDA, "Wanda Withheld", employee_id="W-7")
        orientation, welcome = _course("orientation-day", "Orientation day", trainer, credited_minutes=0)
        lesson = lesson_authoring.add_lesson(orientation, welcome, "hello", "Hello", "Text.", 5, trainer)
        role_play, practice = _course("role-play", "Role play", trainer, kind=ModuleKind.LIVE, credited_minutes=240)
        for course in (orientation, role_play):
            course_authoring.set_course_status(course, CourseStatus.PUBLISHED, trainer)
        visits.complete_lesson(enrollment.enroll(person, orientation), lesson, utcnow(), timedelta(minutes=30))
        day = utcnow().astimezone(LA).date() - timedelta(days=10)
        starts = datetime.combine(day, time(9, 0), LA).astimezone(UTC)
        session = LiveSession(module_id=practice.id, course_id=role_play.id, starts_at=starts,
                              ends_at=starts + timedelta(minutes=240), timezone="America/Los_Angeles")
        db.session.add(session)
        db.session.flush()
        db.session.add(Registration(session_id=session.id, user_id=person.id, status=RegistrationStatus.REGISTERED,
                                    registered_by_id=person.id))
        db.session.add(AttendanceInterval(session_id=session.id, user_id=person.id, source=IntervalSource.CHECK_IN,
                                          joined_at=starts, left_at=starts + timedelta(minutes=185)))
        attendance.finalize(session, trainer, utcnow(), 75)
        return person.id


def test_the_trainee_reads_why_there_is_no_certificate_and_how_live_time_was_credited(open_page, wanda):
    page = open_page()
    sign_in(page, WANDA)
    page.goto("/courses/orientation-day")
    assert page.locator("#certificate-withheld").is_visible()
    check_accessibility(page, "course completed without a certificate")
    follow(page.locator("#certificate-withheld a"))
    assert page.url.endswith("/certificates/")
    withheld = page.locator("#withheld-orientation-day")
    assert "no certificate was issued" in withheld.inner_text()
    basis = page.locator(".cert-basis").first.inner_text()
    assert "Live: 4 hours credited. You attended 3 hours 5 minutes of the 4 hours scheduled" in basis
    check_accessibility(page, "My certificates with a course completed without one")


def test_a_trainer_finds_the_trainee_and_the_reason_on_manual_issuance(open_page, wanda):
    page = open_page()
    sign_in(page, "trainer@example.org")
    page.goto("/certificates/issue")
    waiting = page.locator("section[aria-labelledby=waiting-heading]")
    assert "Wanda Withheld" in waiting.inner_text()
    check_accessibility(page, "manual issuance, step 1, with trainees waiting")
    follow(waiting.get_by_role("link", name="Wanda Withheld — Orientation day"))
    assert "no certificate was issued automatically" in page.locator("#withheld").inner_text()
    check_accessibility(page, "manual issuance, step 2, for a course completed without a certificate")
