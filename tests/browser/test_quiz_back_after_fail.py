"""Back after a failed quiz attempt does not bring the old ticks back (QA pass, a trainee on a phone in Spanish).

The quiz page is served with ``Cache-Control: no-store``, so Back fetches it afresh, with the hidden ``attempt`` field
already at the next number. Chromium used to restore the ticks of the attempt just sent onto that new page, and one tap
on "Send my answers" spent another attempt on the old answers without the trainee choosing again. Now the form says
``autocomplete="off"`` and nothing comes back ticked."""

from __future__ import annotations

import pytest

from tests.browser.conftest import follow, sign_in
from tests.browser.helpers import es, new_person, user
from tests.test_learning import build_course

pytestmark = pytest.mark.browser

EMAIL = "quiz.back@example.org"


@pytest.fixture
def quiz_back(live_server):
    """A small course by the demo trainer whose quiz allows three attempts, and a Spanish-speaking trainee in it."""
    from lms.catalog import services as catalog
    from lms.enrollment import services as enrollment

    with live_server.data():
        course = build_course(user("trainer@example.org"), slug="quiz-back", title="Quiz back", max_attempts=3)
        enrollment.enroll(new_person(EMAIL, "Quique Back", locale="es"), course)
        quiz = catalog.get_quiz(catalog.get_module(course, "m1"))
        return quiz.id


def _attempts(live_server, quiz_id: int) -> int:
    from sqlalchemy import func, select

    from lms import db
    from lms.enrollment.models import QuizAttempt

    with live_server.app.app_context():
        count = db.session.execute(select(func.count()).select_from(QuizAttempt)
                                   .where(QuizAttempt.quiz_id == quiz_id)).scalar_one()
        db.session.remove()
    return count


def test_back_after_a_failed_attempt_shows_no_ticks(open_page, live_server, quiz_back):
    page = open_page(phone=True, locale="es-US")
    sign_in(page, EMAIL)
    page.goto("/courses/quiz-back/m1/quiz")
    page.locator("main form.learn-quiz input[type=radio]").last.check()  # "Wrong"
    page.locator("main form.learn-quiz input[type=checkbox]").first.check()  # "One" alone: not every right answer
    follow(page.get_by_role("button", name=es("Send my answers")), tap=True)
    assert "/quiz/result" in page.url
    assert _attempts(live_server, quiz_back) == 1

    with page.expect_navigation():
        page.go_back()
    assert page.url.endswith("/quiz")
    assert page.locator("input[name=attempt]").input_value() == "2"  # fetched afresh: the next attempt
    assert page.locator("main form.learn-quiz input:checked").count() == 0

    page.get_by_role("button", name=es("Send my answers")).tap()  # nothing ticked: nothing is sent as an attempt
    page.get_by_text(es("Please answer every question.")).wait_for()
    assert _attempts(live_server, quiz_back) == 1
