"""Changes that reach trainees already there: a quiz's pass mark or attempt limit once people took it, a module's
credit in a published course with enrolments. The page asks first, with counts (a plain form sent again with
``confirm``); results already given say which pass mark they were marked against; the locked-out list leaves out
people who completed the module or the course; the API reports a completed enrolment as 100%."""

from __future__ import annotations

import re

import pytest

from lms import db
from lms.accounts.models import SiteRole
from lms.catalog import lesson_authoring, module_authoring
from lms.catalog import services as catalog
from lms.catalog.models import Module, Quiz
from lms.enrollment import change_impact, completion, grants
from lms.enrollment import services as enrollment
from lms.enrollment.models import EnrollmentStatus
from tests.quiz_support import quiz_of, take
from tests.test_learning import build_course


@pytest.fixture
def trainer(make_user):
    return make_user("tina@example.org", name="Tina Trainer", role=SiteRole.TRAINER)


@pytest.fixture
def course(trainer):
    return build_course(trainer, max_attempts=2)  # pass mark 100%; a wrong answer to q1 scores 50%


def _enrolled(make_user, course, name: str):
    user = make_user(name=name)
    enrollment.enroll(user, course)
    db.session.commit()
    return user


@pytest.fixture
def people(make_user, course):
    """Rosa: one attempt at 50%. Tom: one at 50%, then completed the module (and so the course) another way.
    Lupe: both attempts used at 50%. Paula: passed with 100%."""
    rosa, tom, lupe, paula = (_enrolled(make_user, course, n) for n in ("Rosa Ruiz", "Tom Tan", "Lupe Luna",
                                                                          "Paula Paz"))
    take(rosa, course)
    take(tom, course)
    assert completion.complete_module(enrollment.get_enrollment(tom, course), catalog.get_module(course, "m1"),
                                      "field")
    db.session.commit()
    take(lupe, course, times=2)
    take(paula, course, right=True)
    return rosa, tom, lupe, paula


def _quiz_url(u) -> str:
    return u("lms.authoring.quiz", course_slug="core", module_slug="m1")


def _settings(**changes) -> dict:
    return {"title": "Check m1", "pass_mark": "100", "max_attempts": "2", **changes}


def _stored_quiz() -> Quiz:
    db.session.expire_all()
    return db.session.execute(db.select(Quiz)).scalar_one()


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


# ---------------------------------------------------------------- quiz settings


def test_a_pass_mark_and_limit_change_is_asked_about_first_with_counts(client, u, trainer, course, people, as_):
    as_(trainer)
    response = client.submit(_quiz_url(u), _settings(pass_mark="40", max_attempts="1"))
    assert response.status_code == 200
    page = _text(response.text)
    assert "4 trainees have taken this quiz." in page
    assert "1 of them will have no attempts left." in page  # Rosa; Lupe already had none, Tom completed the module
    assert "3 of them scored 40% or more without passing: those results stay “not passed”." in page
    assert "Results already given are not marked again" in page and "Confirm and save" in page
    assert re.search(r'<input[^>]*name="confirm"[^>]*value="40:1"', response.text)  # sending the form confirms
    assert (_stored_quiz().pass_mark, _stored_quiz().max_attempts) == (100, 2)  # nothing saved yet

    # other values than the ones asked about: asked again, with their counts
    again = client.submit(_quiz_url(u), _settings(pass_mark="100", max_attempts="1", confirm="40:1"))
    assert again.status_code == 200 and "1 of them will have no attempts left." in _text(again.text)
    assert "scored" not in _text(again.text) and _stored_quiz().max_attempts == 2

    saved = client.submit(_quiz_url(u), _settings(pass_mark="40", max_attempts="1", confirm="40:1"))
    assert saved.status_code == 302
    assert (_stored_quiz().pass_mark, _stored_quiz().max_attempts) == (40, 1)


def test_the_counts_of_passes_and_fails_a_new_pass_mark_would_give_otherwise(make_user, course, people):
    impact = change_impact.quiz_settings_impact(quiz_of(course), pass_mark=100, max_attempts=None)
    assert impact is not None and impact.taken == 4 and impact.locked_out == 0 and not impact.pass_mark_changed
    quiz = quiz_of(course)
    quiz.pass_mark = 50
    db.session.commit()
    take(_enrolled(make_user, course, "Ana Alba"), course)  # 50%: passed under a pass mark of 50%
    impact = change_impact.quiz_settings_impact(quiz, pass_mark=100, max_attempts=2)
    assert (impact.taken, impact.failed_above, impact.passed_below) == (5, 0, 1)  # Paula scored 100%
    impact = change_impact.quiz_settings_impact(quiz, pass_mark=40, max_attempts=1)
    assert (impact.failed_above, impact.passed_below, impact.locked_out) == (3, 0, 1)


def test_no_question_without_attempts_or_without_a_settings_change(client, u, trainer, course, people, as_):
    as_(trainer)
    assert change_impact.quiz_settings_impact(quiz_of(course), pass_mark=100, max_attempts=2) is None
    response = client.submit(_quiz_url(u), _settings(title="Check module one"))
    assert response.status_code == 302  # the title alone: saved at once

    build_course(trainer, "fresh", max_attempts=2)
    fresh = u("lms.authoring.quiz", course_slug="fresh", module_slug="m1")
    assert client.submit(fresh, _settings(pass_mark="60", max_attempts="1")).status_code == 302


def test_a_result_marked_under_another_pass_mark_says_so(client, u, trainer, course, people, login, as_):
    rosa, *_others = people
    as_(trainer)
    client.submit(_quiz_url(u), _settings(pass_mark="40", max_attempts="1", confirm="40:1"))
    as_(rosa)
    page = _text(client.get(u("lms.courses.quiz_result", course_slug="core", module_slug="m1")).text)
    assert "Not passed · your score 50%, pass mark 100%" in page
    assert "Marked against the pass mark of 100% in force then." in page
    assert "Pass mark: 40% · attempts used: 1 of 1" in page

    as_(trainer)
    client.submit(_quiz_url(u), _settings(pass_mark="100", max_attempts="1", confirm="100:1"))
    as_(rosa)
    page = _text(client.get(u("lms.courses.quiz_result", course_slug="core", module_slug="m1")).text)
    assert "in force then" not in page


def test_the_locked_out_list_leaves_out_people_who_completed_the_module(client, u, trainer, course, people, as_):
    rosa, tom, lupe, paula = people
    quiz = quiz_of(course)
    assert enrollment.get_enrollment(tom, course).status is EnrollmentStatus.COMPLETED
    assert [row.name for row in grants.list_locked_out(quiz)] == ["Lupe Luna"]
    quiz.max_attempts = 1
    db.session.commit()
    assert [row.name for row in grants.list_locked_out(quiz)] == ["Lupe Luna", "Rosa Ruiz"]

    as_(trainer)
    client.submit(_quiz_url(u), _settings(pass_mark="40", max_attempts="1", confirm="40:1"))
    section = _text(client.get(_quiz_url(u)).text.split('id="locked-out"')[1])
    assert "Rosa Ruiz" in section and "Lupe Luna" in section and "Tom Tan" not in section
    assert section.count("Marked against a higher pass mark in force then") == 2


# ---------------------------------------------------------------- module credit


def _module_url(u, module: str = "m1") -> str:
    return u("lms.authoring.edit_module", course_slug="core", module_slug=module)


def _module_form(module: Module, **changes) -> dict:
    form = {"title": f"Module {module.slug}", "summary": "", "kind": module.kind.value,
            "credited_minutes": str(module.credited_minutes), "specialties": "",
            "competency_areas": list(module.competency_areas)}
    if module.is_required:
        form["is_required"] = "y"
    return {**form, **changes}


def _stored_module(slug: str) -> Module:
    db.session.expire_all()
    return db.session.execute(db.select(Module).where(Module.slug == slug)).scalar_one()


def test_changing_credited_minutes_on_a_published_course_asks_first(client, u, trainer, course, people, as_):
    as_(trainer)
    module = _stored_module("m1")
    response = client.submit(_module_url(u), _module_form(module, credited_minutes="90"))
    assert response.status_code == 200
    page = _text(response.text)
    assert "4 trainees are enrolled in this course; 1 completed it." in page
    assert "The course will credit 1 hour 30 minutes instead of 1 hour." in page
    assert "Hours already recorded and certificates issued do not change." in page
    assert _stored_module("m1").credited_minutes == 60

    saved = client.submit(_module_url(u), _module_form(module, credited_minutes="90", confirm="90:1"))
    assert saved.status_code == 302 and _stored_module("m1").credited_minutes == 90


def test_making_a_module_required_counts_who_must_complete_it(client, u, trainer, make_user, as_):
    build_course(trainer, optional_extra=True)
    course = catalog.get_course("core")
    _enrolled(make_user, course, "Rosa Ruiz")
    as_(trainer)
    extra = _stored_module("extra")
    form = _module_form(extra, is_required="y")
    response = client.submit(_module_url(u, "extra"), form)
    page = _text(response.text)
    assert response.status_code == 200 and "1 trainee is enrolled in this course; 0 completed it." in page
    assert "The course will credit 1 hour 30 minutes instead of 1 hour." in page
    assert "1 trainee still taking the course will have to complete this module to finish it." in page
    assert not _stored_module("extra").is_required
    assert client.submit(_module_url(u, "extra"), {**form, "confirm": "30:1"}).status_code == 302
    assert _stored_module("extra").is_required


def test_no_question_on_a_draft_or_without_enrolments_or_for_other_fields(client, u, trainer, course, make_user, as_):
    as_(trainer)
    module = _stored_module("m1")
    assert client.submit(_module_url(u), _module_form(module, credited_minutes="75")).status_code == 302  # nobody
    _enrolled(make_user, course, "Rosa Ruiz")
    module = _stored_module("m1")
    assert client.submit(_module_url(u), _module_form(module, title="Module one")).status_code == 302
    assert change_impact.module_credit_impact(course, module, credited_minutes=75, is_required=False) is None


# ---------------------------------------------------------------- API


def test_the_api_reports_a_completed_enrolment_as_complete_after_a_module_is_added(client, u, trainer, make_user,
                                                                                  login):
    course = build_course(trainer)
    rosa = _enrolled(make_user, course, "Rosa Ruiz")
    mine = enrollment.get_enrollment(rosa, course)
    completion.complete_module(mine, catalog.get_module(course, "m1"), "field")
    db.session.commit()
    assert mine.status is EnrollmentStatus.COMPLETED
    later = module_authoring.add_module(course, module_authoring.ModuleData(slug="later", title="Added later", credited_minutes=30),
                               trainer)
    lesson_authoring.add_lesson(course, later, "walk", "Walking", "Walk.", 10, trainer)
    db.session.commit()

    login(rosa)
    (row,) = client.get(u("lms.api.my_enrollments")).get_json()["enrollments"]
    assert row["status"] == "completed" and row["percent"] == 100
    assert (row["required_modules"], row["required_modules_completed"]) == (2, 1)
