"""Helpers for the quiz-attempt tests (extra attempts granted, attempts asked for): the quiz of a course built with
``tests.test_learning.build_course``, taking it through the service, and the trainee's quiz page."""

from __future__ import annotations

from lms import db
from lms.catalog import services as catalog
from lms.enrollment import quiz_attempts
from lms.enrollment import services as enrollment


def quiz_of(course, module: str = "m1"):
    return catalog.get_quiz(catalog.get_module(course, module))


def take(user, course, *, right: bool = False, times: int = 1) -> None:
    """Submit the quiz through the service (wrong answers to the single-answer question unless ``right``)."""
    quiz = quiz_of(course)
    for _ in range(times):
        chosen = {q.id: {o.id for o in options if o.is_correct} for q, options in catalog.load_questions(quiz)}
        if not right:
            single = next(q for q, _options in catalog.load_questions(quiz) if q.kind.value == "single")
            chosen[single.id] = {o.id for o in dict(catalog.load_questions(quiz))[single] if not o.is_correct}
        quiz_attempts.submit_quiz(enrollment.get_enrollment(user, course), quiz, chosen)
    db.session.commit()


def trainee_quiz(u) -> str:
    """The quiz page of module ``m1`` of course ``core``, as a trainee sees it."""
    return u("lms.courses.quiz", course_slug="core", module_slug="m1")
