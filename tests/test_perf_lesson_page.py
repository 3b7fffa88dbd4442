"""The signed-in lesson page's own work per request: the course and the reader's enrolment come in one statement (the
learner pages all start from them: course page, lesson, quiz, "mark as complete"), and who may see a course is decided
as before."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from lms import db
from lms.accounts.models import User
from lms.catalog.models import Course, CourseStatus
from lms.enrollment import services as enrollment
from lms.enrollment.models import EnrollmentStatus
from tests.test_learning import build_course, lesson_url, quiz_url


def _reads(statements: list[str], table: str) -> list[str]:
    return [s for s in statements if s.lstrip().upper().startswith("SELECT") and f"FROM {table}" in s]


@pytest.mark.parametrize("app_mode", ["standalone", "mounted"], indirect=True)
def test_the_lesson_page_reads_the_course_and_the_enrolment_together(client, u, trainer, make_user, login,
                                                                     count_queries):
    course = build_course(trainer, modules=2, lessons=3)
    user = make_user()
    enrollment.enroll(user, course)
    db.session.commit()
    login(user)
    client.get(lesson_url(u, lesson="l1"))  # warm: the sign-in session, the outline cache
    with count_queries() as again:
        assert client.get(lesson_url(u, lesson="l1")).status_code == 200
    with count_queries() as onward:
        assert client.get(lesson_url(u, lesson="l2")).status_code == 200
    # the session, the course with the enrolment, the revision, the progress rows, the visit's update; moving on to a
    # lesson not opened before also inserts its progress row (6 and 7 before: the enrolment was a statement of its own)
    assert (again.count, onward.count) == (5, 6), (again.statements, onward.statements)
    for statements in (again.statements, onward.statements):
        enrolments = _reads(statements, "lms_courses")
        assert len(enrolments) == 1 and "lms_enrollments" in enrolments[0]
        assert _reads(statements, "lms_enrollments") == []


def _set_up(trainer, make_user, status: EnrollmentStatus | None, published: bool) -> User:
    course = build_course(trainer)
    user = make_user()
    if status is not None:
        mine = enrollment.enroll(user, course)
        if status is EnrollmentStatus.WITHDRAWN:
            enrollment.transition(mine, status, user)
    if not published:
        db.session.execute(update(Course).where(Course.id == course.id).values(status=CourseStatus.DRAFT))
    db.session.commit()
    return user


@pytest.mark.parametrize(("status", "published", "course_page", "lesson_page"), [
    (EnrollmentStatus.ACTIVE, True, 200, 200),
    (EnrollmentStatus.ACTIVE, False, 200, 200),  # still enrolled in a course taken back to draft: still readable
    (EnrollmentStatus.WITHDRAWN, True, 200, 302),  # sent to the course page to enrol again
    (EnrollmentStatus.WITHDRAWN, False, 404, 404),
    (None, True, 200, 302),
    (None, False, 404, 404),
])
def test_who_may_read_a_course_is_decided_as_before(client, u, trainer, make_user, login, status, published,
                                                    course_page, lesson_page):
    login(_set_up(trainer, make_user, status, published))
    assert client.get(u("lms.courses.course", course_slug="core")).status_code == course_page
    assert client.get(lesson_url(u)).status_code == lesson_page
    assert client.get(quiz_url(u)).status_code == lesson_page
    assert client.get(lesson_url(u, course="nope")).status_code == 404


def test_staff_and_visitors_see_what_they_saw_before(client, u, trainer, make_user, login):
    _set_up(trainer, make_user, None, published=False)
    assert client.get(u("lms.courses.course", course_slug="core")).status_code == 404  # a visitor, not signed in
    login(trainer)
    assert client.get(u("lms.courses.course", course_slug="core")).status_code == 200
    assert client.get(lesson_url(u)).status_code == 302  # a trainer who is not enrolled is asked to enrol


def test_find_course_and_enrollment(trainer, make_user):
    course = build_course(trainer)
    user, other = make_user(), make_user()
    mine = enrollment.enroll(user, course)
    enrollment.enroll(other, course)
    db.session.commit()
    assert enrollment.find_course_and_enrollment("core", user) == (course, mine)
    assert enrollment.find_course_and_enrollment("core", make_user()) == (course, None)
    assert enrollment.find_course_and_enrollment("nope", user) == (None, None)

