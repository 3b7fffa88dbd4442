"""Try this quiz: a trainer answers a module's quiz in the preview, as a trainee would, and sees the result page a
trainee would see (score, pass or not against the quiz's pass mark, each question right or not, with the feedback of
the answers chosen), in the preview's language (``?preview_locale=``), for a course in any status.

Nothing is kept: no attempt, no progress, no hours, no audit row. The answers are marked by the trainees' own grader
(:func:`lms.enrollment.quiz_grading.grade_answers`) and shown through the same snapshot an attempt keeps
(:func:`lms.enrollment.quiz_review.review_graded`), so the page cannot differ from a trainee's. The form is read as the
trainee's is (:func:`lms.web.learn.quiz.parse_answers`): an answer that is not one of the question's own is refused
with 400, a question left unanswered is named on the form.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import render_template, request

from lms.catalog import services as catalog
from lms.catalog.models import Course, Module, Option, Question, Quiz
from lms.catalog.quiz_texts import QUIZ_ITEMS, shown_in_source
from lms.catalog.texts import Texts, load_texts
from lms.enrollment import quiz_grading, quiz_review
from lms.errors import DomainError, NotFoundError
from lms.i18n import _, _l
from lms.security import access
from lms.web.authoring import bp
from lms.web.authoring.helpers import in_language, load_module, preview_locale
from lms.web.learn.quiz import parse_answers

# The trainee's messages, lazy: the template shows them inside the preview area, in the preview's language.
UNREADABLE = _l("We could not read your answers. Please choose again.")
UNANSWERED = _l("Please answer every question.")


@dataclass(frozen=True)
class Trial:
    """The quiz as a trainee reading ``locale`` gets it: its live questions, and its texts with out-of-date
    translations of questions and answers read in the source language, as on the trainee's quiz page."""

    course: Course
    module: Module
    quiz: Quiz
    locale: str
    questions: list[tuple[Question, list[Option]]]
    t: Texts


def _load(course_slug: str, module_slug: str) -> Trial:
    course, module = load_module(course_slug, module_slug)
    quiz = catalog.get_quiz(module)
    if quiz is None:
        raise NotFoundError(_("This module has no quiz."))
    locale = preview_locale(course)
    texts = load_texts(course, locale, source_when_stale=QUIZ_ITEMS)
    return Trial(course, module, quiz, locale, catalog.load_questions(quiz), texts)


def _page(trial: Trial, template: str, status: int = 200, **context: Any):
    title = trial.t.get(trial.quiz, "title")
    shown = shown_in_source(trial.t, trial.questions)
    return render_template(template, in_language=in_language, course=trial.course, module=trial.module,
                           quiz=trial.quiz, locale=trial.locale, t=trial.t, questions=trial.questions, shown=shown,
                           fallback=shown.missing or title.is_fallback, **context), status


def _form(trial: Trial, answers: dict[int, set[int]] | None = None, error: Any = None, status: int = 200,
          *, show_missing: bool = False):
    return _page(trial, "lms/authoring/try_quiz.html", status, answers=answers or {}, error=error,
                 show_missing=show_missing)


@bp.route("/<course_slug>/preview/modules/<module_slug>/quiz/try", methods=["GET", "POST"])
@access.trainer
def try_quiz(course_slug: str, module_slug: str):
    """The quiz form as a trainee gets it; sent, the result a trainee would see. Nothing is written."""
    trial = _load(course_slug, module_slug)
    if request.method != "POST" or not trial.questions:
        return _form(trial)
    answers = parse_answers(request.form, trial.questions)
    if answers is None:
        return _form(trial, error=UNREADABLE, status=400)
    if len(answers) < len(trial.questions):
        return _form(trial, answers, UNANSWERED, show_missing=True)
    try:
        grade = quiz_grading.grade_answers(trial.questions, answers, trial.quiz.pass_mark)
    except DomainError as exc:  # parse_answers let nothing through that the grader refuses; kept as the trainee's
        return _form(trial, answers, exc.message, 400)
    review = quiz_review.review_graded(grade.questions, trial.t, trial.quiz.pass_mark)
    return _page(trial, "lms/authoring/try_quiz_result.html", grade=grade, review=review)
