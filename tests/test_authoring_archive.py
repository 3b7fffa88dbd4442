"""Removing (archiving) and restoring modules, lessons, quizzes and questions in the authoring pages: a confirmation
page whose GET changes nothing, a POST with CSRF, the "Removed" lists with Restore, audit rows, places kept or given
up, slug clashes, the rules that keep a published course finishable, and what trainees see and complete when a quiz
is removed (docs/learning.md, "Removing and restoring")."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from lms import db
from lms.accounts.models import SiteRole
from lms.audit import AuditEvent
from lms.catalog import course_authoring, lesson_authoring, module_authoring, quiz_authoring
from lms.catalog import services as catalog
from lms.catalog.models import CourseStatus, Lesson, Module, Question, QuestionKind, Quiz
from lms.db import utcnow
from lms.enrollment import completion as enrollment_completion
from lms.enrollment import quiz_attempts, visits
from lms.enrollment import services as enrollment
from lms.enrollment.models import EnrollmentStatus, ModuleCompletion, QuizAttempt

COURSE = "heat-safety"


@pytest.fixture
def trainer(make_user):
    return make_user("trainer@example.org", name="Tina Trainer", role=SiteRole.TRAINER, locale="en")


def build(author, *, lessons=("a", "b", "c"), quiz=True, questions=("q1", "q2"), publish=False, modules=("m1",)):
    """A course of self-paced modules, each with ``lessons`` and (if ``quiz``) a quiz of single-answer questions."""
    course = course_authoring.create_course(course_authoring.CourseData(slug=COURSE, title="Heat safety"), author)
    for slug in modules:
        module = module_authoring.add_module(course, module_authoring.ModuleData(slug=slug, title=f"Module {slug}"), author)
        for lesson in lessons:
            lesson_authoring.add_lesson(course, module, lesson, f"Lesson {lesson}", f"Text of {lesson}.", 5, author)
        if quiz:
            made = quiz_authoring.ensure_quiz(course, module, title=f"Check {slug}", pass_mark=100, max_attempts=None,
                                       actor=author)
            for question in questions:
                quiz_authoring.save_question(course, made, None, slug=question, kind=QuestionKind.SINGLE,
                                      prompt=f"Prompt {question}", options=[
                                          quiz_authoring.OptionData("right", "Right", True),
                                          quiz_authoring.OptionData("wrong", "Wrong", False)], actor=author)
    if publish:
        course_authoring.set_course_status(course, CourseStatus.PUBLISHED, author)
    db.session.commit()
    return course


def live_lessons(course, module="m1") -> list[str]:
    return [lesson.slug for lesson in catalog.load_outline(course).lessons.get(catalog.get_module(course, module).id, [])]


def actions(object_type: str) -> list[str]:
    """The removal and restore rows of ``object_type`` (adding and editing write their own: test_audit_authoring_edits)."""
    return list(db.session.execute(select(AuditEvent.action).where(AuditEvent.object_type == object_type)
                                   .where(AuditEvent.action.like("%.archived") | AuditEvent.action.like("%.restored"))
                                   .order_by(AuditEvent.id)).scalars())


def archive_events() -> list[tuple[str, int | None, int | None]]:
    return [tuple(row) for row in db.session.execute(
        select(AuditEvent.action, AuditEvent.object_id, AuditEvent.actor_id)
        .where(AuditEvent.action.like("%.archived") | AuditEvent.action.like("%.restored")).order_by(AuditEvent.id))]


def lesson_urls(u, slug, module="m1"):
    values = {"course_slug": COURSE, "module_slug": module, "lesson_slug": slug}
    return u("lms.authoring.remove_lesson", **values), u("lms.authoring.restore_lesson", **values)


# ---------------------------------------------------------------- each kind, through the pages


def test_remove_a_lesson_after_confirming_then_restore_it_in_its_place(client, u, trainer, login):
    course = build(trainer)
    login(trainer)
    remove, restore = lesson_urls(u, "b")
    page = client.get(u("lms.authoring.course", course_slug=COURSE)).text
    assert remove in page and 'id="removed"' not in page

    confirm = client.get(remove)
    assert confirm.status_code == 200
    assert "Remove the lesson “Lesson b”?" in confirm.text and 'name="csrf_token"' in confirm.text
    assert "Yes, remove it" in confirm.text and live_lessons(course) == ["a", "b", "c"]  # asking changes nothing
    assert client.post(remove, data={}).status_code == 400  # no CSRF token: refused
    assert live_lessons(course) == ["a", "b", "c"]

    response = client.submit(remove, follow_redirects=True)
    assert response.status_code == 200
    assert "“Lesson b” was removed." in response.text
    assert live_lessons(course) == ["a", "c"]
    removed = response.text.split('id="removed"')[1]
    assert "Lesson b" in removed and restore in removed and "in the module “Module m1”" in removed
    lesson = db.session.execute(select(Lesson).where(Lesson.slug == "b")).scalar_one()
    assert lesson.is_archived and lesson.position == 2
    assert client.get(remove).headers["Location"].endswith("#removed")  # already removed: sent to the list

    response = client.submit(restore, follow_redirects=True)
    assert "“Lesson b” is restored." in response.text
    assert live_lessons(course) == ["a", "b", "c"]  # its old place was free: it goes back there
    assert 'id="removed"' not in client.get(u("lms.authoring.course", course_slug=COURSE)).text
    assert archive_events() == [("lesson.archived", lesson.id, trainer.id), ("lesson.restored", lesson.id, trainer.id)]
    client.submit(restore)  # restoring again changes nothing
    assert len(archive_events()) == 2


def test_a_restored_lesson_goes_last_when_its_place_was_taken(client, u, trainer, login):
    course = build(trainer)
    login(trainer)
    remove, restore = lesson_urls(u, "a")
    client.submit(remove)
    client.submit(u("lms.authoring.move_lesson", course_slug=COURSE, module_slug="m1", lesson_slug="c"),
                  {"direction": "up"})  # moves past the live lesson b, not past the removed one
    assert live_lessons(course) == ["c", "b"]
    client.submit(restore)
    assert live_lessons(course) == ["c", "b", "a"]
    event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "lesson.restored")).scalar_one()
    assert event.data["moved_to_end"] is True and event.data["slug"] == "a"


def test_remove_and_restore_a_module(client, u, trainer, login):
    course = build(trainer, modules=("m1", "m2"))
    login(trainer)
    values = {"course_slug": COURSE, "module_slug": "m1"}
    confirm = client.get(u("lms.authoring.remove_module", **values)).text
    assert "Remove the module “Module m1”?" in confirm
    response = client.submit(u("lms.authoring.remove_module", **values), follow_redirects=True)
    assert "“Module m1” was removed." in response.text
    assert [m.slug for m in catalog.load_outline(course).modules] == ["m2"]
    assert u("lms.authoring.restore_module", **values) in response.text.split('id="removed"')[1]
    client.submit(u("lms.authoring.restore_module", **values))
    assert [m.slug for m in catalog.load_outline(course).modules] == ["m1", "m2"]
    assert live_lessons(course) == ["a", "b", "c"]  # its lessons come back with it
    assert actions("Module") == ["module.archived", "module.restored"]


def test_remove_and_restore_a_quiz_and_creating_a_quiz_again_restores_it(client, u, trainer, login):
    course = build(trainer)
    module = catalog.get_module(course, "m1")
    quiz = catalog.get_quiz(module)
    login(trainer)
    quiz_page = u("lms.authoring.quiz", course_slug=COURSE, module_slug="m1")
    remove = u("lms.authoring.remove_quiz", course_slug=COURSE, module_slug="m1")
    assert remove in client.get(quiz_page).text
    assert "Remove the quiz “Check m1”?" in client.get(remove).text
    response = client.submit(remove, follow_redirects=True)
    assert "“Check m1” was removed." in response.text
    assert catalog.get_quiz(module) is None and module.id not in catalog.load_outline(course).quizzes
    assert u("lms.authoring.restore_quiz", course_slug=COURSE, module_slug="m1") in response.text.split('id="removed"')[1]

    page = client.get(quiz_page).text
    assert "quiz was removed" in page and "Create quiz" in page and 'value="Check m1"' in page
    assert client.get(u("lms.authoring.new_question", course_slug=COURSE, module_slug="m1")).status_code == 404
    preview = client.get(u("lms.authoring.preview_quiz", course_slug=COURSE, module_slug="m1"))
    assert preview.status_code == 200 and "This module has no quiz." in preview.text

    response = client.submit(quiz_page, {"title": "Check again", "pass_mark": "90", "max_attempts": ""},
                             follow_redirects=True)
    assert "The removed quiz is restored with its questions" in response.text
    back = catalog.get_quiz(module)
    assert back.id == quiz.id and back.pass_mark == 90
    assert [q.slug for q, _options in catalog.load_questions(back)] == ["q1", "q2"]
    assert db.session.execute(select(func.count(Quiz.id))).scalar_one() == 1
    assert actions("Quiz") == ["quiz.archived", "quiz.restored"]

    client.submit(remove)
    client.submit(u("lms.authoring.restore_quiz", course_slug=COURSE, module_slug="m1"))
    assert catalog.get_quiz(module).id == quiz.id
    assert actions("Quiz") == ["quiz.archived", "quiz.restored", "quiz.archived", "quiz.restored"]


def test_remove_and_restore_a_question(client, u, trainer, login):
    course = build(trainer, questions=("q1", "q2", "q3"))
    quiz = catalog.get_quiz(catalog.get_module(course, "m1"))
    first = db.session.execute(select(Question).where(Question.slug == "q1")).scalar_one()
    login(trainer)
    values = {"course_slug": COURSE, "module_slug": "m1", "question_id": first.id}
    quiz_page = u("lms.authoring.quiz", course_slug=COURSE, module_slug="m1")
    assert u("lms.authoring.remove_question", **values) in client.get(quiz_page).text
    assert "Remove the question “Prompt q1”?" in client.get(u("lms.authoring.remove_question", **values)).text
    response = client.submit(u("lms.authoring.remove_question", **values), follow_redirects=True)
    assert "“Prompt q1” was removed." in response.text
    removed = response.text.split('id="removed"')[1]
    assert "Removed questions" in response.text and "Prompt q1" in removed
    assert [q.slug for q, _options in catalog.load_questions(quiz)] == ["q2", "q3"]

    new = client.get(u("lms.authoring.new_question", course_slug=COURSE, module_slug="m1")).text
    assert 'value="q4"' in new  # the suggested short name skips the removed question's
    client.submit(u("lms.authoring.move_question", course_slug=COURSE, module_slug="m1",
                    question_id=db.session.execute(select(Question.id).where(Question.slug == "q3")).scalar_one()),
                  {"direction": "up"})
    client.submit(u("lms.authoring.restore_question", **values))
    assert [q.slug for q, _options in catalog.load_questions(quiz)] == ["q3", "q2", "q1"]  # its place was taken
    assert actions("Question") == ["question.archived", "question.restored"]
    other = u("lms.authoring.remove_question", **{**values, "question_id": 999_999})
    assert client.get(other).status_code == 404 and client.submit(other).status_code == 404


def test_get_pages_change_nothing_and_only_trainers_may_remove(client, u, trainer, make_user, login):
    course = build(trainer)
    question = db.session.execute(select(Question).where(Question.slug == "q1")).scalar_one()
    pages = [u("lms.authoring.remove_module", course_slug=COURSE, module_slug="m1"),
             u("lms.authoring.remove_lesson", course_slug=COURSE, module_slug="m1", lesson_slug="a"),
             u("lms.authoring.remove_quiz", course_slug=COURSE, module_slug="m1"),
             u("lms.authoring.remove_question", course_slug=COURSE, module_slug="m1", question_id=question.id)]
    login(make_user("someone@example.org"))
    for page in pages:
        assert client.get(page).status_code == 403 and client.submit(page).status_code == 403
    client.submit(u("lms.accounts.logout"))
    login(trainer)
    events = db.session.execute(select(func.count(AuditEvent.id))).scalar_one()
    for page in pages:
        assert client.get(page).status_code == 200
    assert db.session.execute(select(func.count(AuditEvent.id))).scalar_one() == events
    archived = [db.session.execute(select(func.count()).where(model.is_archived.is_(True))).scalar_one()
                for model in (Module, Lesson, Quiz, Question)]
    assert archived == [0, 0, 0, 0] and live_lessons(course) == ["a", "b", "c"]


# ---------------------------------------------------------------- short names


def test_a_new_lesson_or_module_cannot_take_a_removed_ones_short_name(client, u, trainer, login):
    build(trainer)
    login(trainer)
    client.submit(lesson_urls(u, "b")[0])
    response = client.submit(u("lms.authoring.new_lesson", course_slug=COURSE, module_slug="m1"), {
        "slug": "b", "title": "Another b", "body": "Text.", "estimated_minutes": "5", "save": "y"})
    assert response.status_code == 400
    assert "A removed lesson of this module has that short name. Restore it from “Removed”" in response.text
    assert db.session.execute(select(func.count(Lesson.id)).where(Lesson.slug == "b")).scalar_one() == 1

    client.submit(u("lms.authoring.new_module", course_slug=COURSE), {
        "slug": "m2", "title": "Module two", "kind": "self_paced", "credited_minutes": "30"})
    client.submit(u("lms.authoring.remove_module", course_slug=COURSE, module_slug="m2"))
    response = client.submit(u("lms.authoring.new_module", course_slug=COURSE), {
        "slug": "m2", "title": "Module two again", "kind": "self_paced", "credited_minutes": "30"})
    assert response.status_code == 400 and "A removed module of this course has that short name." in response.text
    response = client.submit(u("lms.authoring.new_module", course_slug=COURSE), {
        "slug": "m1", "title": "Clash", "kind": "self_paced", "credited_minutes": "30"})
    assert response.status_code == 400 and "This course already has a module with that short name." in response.text


# ---------------------------------------------------------------- a published course stays finishable


def test_a_published_course_keeps_what_trainees_need_to_finish(client, u, trainer, login):
    course = build(trainer, lessons=("a",), questions=("q1",), publish=True, modules=("m1", "m2"))
    login(trainer)
    client.submit(u("lms.authoring.remove_module", course_slug=COURSE, module_slug="m2"))
    response = client.submit(u("lms.authoring.remove_module", course_slug=COURSE, module_slug="m1"),
                             follow_redirects=True)
    assert "A published course needs at least one module." in response.text
    assert [m.slug for m in catalog.load_outline(course).modules] == ["m1"]

    client.submit(u("lms.authoring.remove_quiz", course_slug=COURSE, module_slug="m1"))  # the lesson is left
    response = client.submit(lesson_urls(u, "a")[0], follow_redirects=True)
    assert "a self-paced module needs a lesson or a quiz" in response.text and live_lessons(course) == ["a"]
    client.submit(u("lms.authoring.restore_quiz", course_slug=COURSE, module_slug="m1"))
    assert client.submit(lesson_urls(u, "a")[0]).status_code == 302 and live_lessons(course) == []  # the quiz is left
    response = client.submit(u("lms.authoring.remove_quiz", course_slug=COURSE, module_slug="m1"),
                             follow_redirects=True)
    assert "a self-paced module needs a lesson or a quiz" in response.text
    question = db.session.execute(select(Question).join(Quiz).join(Module).where(Module.slug == "m1")).scalar_one()
    response = client.submit(u("lms.authoring.remove_question", course_slug=COURSE, module_slug="m1",
                               question_id=question.id), follow_redirects=True)
    assert "a quiz needs at least one question" in response.text and not question.is_archived

    client.submit(u("lms.authoring.set_status", course_slug=COURSE), {"status": "draft", "confirm": "yes"})
    assert client.submit(u("lms.authoring.remove_module", course_slug=COURSE, module_slug="m1")).status_code == 302
    assert catalog.load_outline(course).modules == []  # a draft may be emptied


def test_refusals_and_confirmations_are_translated(client, u, make_user, login):
    spanish = make_user("entrenadora@example.org", role=SiteRole.TRAINER, locale="es")
    build(spanish, lessons=("a",), quiz=False, publish=True)
    login(spanish)
    confirm = client.get(u("lms.authoring.remove_module", course_slug=COURSE, module_slug="m1")).text
    assert "¿Quitar el módulo “Module m1”?" in confirm and "No se borra nada" in confirm
    # the last module of a published course: the page says why, with no button (tests/test_authoring_edit_conflicts)
    assert "Un curso publicado necesita al menos un módulo." in confirm and "Sí, quitarlo" not in confirm
    response = client.submit(u("lms.authoring.remove_module", course_slug=COURSE, module_slug="m1"),
                             follow_redirects=True)
    assert 'class="flash flash-error">Un curso publicado necesita al menos un módulo.' in response.text
    course_authoring.set_course_status(catalog.get_course(COURSE), CourseStatus.DRAFT, spanish)
    db.session.commit()
    assert "Sí, quitarlo" in client.get(u("lms.authoring.remove_module", course_slug=COURSE, module_slug="m1")).text
    response = client.submit(u("lms.authoring.remove_module", course_slug=COURSE, module_slug="m1"),
                             follow_redirects=True)
    assert "Se quitó “Module m1”." in response.text and "Quitados" in response.text
    response = client.submit(u("lms.authoring.restore_module", course_slug=COURSE, module_slug="m1"),
                             follow_redirects=True)
    assert "Se restauró “Module m1”." in response.text


# ---------------------------------------------------------------- what trainees see and complete


def test_a_trainee_no_longer_needs_a_removed_quiz_and_keeps_her_attempts(client, u, trainer, make_user, login, client_as):
    course = build(trainer, lessons=("a", "b"), publish=True)
    module = catalog.get_module(course, "m1")
    quiz = catalog.get_quiz(module)
    trainee = make_user("trainee@example.org")
    record = enrollment.enroll(trainee, course)
    lesson_a, lesson_b = (catalog.get_lesson(module, slug) for slug in ("a", "b"))
    visits.complete_lesson(record, lesson_a, utcnow(), timedelta(minutes=30))
    wrong = {q.id: {next(o.id for o in options if not o.is_correct)} for q, options in catalog.load_questions(quiz)}
    quiz_attempts.submit_quiz(record, quiz, wrong)
    db.session.commit()
    learner = client_as(trainee)
    quiz_url = u("lms.courses.quiz", course_slug=COURSE, module_slug="m1")
    assert learner.get(quiz_url).status_code == 200

    login(trainer)
    assert client.submit(u("lms.authoring.remove_quiz", course_slug=COURSE, module_slug="m1")).status_code == 302

    assert learner.get(quiz_url).status_code == 404
    assert learner.get(u("lms.courses.quiz_result", course_slug=COURSE, module_slug="m1")).status_code == 404
    page = learner.get(u("lms.courses.course", course_slug=COURSE)).text
    assert quiz_url not in page and "Check m1" not in page
    outline = learner.get(u("lms.api.course_outline", course_slug=COURSE)).get_json()
    assert outline["modules"][0]["has_quiz"] is False and outline["modules"][0]["quiz"] is None
    progress = enrollment_completion.load_progress(record)
    assert [s.lesson.slug for s in enrollment.steps(progress.outline)] == ["a", "b"]
    assert not progress.module_done(module) and progress.percent == 0  # lesson b not read yet: not complete

    learner.get(u("lms.courses.lesson", course_slug=COURSE, module_slug="m1", lesson_slug="b"))
    response = learner.submit(u("lms.courses.complete", course_slug=COURSE, module_slug="m1", lesson_slug="b"))
    assert response.headers["Location"] == u("lms.courses.course", course_slug=COURSE)  # no quiz step after it
    db.session.expire_all()
    completion = db.session.execute(select(ModuleCompletion)).scalar_one()
    assert completion.module_id == module.id and completion.source == "self_paced"
    assert enrollment.get_enrollment(trainee, course).status is EnrollmentStatus.COMPLETED
    attempts = db.session.execute(select(QuizAttempt)).scalars().all()
    assert [(a.quiz_id, a.passed) for a in attempts] == [(quiz.id, False)]  # the attempt stays on record
    assert lesson_b.id in enrollment_completion.load_progress(record).completed_lessons

    client.submit(u("lms.authoring.restore_quiz", course_slug=COURSE, module_slug="m1"))
    back = learner.get(quiz_url)
    assert back.status_code == 200 and "attempts used: 1 (no limit)" in back.text  # back, with her attempt
    assert db.session.execute(select(func.count(ModuleCompletion.id))).scalar_one() == 1  # completions are kept



def test_a_trainee_who_had_only_the_removed_quiz_left_is_completed_at_removal(
        client, u, trainer, make_user, login, client_as):
    course = build(trainer, lessons=("a", "b"), publish=True)
    module = catalog.get_module(course, "m1")
    trainee = make_user("trainee@example.org")
    record = enrollment.enroll(trainee, course)
    for slug in ("a", "b"):
        visits.complete_lesson(record, catalog.get_lesson(module, slug), utcnow(), timedelta(minutes=30))
    db.session.commit()
    login(trainer)
    assert client.submit(u("lms.authoring.remove_quiz", course_slug=COURSE, module_slug="m1")).status_code == 302
    # completed with the removal (lms.enrollment.recheck), not left waiting for a next step she may not take
    assert db.session.execute(select(ModuleCompletion.module_id)).scalar_one() == module.id
    assert enrollment.get_enrollment(trainee, course).status is EnrollmentStatus.COMPLETED

    learner = client_as(trainee)
    learner.get(u("lms.courses.lesson", course_slug=COURSE, module_slug="m1", lesson_slug="b"))
    learner.submit(u("lms.courses.complete", course_slug=COURSE, module_slug="m1", lesson_slug="b"))  # done before
    db.session.expire_all()
    assert db.session.execute(select(ModuleCompletion.module_id)).scalar_one() == module.id  # not recorded twice

def test_a_removed_lesson_and_module_disappear_for_trainees(client, u, trainer, make_user, login, client_as):
    course = build(trainer, lessons=("a", "b"), quiz=False, publish=True, modules=("m1", "m2"))
    trainee = make_user("trainee@example.org")
    enrollment.enroll(trainee, course)
    db.session.commit()
    learner = client_as(trainee)
    login(trainer)
    client.submit(lesson_urls(u, "b")[0])
    client.submit(u("lms.authoring.remove_module", course_slug=COURSE, module_slug="m2"))
    assert learner.get(u("lms.courses.lesson", course_slug=COURSE, module_slug="m1", lesson_slug="b")).status_code == 404
    assert learner.get(u("lms.courses.lesson", course_slug=COURSE, module_slug="m2", lesson_slug="a")).status_code == 404
    page = learner.get(u("lms.courses.course", course_slug=COURSE)).text
    assert "Lesson a" in page and "Lesson b" not in page and "Module m2" not in page
    response = learner.submit(u("lms.courses.complete", course_slug=COURSE, module_slug="m1", lesson_slug="a"))
    assert response.headers["Location"] == u("lms.courses.course", course_slug=COURSE)
    assert enrollment.get_enrollment(trainee, course).status is EnrollmentStatus.COMPLETED
