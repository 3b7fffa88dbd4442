"""Marking a quiz's answers: the one grader, used for a trainee's attempt (:func:`lms.enrollment.quiz_attempts.submit_quiz`,
which keeps the attempt) and for a trainer trying the quiz in the preview (:mod:`lms.web.authoring.quiz_trial`, which
keeps nothing). Pure: it reads and writes nothing, it only marks what it is given."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from lms.catalog.models import Option, Question, QuestionKind
from lms.errors import DomainError
from lms.i18n import _


@dataclass
class QuestionResult:
    question: Question
    options: list[Option]
    chosen: set[int]
    is_right: bool


@dataclass(frozen=True)
class Grade:
    """The marked answers, in the quiz's order, with the score (whole percent) and whether it reaches the pass mark."""

    questions: list[QuestionResult]
    score_percent: int
    passed: bool


def grade_answers(questions: list[tuple[Question, list[Option]]], answers: Mapping[int, set[int]],
                  pass_mark: int) -> Grade:
    """Mark ``answers`` (question id → chosen option ids) against the quiz's live ``questions``
    (:func:`lms.catalog.services.load_questions`). Every question must be answered, with one answer unless it takes
    several; chosen ids that are not the question's own answers are ignored. A question is right when exactly its
    right answers are chosen; the score is the share of questions right."""
    results = []
    for question, options in questions:
        chosen = set(answers.get(question.id, set())) & {o.id for o in options}
        if not chosen or (question.kind is not QuestionKind.MULTIPLE and len(chosen) != 1):
            raise DomainError(_("Please answer every question."))
        right = {o.id for o in options if o.is_correct}
        results.append(QuestionResult(question, options, chosen, chosen == right))
    score = round(100 * sum(r.is_right for r in results) / len(results)) if results else 0
    return Grade(results, score, score >= pass_mark)
