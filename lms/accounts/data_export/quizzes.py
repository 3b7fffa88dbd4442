"""The quiz part of a data export: each attempt with its score, each answer as it was asked and marked, and extra
attempts a trainer gave.

Answers are shown as the result page shows them (:mod:`lms.enrollment.quiz_review`): the question, the answers
offered, the ones chosen, whether the question was marked right and the feedback of the chosen answers, never which
answers not chosen were right (the export must not become the quiz's answer key)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from lms import db
from lms.accounts.data_export.learning import Courses
from lms.accounts.data_export.tables import Cell, Person, Table, moment, names_of, number, yes_no
from lms.catalog.models import Course, Module, Option, Question, Quiz
from lms.catalog.quiz_texts import QUIZ_ITEMS, quiz_title
from lms.catalog.services import load_quiz_questions
from lms.catalog.texts import Texts, load_texts
from lms.enrollment import quiz_review
from lms.enrollment.models import QuizAttempt, QuizAttemptGrant
from lms.i18n import _l

#: An answer's mark in words, as on the result page.
MARKS = {quiz_review.RIGHT: _l("Right"), quiz_review.PARTLY_RIGHT: _l("Partly right"),
         quiz_review.NOT_RIGHT: _l("Not right")}
#: Between the texts of several answers in one cell.
JOIN = " | "

Attempt = tuple[QuizAttempt, Quiz, Module]


def attempt_rows(courses: Courses) -> list[Attempt]:
    """The attempts of these enrolments with their quizzes and modules, oldest first (one query, none without)."""
    if not courses.ids:
        return []
    return list(db.session.execute(
        select(QuizAttempt, Quiz, Module).join(Quiz, Quiz.id == QuizAttempt.quiz_id)
        .join(Module, Module.id == Quiz.module_id).where(QuizAttempt.enrollment_id.in_(courses.ids))
        .order_by(QuizAttempt.submitted_at, QuizAttempt.id)
    ).all())


def grant_rows(courses: Courses) -> list[tuple[QuizAttemptGrant, Quiz, Module]]:
    if not courses.ids:
        return []
    return list(db.session.execute(
        select(QuizAttemptGrant, Quiz, Module).join(Quiz, Quiz.id == QuizAttemptGrant.quiz_id)
        .join(Module, Module.id == Quiz.module_id).where(QuizAttemptGrant.enrollment_id.in_(courses.ids))
        .order_by(QuizAttemptGrant.granted_at, QuizAttemptGrant.id)
    ).all())


def _quiz_name(courses: Courses, course: Course, quiz: Quiz, module: Module) -> str:
    texts = courses.titles.get(course.id)
    return quiz_title(texts, quiz, module) if texts else module.slug


# i18n: column names of quiz_attempts.csv (the person's quiz attempts); "Attempt": its number (“Download my data”)
ATTEMPT_COLUMNS = (_l("Course"), _l("Quiz"), _l("Attempt"), _l("Submitted"), _l("Score (%)"), _l("Passed"))


def attempts(person: Person, courses: Courses, found: list[Attempt]) -> Table:
    rows: list[list[Cell]] = []
    for attempt, quiz, module in found:
        course = courses.course(attempt.enrollment_id)
        rows.append([courses.title(course), _quiz_name(courses, course, quiz, module), number(attempt.number),
                     moment(person, attempt.submitted_at), number(attempt.score_percent), yes_no(attempt.passed)])
    return Table("quiz_attempts", ATTEMPT_COLUMNS, rows)


ANSWER_COLUMNS = (
    # i18n: column names of quiz_answers.csv (each question of each of the person's quiz attempts) (“Download my data”)
    _l("Course"), _l("Quiz"), _l("Attempt"), _l("Question number"), _l("Question"), _l("Answers offered"),
    _l("Your answers"), _l("Result"), _l("Feedback"),
)


def answers(person: Person, courses: Courses, found: list[Attempt]) -> Table:
    """Every question of every attempt, as it was asked and marked (or, for attempts graded before that was kept,
    against the quiz's questions today, as the result page shows them)."""
    today = _todays_questions(person, courses, [(attempt, quiz) for attempt, quiz, _module in found
                                                if attempt.snapshot is None])
    rows: list[list[Cell]] = []
    for attempt, quiz, module in found:
        course = courses.course(attempt.enrollment_id)
        questions, texts = today.get(quiz.id, ([], Texts(person.locale, course.source_locale)))
        review = quiz_review.review_attempt(attempt, quiz, questions, texts)
        name = _quiz_name(courses, course, quiz, module)
        for position, question in enumerate(review.questions, start=1):
            rows.append([
                courses.title(course), name, number(attempt.number), number(position), question.prompt,
                JOIN.join(option.text for option in question.options),
                JOIN.join(option.text for option in question.options if option.is_chosen),
                str(MARKS[question.mark]),
                JOIN.join(option.feedback for option in question.options if option.is_chosen and option.feedback),
            ])
    return Table("quiz_answers", ANSWER_COLUMNS, rows)


def _todays_questions(person: Person, courses: Courses, old: Iterable[tuple[QuizAttempt, Quiz]]
                      ) -> dict[int, tuple[list[tuple[Question, list[Option]]], Texts]]:
    """Quiz id → its questions today and their texts, for the quizzes of attempts kept without a snapshot (a query
    for the questions, one more per course, none when every attempt has its snapshot)."""
    quizzes = {quiz.id: (quiz, courses.course(attempt.enrollment_id)) for attempt, quiz in old}
    if not quizzes:
        return {}
    questions = load_quiz_questions([quiz for quiz, _course in quizzes.values()])
    found = {}
    for course in {course.id: course for _quiz, course in quizzes.values()}.values():
        texts = load_texts(course, person.locale, fields=("prompt", "text", "feedback"), source_when_stale=QUIZ_ITEMS)
        found.update({quiz_id: (questions[quiz_id], texts) for quiz_id, (_quiz, of) in quizzes.items() if of.id == course.id})
    return found


# i18n: column names of quiz_extra_attempts.csv (extra quiz attempts a trainer gave the person) (“Download my data”)
GRANT_COLUMNS = (_l("Course"), _l("Quiz"), _l("Extra attempts"), _l("Granted"), _l("Granted by"), _l("Reason"))


def grants(person: Person, courses: Courses, found: list[tuple[QuizAttemptGrant, Quiz, Module]]) -> Table:
    """Extra attempts a trainer gave after every attempt was used without passing, with the reason they gave."""
    names = names_of(grant.granted_by_id for grant, _quiz, _module in found)
    rows: list[list[Cell]] = []
    for grant, quiz, module in found:
        course = courses.course(grant.enrollment_id)
        rows.append([courses.title(course), _quiz_name(courses, course, quiz, module), number(grant.extra),
                     moment(person, grant.granted_at), names.get(grant.granted_by_id), grant.reason])
    return Table("quiz_extra_attempts", GRANT_COLUMNS, rows)
