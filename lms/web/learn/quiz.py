"""Module quizzes: the form, scoring through the enrolment service, and the result with feedback."""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy.exc import IntegrityError
from werkzeug.datastructures import MultiDict

from lms import db
from lms.catalog import outline_cache
from lms.catalog import services as catalog
from lms.catalog.models import Course, Lesson, Module, ModuleKind, Option, Question, QuestionKind, Quiz
from lms.catalog.outline_cache import CachedQuiz
from lms.catalog.quiz_texts import QUIZ_ITEMS, ShownInSource, shown_in_source
from lms.catalog.services import Outline
from lms.catalog.texts import Texts
from lms.db import utcnow
from lms.enrollment import attempt_requests, completion, next_steps, quiz_attempts, quiz_review
from lms.enrollment.models import Enrollment, EnrollmentStatus, QuizAttempt
from lms.errors import DomainError, NotFoundError
from lms.i18n import _, current_locale
from lms.live.my_sessions import MyCourseSessions, list_my_course_sessions
from lms.security import access
from lms.web.learn import bp
from lms.web.learn.forms import AskAttemptForm
from lms.web.learn.helpers import (
    certificate_links,
    find_module,
    is_active,
    left_action,
    load_course,
    step_url,
    viewer,
)
from lms.web.live.schedule_support import when

MAX_ID_LENGTH = 18


@dataclass(frozen=True)
class Onward:
    """Where a passed quiz leads: the next required lesson or quiz to do; once they are all done, what is left (live
    sessions, field experience: :func:`lms.enrollment.next_steps.still_to_do`); once the course is complete, its
    certificate."""

    url: str | None = None
    #: The lesson or quiz at ``url``, for its title.
    target: Lesson | Quiz | None = None
    certificate_url: str | None = None
    #: The required modules left when no required lesson or quiz is.
    left: tuple[Module, ...] = ()

    @property
    def is_quiz(self) -> bool:
        return isinstance(self.target, (Quiz, CachedQuiz))


def _onward(course: Course, enrollment: Enrollment, outline: Outline) -> Onward:
    if enrollment.status is EnrollmentStatus.COMPLETED:
        return Onward(certificate_url=certificate_links(viewer(), [course.id]).get(course.id))
    progress = completion.load_progress(enrollment, outline)
    step = next_steps.next_step(enrollment, progress)
    if step is None:  # what is left is done elsewhere (a live session, field experience), never optional reading
        return Onward(left=tuple(next_steps.still_to_do(progress)))
    return Onward(step_url(course, step), step.lesson or outline.quizzes[step.module.id])


@dataclass
class QuizPage:
    """Everything the quiz and result pages show, loaded in a fixed number of queries."""

    course: Course
    #: Plain data of :mod:`lms.catalog.outline_cache` (the module, and the quiz when trainees see it).
    module: Module
    quiz: Quiz
    enrollment: Enrollment
    questions: list[tuple[Question, list[Option]]]
    attempts: list[QuizAttempt]
    t: Texts
    #: Attempts a trainer gave this trainee on top of the quiz's limit.
    extra: int = 0
    #: Where a passed result leads (loaded for the result page only).
    onward: Onward | None = None
    #: The course's outline (for the optional reading of the modules left, :attr:`Onward.left`).
    outline: Outline | None = None

    @property
    def attempts_allowed(self) -> int | None:
        return quiz_attempts.attempts_allowed(self.quiz, self.extra)

    @property
    def attempts_left(self) -> int | None:
        return quiz_attempts.attempts_left(self.enrollment, self.quiz, self.attempts, self.extra)

    @property
    def passed(self) -> bool:
        return any(a.passed for a in self.attempts)

    @property
    def can_try(self) -> bool:
        return not self.passed and self.attempts_left != 0 and bool(self.questions)

    @cached_property
    def shown_in_source(self) -> ShownInSource:
        """Which prompts and answers show in the course's source language (for the notes above the questions)."""
        return shown_in_source(self.t, self.questions)


def _load(course_slug: str, module_slug: str, *, result: bool = False) -> QuizPage | None:
    """The quiz page's data, or None when the viewer is not enrolled; for the ``result`` page, where a pass leads.
    The outline and the texts come from :mod:`lms.catalog.outline_cache`, as on the lesson page: read before anything
    is written, and no page of a quiz writes content."""
    course, enrollment = load_course(course_slug)
    outline, texts = outline_cache.course_outline(course, current_locale())
    module = find_module(outline, module_slug)
    # a quiz with no live question yet is not in the trainee's outline: its page says so, as before
    quiz = outline.quizzes.get(module.id) or catalog.get_quiz(module)
    if quiz is None:
        raise NotFoundError(_("This module has no quiz."))
    if not is_active(enrollment):
        return None
    questions = catalog.load_questions(quiz)
    attempts = quiz_attempts.attempts_of(enrollment, quiz)
    onward = _onward(course, enrollment, outline) if result and any(a.passed for a in attempts) else None
    # all the course's texts (the cached ones, each request its own Texts); out-of-date quiz items read as the source
    texts = replace(texts, source_when_stale=frozenset(QUIZ_ITEMS))
    return QuizPage(course, module, quiz, enrollment, questions, attempts, texts,
                    quiz_attempts.extra_attempts(enrollment, quiz), onward, outline)


def _not_enrolled(course_slug: str):
    flash(_("Enrol in this course to read its lessons and take its quizzes."), "error")
    return redirect(url_for(".course", course_slug=course_slug))


def parse_answers(form: MultiDict, questions: list[tuple[Question, list[Option]]]) -> dict[int, set[int]] | None:
    """Question id → chosen option ids from fields ``q<question id>``; None if anything is not a choice offered for
    that question (a tampered or stale form). Unanswered questions are simply absent."""
    answers: dict[int, set[int]] = {}
    for question, options in questions:
        values = form.getlist(f"q{question.id}")
        if not all(v.isascii() and v.isdigit() and len(v) <= MAX_ID_LENGTH for v in values):
            return None
        chosen = {int(v) for v in values}
        if chosen - {o.id for o in options} or (question.kind is not QuestionKind.MULTIPLE and len(chosen) > 1):
            return None
        if chosen:
            answers[question.id] = chosen
    return answers


def _form(page: QuizPage, answers: dict[int, set[int]] | None = None, error: str | None = None, status: int = 200,
          *, show_missing: bool = False, ask_form: AskAttemptForm | None = None):
    # locked out: the page offers "Ask for another attempt", or says when they asked (lms/web/learn/ask.py)
    asked = None
    if not page.passed and page.attempts_left == 0:
        asked = attempt_requests.waiting_request(page.enrollment, page.quiz, page.attempts)
        ask_form = ask_form or AskAttemptForm(formdata=None)
    return render_template("lms/learn/quiz.html", page=page, t=page.t, answers=answers or {}, error=error,
                           show_missing=show_missing, QuestionKind=QuestionKind, asked=asked,
                           ask_form=ask_form), status


@bp.route("/<course_slug>/<module_slug>/quiz", methods=["GET", "POST"])
@access.signed_in
def quiz(course_slug: str, module_slug: str):
    page = _load(course_slug, module_slug)
    if page is None:
        return _not_enrolled(course_slug)
    if request.method == "GET" or not page.can_try:
        return _form(page)
    sent = request.form.get("attempt", "")
    if sent != str(len(page.attempts) + 1) and sent in {str(a.number) for a in page.attempts}:
        flash(_("That attempt was already sent. Here is its result."), "error")
        return redirect(url_for(".quiz_result", course_slug=course_slug, module_slug=module_slug))
    answers = parse_answers(request.form, page.questions)
    if answers is None or sent != str(len(page.attempts) + 1):
        return _form(page, error=_("We could not read your answers. Please choose again."), status=400)
    if len(answers) < len(page.questions):
        return _form(page, answers, _("Please answer every question."), show_missing=True)
    try:
        quiz_attempts.submit_quiz(page.enrollment, page.quiz, answers, locale=page.t.locale,
                                        outline=page.outline, questions=page.questions, texts=page.t)
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        return _form(page, answers, exc.message, 400)
    except IntegrityError:  # the same attempt sent twice at once: the first one stands
        db.session.rollback()
    return redirect(url_for(".quiz_result", course_slug=course_slug, module_slug=module_slug))


@bp.get("/<course_slug>/<module_slug>/quiz/result")
@access.signed_in
def quiz_result(course_slug: str, module_slug: str):
    page = _load(course_slug, module_slug, result=True)
    if page is None:
        return _not_enrolled(course_slug)
    if not page.attempts:
        return redirect(url_for(".quiz", course_slug=course_slug, module_slug=module_slug))
    attempt = page.attempts[-1]
    left = page.onward.left if page.onward else ()
    mine = (list_my_course_sessions(viewer(), page.course.id, utcnow())
            if any(m.kind is ModuleKind.LIVE for m in left) else MyCourseSessions())
    return render_template("lms/learn/quiz_result.html", page=page, t=page.t, attempt=attempt,
                           review=quiz_review.review_attempt(attempt, page.quiz, page.questions, page.t),
                           course=page.course, outline=page.outline, my_sessions=mine, when=when,
                           left_action=left_action)
