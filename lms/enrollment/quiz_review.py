"""A quiz attempt as it was asked and marked, for its result page.

When an attempt is graded, :func:`snapshot_attempt` keeps with it (``QuizAttempt.snapshot``) every question in the
order shown, in the language the trainee read it in: the prompt, each answer's text, whether it was right and whether
it was chosen, the feedback shown for the chosen answers, and whether the question was marked right. The result page
shows that, so editing the quiz later (a right answer changed, a question removed or reworded) does not rewrite
results already given. Compact JSON, with false and empty values left out::

    {"v": 1, "locale": "es", "pass_mark": 80, "questions": [
        {"prompt": "...", "right": false, "options": [
            {"text": "...", "right": true, "chosen": true, "feedback": "..."}, {"text": "...", "right": true}]}]}

Attempts graded before this was kept have no snapshot: :func:`review_attempt` then shows their answers against
today's questions, as the page always did, and says so when the quiz has been edited since (as far as that can be
told, see :mod:`lms.catalog.quiz_history`).

The page never shows which answers a trainee did not choose are right: only whether each question was right, the
feedback for the answers chosen and, for a question with several right answers answered partly right, how many of
the right answers were chosen and how many chosen answers are not right.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from lms.catalog.models import Option, Question, Quiz
from lms.catalog.quiz_history import quiz_edited_since
from lms.catalog.texts import Texts
from lms.enrollment.models import QuizAttempt

if TYPE_CHECKING:
    from lms.enrollment.services import QuestionResult

SNAPSHOT_VERSION = 1

RIGHT, PARTLY_RIGHT, NOT_RIGHT = "right", "partly", "wrong"


def snapshot_attempt(results: Iterable[QuestionResult], texts: Texts, pass_mark: int) -> dict[str, Any]:
    """What the graded ``results`` asked and how they were marked, in ``texts``' language (with its fallback to the
    course's source language, exactly as the quiz page showed them), for ``QuizAttempt.snapshot``."""
    return {"v": SNAPSHOT_VERSION, "locale": texts.locale, "pass_mark": pass_mark,
            "questions": [_question_snapshot(r.question, r.options, r.chosen, r.is_right, texts) for r in results]}


def _question_snapshot(question: Question, options: list[Option], chosen: set[int], is_right: bool,
                       texts: Texts) -> dict[str, Any]:
    kept: list[dict[str, Any]] = []
    for option in options:
        entry: dict[str, Any] = {"text": texts(option, "text")}
        if option.is_correct:
            entry["right"] = True
        if option.id in chosen:
            entry["chosen"] = True
            if feedback := texts(option, "feedback"):
                entry["feedback"] = feedback
        kept.append(entry)
    return {"prompt": texts(question, "prompt"), "right": is_right, "options": kept}


@dataclass(frozen=True)
class ReviewedOption:
    text: str
    is_right: bool
    is_chosen: bool
    #: Shown for chosen answers only.
    feedback: str = ""


@dataclass(frozen=True)
class ReviewedQuestion:
    prompt: str
    #: As marked when graded (for an attempt without a snapshot: against today's answers).
    is_right: bool
    options: tuple[ReviewedOption, ...]

    @property
    def right_total(self) -> int:
        return sum(1 for o in self.options if o.is_right)

    @property
    def right_chosen(self) -> int:
        return sum(1 for o in self.options if o.is_right and o.is_chosen)

    @property
    def wrong_chosen(self) -> int:
        return sum(1 for o in self.options if o.is_chosen and not o.is_right)

    @property
    def mark(self) -> str:
        """``right``; ``partly`` when some right answers were chosen but not exactly the right ones (only possible
        with several right answers to choose); else ``wrong``."""
        if self.is_right:
            return RIGHT
        return PARTLY_RIGHT if self.right_chosen else NOT_RIGHT


@dataclass(frozen=True)
class AttemptReview:
    questions: list[ReviewedQuestion]
    pass_mark: int
    #: The language the texts are in: the one the trainee took the quiz in (None: today's texts, in the page's).
    locale: str | None = None
    #: Shown from what was kept when it was graded.
    is_kept: bool = False
    #: Without a snapshot: the quiz was edited after the attempt, so today's questions may not be what was asked.
    edited_since: bool = False


def review_attempt(attempt: QuizAttempt, quiz: Quiz, questions: list[tuple[Question, list[Option]]],
                   texts: Texts) -> AttemptReview:
    """The attempt as asked and marked, from its snapshot; without one, its answers against today's ``questions``
    (read with ``texts``), noting whether the quiz was edited since."""
    kept = _from_snapshot(attempt.snapshot)
    if kept is not None:
        return kept
    reviewed = _against_today(attempt.answers, questions, texts)
    edited = _structure_differs(attempt.answers, questions) or quiz_edited_since(
        quiz, attempt.submitted_at, {texts.locale, texts.source_locale})
    return AttemptReview(reviewed, quiz.pass_mark, edited_since=edited)


def _from_snapshot(data: Any) -> AttemptReview | None:
    if not isinstance(data, dict) or data.get("v") != SNAPSHOT_VERSION:
        return None
    questions = [
        ReviewedQuestion(str(q.get("prompt", "")), bool(q.get("right")), tuple(
            ReviewedOption(str(o.get("text", "")), bool(o.get("right")), bool(o.get("chosen")),
                           str(o.get("feedback", ""))) for o in q.get("options", [])))
        for q in data.get("questions", [])
    ]
    return AttemptReview(questions, int(data["pass_mark"]), str(data["locale"]), is_kept=True)


def _against_today(answers: dict[str, list[str]], questions: list[tuple[Question, list[Option]]],
                   texts: Texts) -> list[ReviewedQuestion]:
    reviewed = []
    for question, options in questions:
        slugs = answers.get(question.slug)
        if slugs is None:  # added after the attempt
            continue
        right = {o.slug for o in options if o.is_correct}
        reviewed.append(ReviewedQuestion(texts(question, "prompt"), set(slugs) == right, tuple(
            ReviewedOption(texts(o, "text"), o.is_correct, o.slug in slugs,
                           texts(o, "feedback") if o.slug in slugs else "") for o in options)))
    return reviewed


def _structure_differs(answers: dict[str, list[str]], questions: list[tuple[Question, list[Option]]]) -> bool:
    """Every question had to be answered, so the attempt's answers name the questions asked: a question added or
    removed since, or a chosen answer that is gone, shows the quiz changed."""
    live = {question.slug: {o.slug for o in options} for question, options in questions}
    return set(live) != set(answers) or any(not set(chosen) <= live[slug] for slug, chosen in answers.items())
