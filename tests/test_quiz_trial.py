"""Try this quiz: a trainer answers a quiz in the preview, as a trainee would, and sees the result a trainee would see
(score, pass or not, each question right or not with the chosen answers' feedback), in the preview's language, for
draft content too, and nothing is written."""

from __future__ import annotations

import html

import pytest
from sqlalchemy import func, select

from lms import db
from lms.audit import AuditEvent
from lms.catalog import quiz_authoring
from lms.catalog import services as catalog
from lms.catalog.models import Option, QuestionKind, Quiz
from lms.catalog.quiz_authoring import OptionData
from lms.catalog.texts import set_text
from lms.enrollment import services as enrollment
from lms.enrollment.models import Enrollment, LessonProgress, ModuleCompletion, QuizAttempt
from lms.enrollment.quiz_grading import grade_answers
from lms.hours.models import HoursEntry
from lms.i18n import _, in_language
from tests.authoring_support import heat_course, page_words

UNREADABLE = "We could not read your answers. Please choose again."


def _draft_quiz(trainer, *, spanish: bool = False) -> dict[str, int]:
    """The draft course ``heat`` (pass mark 80) with two questions: a single-answer one (``call`` right, ``wait``
    wrong) and a several-answers one (``confused`` and ``hot`` right, ``shiver`` wrong); with ``spanish``, the first
    question translated. Returns the ids by slug (the questions as ``single`` and ``several``)."""
    course, _module, _lesson, quiz = heat_course(trainer)
    single = quiz_authoring.save_question(
        course, quiz, None, slug="first", kind=QuestionKind.SINGLE, prompt="First step?",
        options=[OptionData("call", "Call 911", True, "Yes: it is an emergency."),
                 OptionData("wait", "Wait and see", False, "No: act at once.")], actor=trainer)
    several = quiz_authoring.save_question(
        course, quiz, None, slug="signs", kind=QuestionKind.MULTIPLE, prompt="Signs of heat stroke?",
        options=[OptionData("confused", "Confusion", True, "Confusion is a sign."),
                 OptionData("hot", "Hot, dry skin", True), OptionData("shiver", "Shivering", False,
                                                                     "Shivering is a sign of cold.")], actor=trainer)
    db.session.flush()
    ids = {"single": single.id, "several": several.id}
    ids |= {o.slug: o.id for o in db.session.scalars(select(Option).where(Option.question_id.in_(list(ids.values()))))}
    if spanish:
        options = {o.slug: o for o in db.session.scalars(select(Option).where(Option.question_id == single.id))}
        for obj, name, value in ((single, "prompt", "¿Primer paso?"), (options["call"], "text", "Llame al 911"),
                                 (options["call"], "feedback", "Sí: es una emergencia."),
                                 (options["wait"], "text", "Esperar"), (options["wait"], "feedback", "No: actúe ya.")):
            set_text(course, obj, name, "es", value, trainer)
    db.session.commit()
    return ids


@pytest.fixture
def path(u):
    def build(**args) -> str:
        return u("lms.authoring.try_quiz", course_slug="heat", module_slug="signs", **args)

    return build


def _counts() -> dict[str, int]:
    return {model.__name__: db.session.scalar(select(func.count()).select_from(model))
            for model in (QuizAttempt, HoursEntry, AuditEvent, Enrollment, LessonProgress, ModuleCompletion)}


def test_a_trainer_tries_a_draft_quiz_and_gets_the_trainees_result_with_nothing_written(client, path,
                                                                                      signed_in_trainer):
    ids = _draft_quiz(signed_in_trainer)
    form = page_words(client.get(path()).text)
    assert "First step? Call 911 Wait and see" in form and "Correct answer" not in form  # the trainee's form
    before = _counts()
    # the single-answer question right, the other partly right (one right answer and a wrong one): 50% < 80%
    sent = client.submit(path(), {f"q{ids['single']}": ids["call"],
                                  f"q{ids['several']}": [ids["confused"], ids["shiver"]]})
    assert sent.status_code == 200
    result = page_words(sent.text)
    assert "Not passed · your score 50%, pass mark 80%" in result
    assert "First step? ✓ Right Your answer: Call 911 Yes: it is an emergency. Wait and see" in result
    assert "◐ Partly right You chose 1 of the 2 right answers. 1 of your answers is not right." in result
    assert "Your answer: Confusion Confusion is a sign." in result
    assert "Your answer: Shivering Shivering is a sign of cold." in result
    assert "No: act at once." not in result  # feedback of answers not chosen stays hidden, as for trainees
    everything = client.submit(path(), {f"q{ids['single']}": ids["call"],
                                        f"q{ids['several']}": [ids["confused"], ids["hot"]]})
    assert "Passed · your score 100%, pass mark 80%" in page_words(everything.text)
    assert _counts() == before


def test_the_score_is_the_trainees_grader(trainer):
    ids = _draft_quiz(trainer)
    questions = catalog.load_questions(db.session.scalar(select(Quiz)))
    grade = grade_answers(questions, {ids["single"]: {ids["wait"]}, ids["several"]: {ids["confused"], ids["hot"]}},
                          80)
    assert (grade.score_percent, grade.passed) == (50, False)
    assert [r.is_right for r in grade.questions] == [False, True]
    assert grade_answers(questions, {ids["single"]: {ids["call"]}, ids["several"]: {ids["confused"], ids["hot"]}},
                         100).passed


def test_unanswered_questions_are_named_on_the_form(client, path, signed_in_trainer):
    ids = _draft_quiz(signed_in_trainer)
    before = _counts()
    nothing = client.submit(path(), {})
    assert nothing.status_code == 200
    assert 'class="error-summary" role="alert"' in nothing.text
    assert nothing.text.count("Please answer this question.") == 2
    assert f'<a href="#q{ids["single"]}">Please answer every question.</a>' in nothing.text
    some = client.submit(path(), {f"q{ids['several']}": ids["hot"]})
    assert some.text.count("Please answer this question.") == 1
    assert f'name="q{ids["several"]}" value="{ids["hot"]}" checked' in some.text  # what was chosen stays chosen
    assert _counts() == before


@pytest.mark.parametrize("forged", [
    lambda ids: {f"q{ids['single']}": ids["confused"], f"q{ids['several']}": ids["hot"]},  # another question's answer
    lambda ids: {f"q{ids['single']}": [ids["call"], ids["wait"]], f"q{ids['several']}": ids["hot"]},  # two on one
    lambda ids: {f"q{ids['single']}": "999999999", f"q{ids['several']}": ids["hot"]},  # no such answer
    lambda ids: {f"q{ids['single']}": "9" * 40, f"q{ids['several']}": ids["hot"]},  # beyond any id
    lambda ids: {f"q{ids['single']}": "-1", f"q{ids['several']}": "x"},
    lambda ids: {f"q{ids['single']}": "１", f"q{ids['several']}": ids["hot"]},  # a full-width digit
])
def test_forged_answers_are_refused_with_a_clear_message(client, path, signed_in_trainer, forged):
    ids = _draft_quiz(signed_in_trainer)
    response = client.submit(path(), forged(ids))
    assert response.status_code == 400
    assert UNREADABLE in response.text and "Your result" not in response.text


def test_answers_to_questions_the_quiz_does_not_have_are_ignored(client, path, signed_in_trainer):
    ids = _draft_quiz(signed_in_trainer)
    response = client.submit(path(), {f"q{ids['single']}": ids["call"], f"q{ids['several']}": ids["hot"],
                                      "q999999999": ids["wait"], "qx": "1"})
    assert response.status_code == 200 and "Not passed · your score 50%" in page_words(response.text)


def test_a_post_without_the_csrf_token_is_refused(client, path, signed_in_trainer):
    ids = _draft_quiz(signed_in_trainer)
    response = client.post(path(), data={f"q{ids['single']}": ids["call"], f"q{ids['several']}": ids["hot"]})
    assert response.status_code == 400 and "Your result" not in response.text


def test_only_trainers_may_try_a_quiz(app, client, path, trainer, make_user, login, as_):
    from lms.accounts.models import SiteRole
    from lms.catalog import course_authoring
    from lms.catalog.models import Course, CourseStatus

    ids = _draft_quiz(trainer)
    answers = {f"q{ids['single']}": ids["call"], f"q{ids['several']}": ids["hot"]}
    assert client.get(path()).status_code in {302, 401}  # a stranger is sent to sign in
    token = client.csrf_token()
    assert client.post(path(), data={**answers, "csrf_token": token}).status_code in {302, 401}
    course = db.session.scalar(select(Course))
    course_authoring.set_course_status(course, CourseStatus.PUBLISHED, trainer)
    trainee = make_user("trainee@example.org")
    enrollment.enroll(trainee, course)  # even enrolled in the course
    db.session.commit()
    login(trainee)
    assert client.get(path()).status_code == 403
    assert client.submit(path(), answers).status_code == 403
    # any trainer may author any course (docs/access-control.md), so another trainer may try it too
    as_(make_user("other.trainer@example.org", role=SiteRole.TRAINER))
    assert "Your result" in client.submit(path(), answers).text
    assert db.session.scalar(select(func.count()).select_from(QuizAttempt)) == 0


def test_a_spanish_preview_grades_the_translated_answers_in_spanish(app, client, path, signed_in_trainer):
    ids = _draft_quiz(signed_in_trainer, spanish=True)
    form = page_words(client.get(path(preview_locale="es")).text)
    assert "¿Primer paso? Llame al 911 Esperar" in form and "Call 911" not in form
    assert 'preview_locale=es" class="learn-quiz"' in client.get(path(preview_locale="es")).text
    sent = client.submit(path(preview_locale="es"), {f"q{ids['single']}": ids["call"],
                                                     f"q{ids['several']}": [ids["confused"], ids["hot"]]})
    result = page_words(sent.text)
    with app.test_request_context(), in_language("es"):
        passed, right = _("Passed"), _("Right")
    assert passed != "Passed" and f"{passed} ·" in result and "100%" in result
    assert f"¿Primer paso? ✓ {right}" in result and "Llame al 911 Sí: es una emergencia." in result
    assert "Yes: it is an emergency." not in result and "Call 911" not in result
    assert "Back to the quiz preview" in result  # the trainer's own words stay in the trainer's language
    unanswered = client.submit(path(preview_locale="es"), {})
    with app.test_request_context(), in_language("es"):
        assert _("Please answer every question.") in html.unescape(unanswered.text)


def test_the_quiz_preview_links_to_trying_it_in_the_same_language(client, u, path, signed_in_trainer):
    _draft_quiz(signed_in_trainer)
    preview = client.get(u("lms.authoring.preview_quiz", course_slug="heat", module_slug="signs",
                           preview_locale="es")).text
    assert f'href="{path(preview_locale="es")}">Try this quiz</a>' in preview.replace("&amp;", "&")


def test_a_module_without_a_quiz_is_not_found(client, u, signed_in_trainer):
    _draft_quiz(signed_in_trainer)
    assert client.get(u("lms.authoring.try_quiz", course_slug="heat", module_slug="nope")).status_code == 404
    assert client.get(u("lms.authoring.try_quiz", course_slug="nope", module_slug="signs")).status_code == 404
