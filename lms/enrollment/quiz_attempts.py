"""Taking quizzes: attempts made and left (with the extra ones a trainer granted), and submitting one to be marked
(by :func:`lms.enrollment.quiz_grading.grade_answers`) and kept."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select

from lms import db
from lms.catalog.models import Course, Option, Question, Quiz
from lms.catalog.quiz_texts import QUIZ_ITEMS
from lms.catalog.services import Outline, load_questions
from lms.catalog.texts import Texts, load_texts
from lms.enrollment.completion import check_completion
from lms.enrollment.models import Enrollment, EnrollmentStatus, QuizAttempt, QuizAttemptGrant
from lms.enrollment.quiz_grading import QuestionResult, grade_answers
from lms.enrollment.quiz_review import snapshot_attempt
from lms.errors import DomainError
from lms.i18n import _


@dataclass
class QuizResult:
    attempt: QuizAttempt
    questions: list[QuestionResult] = field(default_factory=list)


def attempts_of(enrollment: Enrollment, quiz: Quiz) -> list[QuizAttempt]:
    return list(db.session.execute(
        select(QuizAttempt).where(QuizAttempt.enrollment_id == enrollment.id, QuizAttempt.quiz_id == quiz.id)
        .order_by(QuizAttempt.number)
    ).scalars())


def extra_attempts(enrollment: Enrollment, quiz: Quiz) -> int:
    """Attempts a trainer gave this trainee on top of the quiz's limit (none to look up for an unlimited quiz)."""
    if quiz.max_attempts is None:
        return 0
    return db.session.execute(
        select(func.coalesce(func.sum(QuizAttemptGrant.extra), 0))
        .where(QuizAttemptGrant.enrollment_id == enrollment.id, QuizAttemptGrant.quiz_id == quiz.id)
    ).scalar_one()


def attempts_allowed(quiz: Quiz, extra: int) -> int | None:
    """The trainee's limit: the quiz's, plus the attempts granted to them (None: no limit)."""
    return None if quiz.max_attempts is None else quiz.max_attempts + extra


def attempts_left(enrollment: Enrollment, quiz: Quiz, attempts: list[QuizAttempt],
                  extra: int | None = None) -> int | None:
    """Attempts the trainee may still make (None: no limit), counting granted ones. ``extra``: the granted attempts
    if already loaded (:func:`extra_attempts`), else they are looked up."""
    if quiz.max_attempts is None:
        return None
    if extra is None:
        extra = extra_attempts(enrollment, quiz)
    return max(quiz.max_attempts + extra - len(attempts), 0)


def submit_quiz(enrollment: Enrollment, quiz: Quiz, answers: dict[int, set[int]], *, locale: str | None = None,
                outline: Outline | None = None, questions: list[tuple[Question, list[Option]]] | None = None,
                texts: Texts | None = None) -> QuizResult:
    """Score an attempt. ``answers`` maps question id → chosen option ids; every question must be answered.
    The attempt keeps what was asked and how it was marked, in ``locale`` (the language the trainee read the quiz
    in; the course's source language if not given), for its result page (:mod:`lms.enrollment.quiz_review`).
    What the caller loaded in this transaction may be given instead of loaded again: the trainee's ``outline`` of
    the course, the quiz's live ``questions`` (:func:`lms.catalog.services.load_questions`) and its ``texts`` in
    ``locale`` (with ``source_when_stale`` of :data:`lms.catalog.quiz_texts.QUIZ_ITEMS`, as :func:`_quiz_texts` loads them)."""
    if enrollment.status is EnrollmentStatus.WITHDRAWN:
        raise DomainError(_("You are not enrolled in this course."))
    attempts = attempts_of(enrollment, quiz)
    if any(a.passed for a in attempts):
        raise DomainError(_("You have already passed this quiz."))
    # The limit holds exactly under concurrency: an attempt's number is the count so far + 1 and is unique per
    # enrolment and quiz, so two submissions racing for the last attempt cannot both be saved (the second fails on
    # the unique key). Grants are only ever added: one committed after this read can only refuse an attempt that
    # would have been allowed, never allow one too many.
    if attempts_left(enrollment, quiz, attempts) == 0:
        raise DomainError(_("You have used every attempt for this quiz. Ask your trainer for another attempt."))
    questions = load_questions(quiz) if questions is None else questions
    grade = grade_answers(questions, answers, quiz.pass_mark)
    by_id = {o.id: o.slug for _, options in questions for o in options}
    attempt = QuizAttempt(
        enrollment_id=enrollment.id, quiz_id=quiz.id, number=len(attempts) + 1, score_percent=grade.score_percent,
        passed=grade.passed,
        answers={r.question.slug: sorted(by_id[i] for i in r.chosen) for r in grade.questions},
        snapshot=snapshot_attempt(grade.questions,
                                  texts if texts is not None else _quiz_texts(quiz, questions, locale), quiz.pass_mark),
    )
    db.session.add(attempt)
    db.session.flush()
    if attempt.passed:
        check_completion(enrollment, outline)
    return QuizResult(attempt, grade.questions)


def _quiz_texts(quiz: Quiz, questions: list[tuple[Question, list[Option]]], locale: str | None) -> Texts:
    course = db.session.get(Course, quiz.course_id)  # usually in the session already: no query
    owners = [("question", q.id) for q, _ in questions] + [("option", o.id) for _, opts in questions for o in opts]
    return load_texts(course, locale or course.source_locale, owners=owners, source_when_stale=QUIZ_ITEMS)
