"""The trainee's course page for live and field-experience modules: field hours approved and pending towards a field
module, and lessons or a quiz in a live or field module shown as optional reading (they do not count toward
completion), with the trainer told so where lessons and quizzes are added."""

from __future__ import annotations

from datetime import timedelta

import pytest

from lms import db
from lms.accounts.models import SiteRole
from lms.catalog import course_authoring, lesson_authoring, module_authoring, quiz_authoring
from lms.catalog import services as catalog
from lms.catalog.models import CourseStatus, ModuleKind, QuestionKind
from lms.db import utcnow
from lms.enrollment import completion as enrollment_completion
from lms.enrollment import quiz_attempts
from lms.enrollment import services as enrollment_services
from lms.enrollment import visits as enrollment_visits
from lms.hours import adjustments, approvals
from lms.hours.field_progress import FieldProgress, list_field_progress
from tests.field_support import enrolled_field_course
from tests.test_hours_ledger import Staff, field_log, make_staff


@pytest.fixture
def staff(make_user, make_org, add_member) -> Staff:
    return make_staff(make_user, make_org, add_member)


@pytest.fixture
def field_course(make_user, staff):
    """A published course with a field module crediting 2 hours and a self-paced module, the trainee enrolled."""
    return enrolled_field_course(make_user, staff, field_minutes=120)


def _log(staff: Staff, module, key: str, minutes: int):
    return field_log(staff.trainee, key, minutes=minutes, module_id=module.id)


def _history(staff: Staff, module):
    """Approved 60 + 15 (and a manager's correction of +10), pending 30, rejected 20."""
    approvals.approve(_log(staff, module, "a", 60), staff.manager)
    approved = _log(staff, module, "b", 15)
    approvals.approve(approved, staff.manager)
    _log(staff, module, "c", 30)
    approvals.reject(_log(staff, module, "d", 20), staff.manager, "Not supervised")
    adjustments.add_adjustment(staff.org, staff.trainee, adjustments.Adjustment(minutes=10, description="Forgot the drive",
                                                                                corrects_id=approved.id),
                          staff.manager, "adj", approve_now=True)
    adjustments.add_adjustment(staff.org, staff.trainee, adjustments.Adjustment(minutes=-5, description="Waiting",
                                                                                corrects_id=approved.id),
                          staff.manager, "adj-pending")
    db.session.commit()


# ---------------------------------------------------------------- the service

def test_field_progress_counts_approved_and_pending_as_completion_does(staff, field_course):
    _course, modules = field_course
    _history(staff, modules["field"])
    progress = list_field_progress(staff.trainee.id, modules.values())
    assert list(progress) == [modules["field"].id]  # the self-paced module has none
    assert progress[modules["field"].id] == FieldProgress(modules["field"].id, 120, approved_minutes=85,
                                                          pending_minutes=30)
    assert progress[modules["field"].id].remaining_minutes == 35 and not progress[modules["field"].id].is_reached
    assert list_field_progress(staff.colleague.id, modules.values())[modules["field"].id].approved_minutes == 0


def test_reaching_the_credited_minutes_is_what_completes_the_module(staff, field_course):
    course, modules = field_course
    _history(staff, modules["field"])
    approvals.approve(_log(staff, modules["field"], "e", 35), staff.manager)
    db.session.commit()
    assert list_field_progress(staff.trainee.id, modules.values())[modules["field"].id].is_reached
    progress = enrollment_completion.load_progress(enrollment_services.get_enrollment(staff.trainee, course))
    assert progress.module_done(modules["field"])


def test_field_progress_is_one_query_whatever_the_entries(staff, field_course, count_queries):
    _course, modules = field_course
    _history(staff, modules["field"])
    user_id, loaded = staff.trainee.id, [m for m in modules.values() if m.kind]  # loaded before counting
    with count_queries() as none:
        assert list_field_progress(user_id, [modules["reading"]]) == {}
    assert none.count == 0
    with count_queries() as one:
        assert list_field_progress(user_id, loaded)[modules["field"].id].approved_minutes == 85
    assert one.count == 1


# ---------------------------------------------------------------- the trainee's course page

def test_the_course_page_shows_field_hours_approved_and_pending(client, u, login, staff, field_course):
    course, modules = field_course
    _history(staff, modules["field"])
    login(staff.trainee)
    page = client.get(u("lms.courses.course", course_slug=course.slug)).get_data(as_text=True)
    assert "1 hour 25 minutes of 2 hours of field experience approved" in page
    assert "30 minutes waiting for sign-off (counts once approved)" in page
    assert 'id="field-progress-field" max="120" value="85"' in page
    assert u("lms.hours.log_field") in page


def test_no_pending_line_when_nothing_waits_and_no_log_link_once_complete(client, u, login, staff, field_course):
    course, modules = field_course
    approvals.approve(_log(staff, modules["field"], "a", 150), staff.manager)
    db.session.commit()
    login(staff.trainee)
    page = client.get(u("lms.courses.course", course_slug=course.slug)).get_data(as_text=True)
    assert "2 hours 30 minutes of 2 hours of field experience approved" in page
    assert 'max="120" value="120"' in page  # the bar stops full
    assert "waiting for sign-off" not in page
    assert u("lms.hours.log_field") not in page


def test_field_hours_are_not_shown_to_someone_not_taking_the_course(client, u, login, staff, field_course):
    course, _modules = field_course
    login(staff.colleague)
    page = client.get(u("lms.courses.course", course_slug=course.slug)).get_data(as_text=True)
    assert "of field experience approved" not in page


def test_the_course_page_queries_do_not_grow_with_field_entries(client, u, login, staff, field_course, count_queries):
    course, modules = field_course
    login(staff.trainee)
    path = u("lms.courses.course", course_slug=course.slug)
    _log(staff, modules["field"], "first", 10)
    client.get(path)
    with count_queries() as few:
        client.get(path)
    for n in range(8):
        entry = _log(staff, modules["field"], f"more-{n}", 5)
        if n % 2:
            approvals.approve(entry, staff.manager)
    db.session.commit()
    with count_queries() as many:
        page = client.get(path).get_data(as_text=True)
    assert "20 minutes of 2 hours of field experience approved" in page
    assert many.count == few.count


# ---------------------------------------------------------------- lessons in live and field modules are reading

@pytest.fixture
def reading_course(make_user):
    """A published course: a self-paced module, then a live and a field module, each with a lesson and a quiz."""
    trainer = make_user("author@example.org", role=SiteRole.TRAINER)
    course = course_authoring.create_course(course_authoring.CourseData(slug="mixed", title="Mixed"), trainer)
    made = {}
    for slug, kind in (("basics", ModuleKind.SELF_PACED), ("practice", ModuleKind.LIVE), ("visits", ModuleKind.FIELD)):
        module = module_authoring.add_module(course, module_authoring.ModuleData(slug=slug, title=slug.title(), kind=kind), trainer)
        lesson_authoring.add_lesson(course, module, f"{slug}-reading", f"{slug.title()} reading", "Text.", 5, trainer)
        quiz = quiz_authoring.ensure_quiz(course, module, title=f"{slug.title()} check", pass_mark=50,
                                          max_attempts=None, actor=trainer)
        quiz_authoring.save_question(course, quiz, None, slug="q1", kind=QuestionKind.SINGLE, prompt="Pick",
                                     options=[quiz_authoring.OptionData("a", "Right", True),
                                              quiz_authoring.OptionData("b", "Wrong", False)], actor=trainer)
        made[slug] = module
    course_authoring.set_course_status(course, CourseStatus.PUBLISHED, trainer)
    db.session.commit()
    return trainer, course, made


def _module_part(page: str, slug: str) -> str:
    start = page.index(f'id="module-{slug}"')
    end = page.find('<li id="module-', start + 1)
    return page[start:end if end > 0 else len(page)]


def test_lessons_and_quiz_count_only_in_a_self_paced_module(reading_course):
    _trainer, _course, modules = reading_course
    assert [enrollment_completion.steps_count(m) for m in modules.values()] == [True, False, False]


def test_reading_and_passing_in_a_live_or_field_module_completes_nothing(make_user, reading_course):
    _trainer, course, modules = reading_course
    trainee = make_user()
    enrollment = enrollment_services.enroll(trainee, course)
    outline = catalog.load_outline(course)
    now = utcnow()
    for slug in ("practice", "visits"):
        lesson = outline.lessons[modules[slug].id][0]
        enrollment_visits.visit_lesson(enrollment, lesson, now, timedelta(minutes=30))
        enrollment_visits.complete_lesson(enrollment, lesson, now, timedelta(minutes=30))
        quiz = outline.quizzes[modules[slug].id]
        [(question, options)] = catalog.load_questions(quiz)
        right = {o.id for o in options if o.is_correct}
        assert quiz_attempts.submit_quiz(enrollment, quiz, {question.id: right}).attempt.passed
    db.session.commit()
    progress = enrollment_completion.load_progress(enrollment)
    assert not progress.module_done(modules["practice"]) and not progress.module_done(modules["visits"])
    assert progress.percent == 0


def test_the_course_page_presents_them_as_optional_reading(client, u, login, make_user, reading_course):
    _trainer, course, _modules = reading_course
    trainee = make_user()
    enrollment_services.enroll(trainee, course)
    db.session.commit()
    login(trainee)
    page = client.get(u("lms.courses.course", course_slug=course.slug)).get_data(as_text=True)
    basics, practice, visits = (_module_part(page, slug) for slug in ("basics", "practice", "visits"))
    assert "0 of 1 lesson done" in basics and "quiz not passed yet" in basics and "Read before" not in basics
    assert "quiz, pass mark 50%" in basics
    for part in (practice, visits):
        assert "lesson done" not in part and "quiz not passed yet" not in part
        assert "This reading is optional: it does not count toward completing the module." in part
        assert "practice quiz, pass mark 50%, optional" in part
        assert "Not completed yet" in part  # the module itself still is to do, by attendance or field hours
    assert "Read before the session." in practice and "Read before your field work." in visits


def test_visitors_see_the_reading_note_too(client, u, reading_course):
    _trainer, course, _modules = reading_course
    page = client.get(u("lms.courses.course", course_slug=course.slug)).get_data(as_text=True)
    assert "Read before the session." in _module_part(page, "practice")
    assert "Read before" not in _module_part(page, "basics")


# ---------------------------------------------------------------- the trainer is told

def test_the_authoring_pages_say_lessons_and_quiz_are_optional_there(client, u, login, reading_course):
    trainer, course, _modules = reading_course
    login(trainer)
    page = client.get(u("lms.authoring.course", course_slug=course.slug)).get_data(as_text=True)
    assert 'id="optional-material-basics"' not in page
    assert 'id="optional-material-practice"' in page and 'id="optional-material-visits"' in page
    assert "trainees complete the module by attending a live session, so reading these lessons or passing this quiz " \
           "does not count toward completing the module or the course." in page
    assert "trainees complete the module with approved, supervised field hours" in page
    for endpoint in ("lms.authoring.new_lesson", "lms.authoring.quiz"):
        live = client.get(u(endpoint, course_slug=course.slug, module_slug="practice")).get_data(as_text=True)
        assert 'id="optional-material-practice"' in live, endpoint
        field = client.get(u(endpoint, course_slug=course.slug, module_slug="visits")).get_data(as_text=True)
        assert 'id="optional-material-visits"' in field, endpoint
        self_paced = client.get(u(endpoint, course_slug=course.slug, module_slug="basics")).get_data(as_text=True)
        assert "optional-material" not in self_paced, endpoint
