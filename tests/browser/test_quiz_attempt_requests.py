"""Rosa used every attempt at a quiz without passing: she asks for another from the quiz page, the trainer finds the
request from the authoring page, allows one more attempt, and Rosa can take the quiz again. Every page on the way is
checked with axe-core."""

from __future__ import annotations

import pytest

from lms.catalog import services as catalog
from lms.enrollment import quiz_attempts
from lms.enrollment import services as enrollment
from tests.browser.conftest import check_accessibility, follow, sign_in
from tests.browser.helpers import new_person, user
from tests.test_learning import build_course

pytestmark = pytest.mark.browser


@pytest.fixture
def locked_out(live_server):
    """A small course by the demo trainer whose quiz allows one attempt, and Rosa, who used it without passing."""
    with live_server.data():
        course = build_course(user("trainer@example.org"), slug="ask-again", title="Asking again", max_attempts=1)
        rosa = new_person("rosa.ask@example.org", "Rosa Ask")
        quiz = catalog.get_quiz(catalog.get_module(course, "m1"))
        wrong = {q.id: {o.id for o in options if not o.is_correct} or {options[0].id}
                 for q, options in catalog.load_questions(quiz)}
        quiz_attempts.submit_quiz(enrollment.enroll(rosa, course), quiz, wrong)


def test_a_trainee_asks_and_a_trainer_allows_another_attempt(open_page, locked_out):
    rosa = open_page()
    sign_in(rosa, "rosa.ask@example.org")
    rosa.goto("/courses/ask-again/m1/quiz")
    check_accessibility(rosa, "locked out, may ask")
    rosa.get_by_label("Message to the trainers (optional)").fill("The second question confused me.")
    follow(rosa.get_by_role("button", name="Ask for another attempt"))
    rosa.get_by_text("Your request is sent.").wait_for()
    rosa.get_by_text("You asked on").wait_for()
    assert rosa.get_by_role("button", name="Ask for another attempt").count() == 0
    check_accessibility(rosa, "asked")

    trainer = open_page()
    sign_in(trainer, "trainer@example.org")
    trainer.goto("/authoring/")
    trainer.get_by_role("heading", name="1 request for another quiz attempt is waiting").wait_for()
    check_accessibility(trainer, "authoring index with a request")
    follow(trainer.get_by_role("link", name="Asking again · Module 1"))
    row = trainer.get_by_role("row", name="Rosa Ask")
    assert "The second question confused me." in row.inner_text()
    check_accessibility(trainer, "quiz with a request")
    row.get_by_label("Reason for Rosa Ask").fill("Explained the second question")
    follow(row.get_by_role("button", name="Allow one more attempt"))
    trainer.get_by_text("Rosa Ask can take the quiz once more.").wait_for()
    trainer.goto("/authoring/")
    assert trainer.get_by_text("request for another quiz attempt").count() == 0

    rosa.reload()
    rosa.get_by_role("button", name="Send my answers").wait_for()
    assert rosa.get_by_text("You asked on").count() == 0
