"""A quiz attempt as it was asked and marked, for its result page.

When an attempt is graded, :func:`snapshot_attempt` keeps with it (``QuizAttempt.snapshot``) every question in the
order shown, in the language the trainee read it in: the prompt, each answer's text, whether it was right and whether
it was chosen, the feedback shown for the chosen answers, and whether the question was marked right. The result page
shows that, so editing the quiz later (a right answer changed, a question removed or reworded) does not rewrite
results already given. Compact JSON, with false and empty values left out::

    {"v": 1, "locale": "es", "pass_mark": 80, "questions": [
        {"prompt": "...", "right": false, "options": [
            {"text": "...", "right": true, "chosen": true, "feedback": "..."}, {"text": "...", "right": true}]}]}

A text shown in the course's source language because its translation was out of date (see
:mod:`lms.catalog.quiz_texts`) has that language beside it: ``"prompt_lang"``, ``"text_lang"`` or
``"feedback_lang"`` (``"en"``), so the result page shows it as it was shown, marked with its language.

Attempts graded before this was kept have no snapshot: :func:`review_attempt` then shows their answers against
today's questions, as the page always did, and says so when the quiz has been edited since (as far as that can be
told, see :mod:`lms.catalog.quiz_history`).

The page never shows which answers a trainee did not choose are right: only whether each question was right, the
feedback for the answers chosen and, for a question with several right answers answered partly right, how many of
the right answers were chosen and how many chosen answers are not right.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from lms.catalog.models import Option, Question, Quiz
from lms.catalog.quiz_history import quiz_edited_since
from lms.catalog.texts import LocalText, Texts
from lms.enrollment.models import QuizAttempt

if TYPE_CHECKING:
    from lms.enrollment.quiz_grading import QuestionResult

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
        entry: dict[str, Any] = _kept_text("text", texts.get(option, "text"))
        if option.is_correct:
            entry["right"] = True
        if option.id in chosen:
            entry["chosen"] = True
            if (feedback := texts.get(option, "feedback")).value:
                entry.update(_kept_text("feedback", feedback))
        kept.append(entry)
    return {**_kept_text("prompt", texts.get(question, "prompt")), "right": is_right, "options": kept}


def _kept_text(name: str, text: LocalText) -> dict[str, str]:
    """``{name: text}``, with ``{name}_lang`` when it was shown in the source language in place of an out-of-date
    translation."""
    return {name: text.value, f"{name}_lang": text.locale} if text.is_stale else {name: text.value}


def _lang(text: LocalText) -> str | None:
    return text.locale if text.is_stale else None


@dataclass(frozen=True)
class ReviewedOption:
    text: str
    is_right: bool
    is_chosen: bool
    #: Shown for chosen answers only.
    feedback: str = ""
    #: The language of ``text`` / ``feedback`` when shown in the source language because its translation was out of
    #: date (None: the attempt's language).
    text_lang: str | None = None
    feedback_lang: str | None = None


@dataclass(frozen=True)
class ReviewedQuestion:
    prompt: str
    #: As marked when graded (for an attempt without a snapshot: against today's answers).
    is_right: bool
    options: tuple[ReviewedOption, ...]
    #: As for :attr:`ReviewedOption.text_lang`.
    prompt_lang: str | None = None

    @property
    def shown_in_source(self) -> bool:
        """Some text of it was shown in the source language because its translation was out of date."""
        return bool(self.prompt_lang or any(o.text_lang or o.feedback_lang for o in self.options))

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

    @property
    def shown_in_source(self) -> bool:
        """Some texts are shown in the source language because their translation was out of date."""
        return any(q.shown_in_source for q in self.questions)


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


def review_graded(results: Iterable[QuestionResult], texts: Texts, pass_mark: int) -> AttemptReview:
    """Marked answers that are not kept (a trainer trying the quiz in the preview) as an attempt's result page shows
    them: through the very snapshot an attempt keeps, so the two pages cannot differ."""
    review = _from_snapshot(snapshot_attempt(results, texts, pass_mark))
    assert review is not None  # a snapshot just made is of the current version
    return replace(review, is_kept=False)


def _from_snapshot(data: Any) -> AttemptReview | None:
    if not isinstance(data, dict) or data.get("v") != SNAPSHOT_VERSION:
        return None
    questions = [
        ReviewedQuestion(str(q.get("prompt", "")), bool(q.get("right")), tuple(
            ReviewedOption(str(o.get("text", "")), bool(o.get("right")), bool(o.get("chosen")),
                           str(o.get("feedback", "")), _kept_lang(o, "text"), _kept_lang(o, "feedback"))
            for o in q.get("options", [])), _kept_lang(q, "prompt"))
        for q in data.get("questions", [])
    ]
    return AttemptReview(questions, int(data["pass_mark"]), str(data["locale"]), is_kept=True)


def _kept_lang(data: dict[str, Any], name: str) -> str | None:
    lang = data.get(f"{name}_lang")
    return str(lang) if lang else None


def _against_today(answers: dict[str, list[str]], questions: list[tuple[Question, list[Option]]],
                   texts: Texts) -> list[ReviewedQuestion]:
    reviewed = []
    for question, options in questions:
        slugs = answers.get(question.slug)
        if slugs is None:  # added after the attempt
            continue
        right = {o.slug for o in options if o.is_correct}
        prompt = texts.get(question, "prompt")
        reviewed.append(ReviewedQuestion(prompt.value, set(slugs) == right, tuple(
            _option_today(o, o.slug in slugs, texts) for o in options), _lang(prompt)))
    return reviewed


def _option_today(option: Option, chosen: bool, texts: Texts) -> ReviewedOption:
    text = texts.get(option, "text")
    feedback = texts.get(option, "feedback") if chosen else None
    return ReviewedOption(text.value, option.is_correct, chosen, feedback.value if feedback else "", _lang(text),
                          _lang(feedback) if feedback else None)


def _structure_differs(answers: dict[str, list[str]], questions: list[tuple[Question, list[Option]]]) -> bool:
    """Every question had to be answered, so the attempt's answers name the questions asked: a question added or
    removed since, or a chosen answer that is gone, shows the quiz changed."""
    live = {question.slug: {o.slug for o in options} for question, options in questions}
    return set(live) != set(answers) or any(not set(chosen) <= live[slug] for slug, chosen in answers.items())
