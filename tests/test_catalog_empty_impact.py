"""What authors are told before a change counts only what trainees see and need (lms.catalog.visibility): a
self-paced module with nothing in it to do, and a quiz with no live question, are neither in the counts of the "this
change affects N trainees" confirmations nor in what the course page and the publishing check say about certificates."""

from __future__ import annotations

import re

from lms import db
from lms.catalog import archive, course_authoring, lesson_authoring, module_authoring, quiz_authoring
from lms.catalog import services as catalog
from lms.catalog.models import CourseStatus, Module, QuestionKind
from lms.enrollment import change_impact
from lms.enrollment import services as enrollment
from tests.quiz_support import quiz_of, take
from tests.test_learning import build_course


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _empty_module(course, trainer, minutes: int = 45, required: bool = True) -> Module:
    """A self-paced module with nothing in it yet (the services add it required even to a published course)."""
    module = module_authoring.add_module(course, module_authoring.ModuleData(slug="later", title="Coming later",
                                                                             credited_minutes=minutes,
                                                           is_required=required), trainer)
    db.session.commit()
    return module


def _module_form(module: Module, **changes) -> dict:
    form = {"title": f"Module {module.slug}", "summary": "", "kind": module.kind.value,
            "credited_minutes": str(module.credited_minutes), "specialties": "", "competency_areas": []}
    if module.is_required:
        form["is_required"] = "y"
    return {**form, **changes}


def _enrol(make_user, course, email: str):
    user = make_user(email)
    enrollment.enroll(user, course)
    db.session.commit()
    return user


def test_the_credit_confirmation_leaves_out_a_module_trainees_do_not_see(client, u, trainer, make_user, as_):
    course = build_course(trainer, quiz=False, es_title=None)  # m1: two lessons, 60 minutes, published
    later = _empty_module(course, trainer)
    _enrol(make_user, course, "rosa@example.org")
    as_(trainer)
    m1 = catalog.get_module(course, "m1")
    response = client.submit(u("lms.authoring.edit_module", course_slug="core", module_slug="m1"),
                             _module_form(m1, credited_minutes="90"))
    page = _text(response.text)
    assert response.status_code == 200 and "1 trainee is enrolled in this course; 0 completed it." in page
    # not "2 hours 15 minutes instead of 1 hour 45 minutes": the empty module's 45 minutes are not the course's
    assert "The course will credit 1 hour 30 minutes instead of 1 hour." in page

    # The empty module itself: nobody sees or needs it, so changing its credit is saved at once.
    saved = client.submit(u("lms.authoring.edit_module", course_slug="core", module_slug="later"),
                          _module_form(later, credited_minutes="30"))
    assert saved.status_code == 302 and catalog.get_module(course, "later").credited_minutes == 30
    later = catalog.get_module(course, "later")
    assert change_impact.module_credit_impact(course, later, credited_minutes=20, is_required=True) is None

    # With a lesson trainees see it and need it: it is counted and asked about.
    lesson_authoring.add_lesson(course, later, "first", "First", "Body.", 10, trainer)
    db.session.commit()
    impact = change_impact.module_credit_impact(course, later, credited_minutes=20, is_required=True)
    assert impact is not None and (impact.course_minutes_before, impact.course_minutes_after) == (90, 80)


def test_a_quiz_left_with_no_question_is_not_asked_about(client, u, trainer, make_user, as_):
    course = build_course(trainer, max_attempts=2, es_title=None)  # m1's quiz: two questions
    take(_enrol(make_user, course, "rosa@example.org"), course)  # 50%: not passed, one attempt left
    quiz = quiz_of(course)
    assert change_impact.quiz_settings_impact(quiz, pass_mark=50, max_attempts=1) is not None
    course_authoring.set_course_status(course, CourseStatus.DRAFT, trainer)  # a draft's quiz can lose every question
    for question, _options in catalog.load_questions(quiz):
        archive.archive(course, question, trainer)
    db.session.commit()
    assert change_impact.quiz_settings_impact(quiz_of(course), pass_mark=50, max_attempts=1) is None
    as_(trainer)
    saved = client.submit(u("lms.authoring.quiz", course_slug="core", module_slug="m1"),
                          {"title": "Check m1", "pass_mark": "50", "max_attempts": "1"})
    assert saved.status_code == 302  # saved at once: nobody could take it, so nobody to count
    assert (quiz_of(course).pass_mark, quiz_of(course).max_attempts) == (50, 1)


def test_the_course_page_warns_of_no_certificate_from_what_trainees_see(client, u, trainer, as_):
    course = build_course(trainer, quiz=False, es_title=None, publish=False)
    catalog.get_module(course, "m1").credited_minutes = 0
    later = _empty_module(course, trainer, minutes=45)  # required, but hidden: completing needs m1 alone
    as_(trainer)
    course_page = u("lms.authoring.course", course_slug="core")
    page = client.get(course_page).text
    assert 'id="no-certificate"' in page and "Completing this course issues no certificate." in page
    lesson_authoring.add_lesson(course, later, "first", "First", "Body.", 10, trainer)
    db.session.commit()  # now shown and needed: its 45 minutes make the certificate
    assert 'id="no-certificate"' not in client.get(course_page).text


def test_publishing_is_refused_while_trainees_would_see_no_module(client, u, trainer, as_):
    course = build_course(trainer, modules=0, quiz=False, es_title=None, publish=False)
    later = _empty_module(course, trainer, required=False)  # optional: publishing's own rules let it pass
    as_(trainer)
    asked = client.get(u("lms.authoring.set_status", course_slug="core", status="published")).text
    assert "Trainees would see no module of this course" in _text(asked) and 'name="confirm"' not in asked
    status = u("lms.authoring.set_status", course_slug="core")
    client.submit(status, {"status": "published", "confirm": "yes"})
    assert catalog.get_course("core").status is CourseStatus.DRAFT

    quiz = quiz_authoring.ensure_quiz(course, later, title="Check", pass_mark=80, max_attempts=None, actor=trainer)
    db.session.commit()
    client.submit(status, {"status": "published", "confirm": "yes"})
    assert catalog.get_course("core").status is CourseStatus.DRAFT  # a quiz with no question shows nothing either
    quiz_authoring.save_question(course, quiz, None, slug="q1", kind=QuestionKind.SINGLE,
                                 prompt="Pick", options=[quiz_authoring.OptionData("a", "Right", True),
                                                         quiz_authoring.OptionData("b", "Wrong", False)],
                                 actor=trainer)
    db.session.commit()
    client.submit(status, {"status": "published", "confirm": "yes"})
    assert catalog.get_course("core").status is CourseStatus.PUBLISHED
