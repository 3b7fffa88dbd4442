"""A quiz result shows what was asked and how it was marked when the trainee took it: a trainer editing the quiz later
(another right answer, a reworded question, a question removed) does not rewrite it, and the next attempt takes the
new version. The attempt keeps it in the language the trainee read. Attempts from before it was kept are shown
against today's questions, with a notice when the quiz was edited since. A question with several right answers,
answered partly right, says so (how many right answers were chosen, how many chosen are not right), never which
right answers were missed. Migration 0012 adds the column and takes it away again."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import inspect, select, update

from lms import create_app, db, migrate
from lms.accounts import services as accounts
from lms.accounts.models import SiteRole
from lms.audit import AuditEvent
from lms.catalog import services as catalog
from lms.catalog.models import Option, Question, Text
from lms.catalog.texts import set_text
from lms.db import utcnow
from lms.enrollment import quiz_attempts, quiz_review
from lms.enrollment import services as enrollment
from lms.enrollment.models import Enrollment, QuizAttempt
from tests.conftest import PASSWORD, _config, _database_url, _private_database
from tests.test_learning import build_course, quiz_url

NOTICE = "This quiz was changed after you took it."


@pytest.fixture
def promotora(make_user):
    return make_user("promotora@example.org", name="María", locale="es")


def result_url(u):
    return u("lms.courses.quiz_result", course_slug="core", module_slug="m1")


def question_of(course, slug: str) -> tuple[Question, list[Option]]:
    quiz = catalog.get_quiz(catalog.get_module(course, "m1"))
    return next((q, options) for q, options in catalog.load_questions(quiz) if q.slug == slug)


def choose(course, attempt: int = 1, **chosen: str) -> dict:
    """Form data choosing options by slug, per question slug (``q1="a", q2="ab"``)."""
    data: dict = {"attempt": str(attempt)}
    for slug, options in chosen.items():
        question, live = question_of(course, slug)
        data[f"q{question.id}"] = [str(o.id) for o in live if o.slug in options]
    return data


def attempts_of(user) -> list[QuizAttempt]:
    db.session.expire_all()
    return list(db.session.execute(select(QuizAttempt).join(Enrollment, Enrollment.id == QuizAttempt.enrollment_id)
                                   .where(Enrollment.user_id == user.id).order_by(QuizAttempt.number)).scalars())


def answers_shown(page: str) -> list[tuple[str, str, list[str]]]:
    """(prompt, mark, options with "*" before the chosen ones) for each question on a result page."""
    items = re.findall(r'<li class="(right|partly|wrong)">(.*?)</ul>', page, re.S)
    shown = []
    for mark, item in items:
        prompt = re.search(r"<strong>(.*?)</strong>", item).group(1)
        options = [("*" if "Your answer:" in o else "") + re.sub(r"<.*?>|Your answer:", "", o.split("<br>")[0]).strip()
                   for o in re.findall(r"<li>(.*?)</li>", item, re.S)]
        shown.append((prompt, mark, options))
    return shown


def edit_question(client, u, course, slug: str, prompt: str, rows: list[tuple[str, str, bool, str]]):
    """The trainer's question form, sent: rows of (option slug, text, correct, feedback)."""
    question, _options = question_of(course, slug)
    data = {"slug": slug, "kind": question.kind.value, "prompt": prompt}
    for index, (option_slug, text, correct, feedback) in enumerate(rows):
        data.update({f"options-{index}-slug": option_slug, f"options-{index}-text": text,
                     f"options-{index}-feedback": feedback})
        if correct:
            data[f"options-{index}-is_correct"] = "y"
    path = u("lms.authoring.edit_question", course_slug="core", module_slug="m1", question_id=question.id)
    response = client.submit(path, data)
    if response.status_code == 200 and 'id="confirm-answers"' in response.text:  # new right answers: asked first
        confirm = re.search(r'name="confirm" type="hidden" value="([^"]*)"', response.text).group(1)
        response = client.submit(path, {**data, "confirm": confirm})
    assert response.status_code == 302


def remove_question(client, u, course, slug: str):
    question, _options = question_of(course, slug)
    path = u("lms.authoring.remove_question", course_slug="core", module_slug="m1", question_id=question.id)
    assert client.submit(path).status_code == 302
    assert db.session.get(Question, question.id).is_archived


# ---------------------------------------------------------------- kept results after edits


def test_an_edited_quiz_does_not_rewrite_past_results_and_the_next_attempt_takes_the_new_version(
        client, u, trainer, make_user, login, client_as):
    course = build_course(trainer, es_title=None)
    passer, failer = make_user(), make_user()
    for user in (passer, failer):
        enrollment.enroll(user, course)
    db.session.commit()
    passing = client_as(passer)
    assert passing.submit(quiz_url(u), choose(course, q1="a", q2="ab")).status_code == 302
    login(failer)
    assert client.submit(quiz_url(u), choose(course, q1="b", q2="ab")).status_code == 302
    before = {"passer": passing.get(result_url(u)).text, "failer": client.get(result_url(u)).text}
    assert answers_shown(before["passer"]) == [("Pick the right one", "right", ["*Right", "Wrong"]),
                                               ("Pick both", "right", ["*One", "*Two", "Three"])]

    # The trainer makes "Wrong" the right answer, rewords the question and its feedback, and removes "Pick both".
    editor = client_as(trainer)
    edit_question(editor, u, course, "q1", "Pick the new one",
                  [("a", "Right", False, "Not any more."), ("b", "Wrong", True, "Now this one.")])
    remove_question(editor, u, course, "q2")

    passed = passing.get(result_url(u)).text
    assert "Passed" in passed and "your score 100%, pass mark 100%" in passed and NOTICE not in passed
    assert answers_shown(passed) == answers_shown(before["passer"])
    assert "Yes, that is it." in passed and "Pick the new one" not in passed and "Not any more." not in passed
    failed = client.get(result_url(u)).text
    assert "Not passed" in failed and "your score 50%" in failed
    assert answers_shown(failed) == [("Pick the right one", "wrong", ["Right", "*Wrong"]),
                                     ("Pick both", "right", ["*One", "*Two", "Three"])]
    assert "Read the first lesson again." in failed and "Now this one." not in failed

    # The next attempt is asked and marked on the quiz as it is now.
    form = client.get(quiz_url(u)).text
    assert "Pick the new one" in form and "Pick both" not in form
    assert client.submit(quiz_url(u), choose(course, attempt=2, q1="b")).status_code == 302
    first, second = attempts_of(failer)
    assert (second.score_percent, second.passed) == (100, True)
    assert [q["prompt"] for q in first.snapshot["questions"]] == ["Pick the right one", "Pick both"]
    again = client.get(result_url(u)).text
    assert answers_shown(again) == [("Pick the new one", "right", ["Right", "*Wrong"])]
    assert "Now this one." in again and NOTICE not in again


def test_the_kept_pass_mark_is_shown_beside_the_kept_score(client, u, trainer, make_user, login, client_as):
    course = build_course(trainer, es_title=None)
    user = make_user()
    enrollment.enroll(user, course)
    db.session.commit()
    login(user)
    client.submit(quiz_url(u), choose(course, q1="a", q2="ab"))
    quiz = catalog.get_quiz(catalog.get_module(course, "m1"))
    response = client_as(trainer).submit(u("lms.authoring.quiz", course_slug="core", module_slug="m1"),
                                         {"title": "Check m1", "pass_mark": "50", "max_attempts": "",
                                          "confirm": "50:"})  # asked about first: someone took the quiz
    assert response.status_code == 302 and db.session.get(type(quiz), quiz.id).pass_mark == 50
    assert "your score 100%, pass mark 100%" in client.get(result_url(u)).text


def test_the_result_keeps_the_language_the_quiz_was_taken_in(client, u, trainer, promotora, login):
    course = build_course(trainer)
    enrollment.enroll(promotora, course)
    db.session.commit()
    login(promotora)
    client.submit(quiz_url(u), choose(course, q1="a", q2="ab"))
    (attempt,) = attempts_of(promotora)
    assert attempt.snapshot == {"v": 1, "locale": "es", "pass_mark": 100, "questions": [
        {"prompt": "Elija la correcta", "right": True, "options": [
            {"text": "Correcta", "right": True, "chosen": True, "feedback": "¡Así es!"}, {"text": "Incorrecta"}]},
        # the answers of this question were never translated: shown (and kept) in English, as on the quiz page
        {"prompt": "Elija las dos", "right": True, "options": [
            {"text": "One", "right": True, "chosen": True}, {"text": "Two", "right": True, "chosen": True},
            {"text": "Three"}]}]}
    set_text(course, question_of(course, "q1")[0], "prompt", "es", "Elija la buena", trainer)
    db.session.commit()
    client.submit(u("lms.main.set_language"), {"lang": "en"})
    page = client.get(result_url(u)).text
    assert '<ol class="learn-answers" lang="es">' in page and "Your result" in page
    assert answers_shown(page)[0] == ("Elija la correcta", "right", ["*Correcta", "Incorrecta"])
    assert "¡Así es!" in page and "Elija la buena" not in page and "Pick the right one" not in page
    client.submit(u("lms.main.set_language"), {"lang": "es"})
    assert '<ol class="learn-answers">' in client.get(result_url(u)).text


# ---------------------------------------------------------------- attempts graded before results were kept


@pytest.fixture
def old_attempt(client, u, trainer, make_user, login):
    """An attempt graded an hour ago, before results were kept (no snapshot); the quiz made an hour before that."""
    course = build_course(trainer, es_title=None)
    user = make_user()
    enrollment.enroll(user, course)
    db.session.commit()
    login(user)
    client.submit(quiz_url(u), choose(course, q1="b", q2="ab"))
    now = utcnow()
    db.session.execute(update(QuizAttempt).values(snapshot=None, submitted_at=now - timedelta(hours=1)))
    db.session.execute(update(Text).values(updated_at=now - timedelta(hours=2)))
    db.session.execute(update(AuditEvent).values(at=now - timedelta(hours=2)))
    db.session.commit()
    return course


def test_an_old_attempt_of_an_unchanged_quiz_is_shown_as_before(client, u, old_attempt):
    page = client.get(result_url(u)).text
    assert NOTICE not in page and "Not passed" in page and "Read the first lesson again." in page
    assert answers_shown(page) == [("Pick the right one", "wrong", ["Right", "*Wrong"]),
                                   ("Pick both", "right", ["*One", "*Two", "Three"])]


@pytest.mark.parametrize("change", ["reworded", "feedback", "removed", "added", "answer removed", "removed and restored"])
def test_an_old_attempt_of_an_edited_quiz_says_it_may_not_match(client, u, trainer, client_as, old_attempt, change):
    course, editor = old_attempt, client_as(trainer)
    rows = [("a", "Right", True, "Yes, that is it."), ("b", "Wrong", False, "Read the first lesson again.")]
    if change == "reworded":
        edit_question(editor, u, course, "q1", "Pick the correct one", rows)
    elif change == "feedback":
        edit_question(editor, u, course, "q1", "Pick the right one", [rows[0], ("b", "Wrong", False, "Try again.")])
    elif change == "removed":
        remove_question(editor, u, course, "q2")
    elif change == "added":
        new = u("lms.authoring.new_question", course_slug="core", module_slug="m1")
        assert editor.submit(new, {"slug": "q3", "kind": "single", "prompt": "Another", "options-0-text": "Yes",
                                   "options-0-is_correct": "y", "options-1-text": "No"}).status_code == 302
    elif change == "answer removed":
        edit_question(editor, u, course, "q1", "Pick the right one", [rows[0], ("c", "Maybe", False, "")])
    else:
        remove_question(editor, u, course, "q2")
        question = db.session.execute(select(Question).where(Question.slug == "q2")).scalar_one()
        path = u("lms.authoring.restore_question", course_slug="core", module_slug="m1", question_id=question.id)
        assert editor.submit(path).status_code == 302
        assert [q.slug for q, _ in catalog.load_questions(catalog.get_quiz(catalog.get_module(course, "m1")))] == \
            ["q1", "q2"]
    page = client.get(result_url(u)).text
    assert NOTICE in page and "Not passed" in page and "your score 50%" in page


def test_an_old_attempt_is_not_flagged_by_a_translation_the_trainee_does_not_read(client, u, trainer, old_attempt):
    set_text(old_attempt, question_of(old_attempt, "q1")[0], "prompt", "es", "Elija la correcta", trainer)
    db.session.commit()
    assert NOTICE not in client.get(result_url(u)).text


# ---------------------------------------------------------------- several right answers, answered partly right


@pytest.mark.parametrize("chosen, mark, says", [
    ("ab", "right", []),
    ("a", "partly", ["You chose 1 of the 2 right answers."]),
    ("ac", "partly", ["You chose 1 of the 2 right answers.", "1 of your answers is not right."]),
    ("abc", "partly", ["You chose every right answer.", "1 of your answers is not right."]),
    ("c", "wrong", []),
])
def test_several_right_answers_answered_partly_right(client, u, trainer, make_user, login, chosen, mark, says):
    course = build_course(trainer, es_title=None)
    user = make_user()
    enrollment.enroll(user, course)
    db.session.commit()
    login(user)
    client.submit(quiz_url(u), choose(course, q1="a", q2=chosen))
    page = client.get(result_url(u)).text
    prompt, shown_mark, options = answers_shown(page)[1]
    assert (prompt, shown_mark) == ("Pick both", mark)
    # only the chosen answers are pointed out: nothing says which of the others is right
    assert options == [("*" if slug in chosen else "") + text for slug, text in zip("abc", ("One", "Two", "Three"))]
    item = page[page.index("Pick both"):]
    item = item[:item.index("</ul>")]
    assert {"right": "✓ Right", "partly": "◐ Partly right", "wrong": "✗ Not right"}[mark] in item
    for sentence in ("You chose", "of your answers"):
        assert (sentence in item) == any(sentence in s for s in says)
    for sentence in says:
        assert sentence in item


def test_the_review_counts_right_answers_chosen_and_wrong_ones():
    def question(*options: tuple[bool, bool]) -> quiz_review.ReviewedQuestion:
        chosen = tuple(quiz_review.ReviewedOption("x", right, picked) for right, picked in options)
        return quiz_review.ReviewedQuestion("?", all(r == p for r, p in options), chosen)

    partly = question((True, True), (True, False), (False, True))
    assert (partly.mark, partly.right_chosen, partly.right_total, partly.wrong_chosen) == ("partly", 1, 2, 1)
    assert question((True, True), (False, False)).mark == "right"
    assert question((True, False), (False, True)).mark == "wrong"


# ---------------------------------------------------------------- the migration


def test_migration_adds_the_snapshot_and_downgrading_keeps_the_attempts(tmp_path):
    """0012 adds a nullable column (attempts graded before stay without a snapshot and are shown as before);
    downgrading drops it and keeps every attempt."""
    with _private_database(_database_url(tmp_path), suffix="snap") as url:
        app = create_app(_config(url, tmp_path))
        with app.app_context():
            migrate.upgrade()
            trainer = accounts.register_user("coach@example.org", "Coach", PASSWORD, role=SiteRole.TRAINER)
            trainee = accounts.register_user("rosa@example.org", "Rosa", PASSWORD)
            course = build_course(trainer, es_title=None)
            mine = enrollment.enroll(trainee, course)
            quiz = catalog.get_quiz(catalog.get_module(course, "m1"))
            quiz_attempts.submit_quiz(mine, quiz, {q.id: {o.id for o in options if o.is_correct}
                                                for q, options in catalog.load_questions(quiz)})
            db.session.commit()
            rows = select(QuizAttempt.id, QuizAttempt.score_percent, QuizAttempt.answers)
            kept = db.session.execute(rows).all()
            assert db.session.execute(select(QuizAttempt.snapshot)).scalar_one()["questions"]
            engine = app.extensions["lms"].db.engine
            db.session.close()  # no transaction of the test's may hold a lock that a migration waits for (PostgreSQL)
            try:
                migrate.downgrade("0011")
                assert "snapshot" not in {c["name"] for c in inspect(engine).get_columns("lms_quiz_attempts")}
                assert db.session.execute(rows).all() == kept
                db.session.close()
                migrate.upgrade()
                assert "snapshot" in {c["name"] for c in inspect(engine).get_columns("lms_quiz_attempts")}
                assert db.session.execute(rows).all() == kept
                assert db.session.execute(select(QuizAttempt.snapshot)).scalar_one() is None
            finally:
                db.session.remove()
                engine.dispose()
