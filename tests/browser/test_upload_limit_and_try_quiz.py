"""A file too large for the server, then Back to the form as it was typed; and a trainer's "Try this quiz", which
grades the answers as a trainee's attempt would and keeps nothing.

The 413 journey lowers the served app's request limit (``MAX_CONTENT_LENGTH``, 25 MB by default) to 1 MB for the
test, so a 1.5 MB file is enough to pass it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from lms import db
from lms.catalog import course_authoring, lesson_authoring, module_authoring, quiz_authoring
from lms.catalog import services as catalog
from lms.catalog.models import QuestionKind
from lms.enrollment.models import Enrollment, QuizAttempt
from lms.hours.models import HoursEntry
from tests.browser.conftest import check_accessibility, follow, menu, sign_in
from tests.browser.helpers import new_person, user

pytestmark = pytest.mark.browser

LIMIT = 1024 * 1024
BIG_PDF = {"name": "scan.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n" + b"a" * (LIMIT + LIMIT // 2)}


@pytest.fixture
def small_request_limit(live_server) -> Iterator[None]:
    """The served app refuses request bodies over 1 MB for this test (Flask reads the setting on every request)."""
    config = live_server.app.config
    before = config["MAX_CONTENT_LENGTH"]
    config["MAX_CONTENT_LENGTH"] = LIMIT
    yield
    config["MAX_CONTENT_LENGTH"] = before


def _external_form(page) -> None:
    """From the menu: My hours, then Add training done elsewhere."""
    follow(menu(page).get_by_role("link", name="My hours"))
    follow(page.get_by_role("link", name="Add training done elsewhere"))
    page.get_by_role("heading", name="Training done elsewhere").wait_for()


def _fill_with_big_file(page) -> None:
    page.get_by_label("Name of the training").fill("County heat-illness workshop")
    page.get_by_label("Who gave it").fill("Kern County Public Health")
    page.get_by_label("Hours").fill("3")
    page.get_by_label("Minutes").fill("15")
    page.get_by_label("Certificate or sign-in sheet (optional)").set_input_files(BIG_PDF)


def _entries_of(live_server, email: str) -> int:
    with live_server.data():
        person = user(email)
        return db.session.scalar(select(func.count()).select_from(HoursEntry).where(HoursEntry.user_id == person.id))


def test_a_too_large_file_gets_the_413_page_and_back_keeps_what_was_typed(open_page, live_server,
                                                                          small_request_limit):
    email = "too.large@example.org"
    with live_server.data():
        new_person(email, "Tomasa Large", employee_id="E-4413")
    page = open_page()
    sign_in(page, email)
    _external_form(page)
    form_url = page.url
    _fill_with_big_file(page)
    with page.expect_navigation() as sent:
        page.get_by_role("button", name="Send for review").click()
    assert sent.value is not None and sent.value.status == 413
    page.get_by_role("heading", name="File too large").wait_for()
    assert page.get_by_text("one form can send at most 1 MB").is_visible()
    assert page.get_by_role("link", name="Open the form again (empty)").is_visible()
    back = page.get_by_role("button", name="Back to the form, as you typed it")
    back.wait_for()  # shown by history-back.js
    check_accessibility(page, "413 page")

    with page.expect_navigation():
        back.click()
    assert page.url == form_url
    page.get_by_role("heading", name="Training done elsewhere").wait_for()
    assert page.get_by_label("Name of the training").input_value() == "County heat-illness workshop"
    assert page.get_by_label("Who gave it").input_value() == "Kern County Public Health"
    assert page.get_by_label("Hours").input_value() == "3"
    assert page.get_by_label("Minutes").input_value() == "15"
    assert _entries_of(live_server, email) == 0

    # Without JavaScript: no button that could not work, the link to the form (empty) instead.
    plain = open_page(javascript=False)
    sign_in(plain, email)
    _external_form(plain)
    _fill_with_big_file(plain)
    with plain.expect_navigation() as sent:
        plain.get_by_role("button", name="Send for review").click()
    assert sent.value is not None and sent.value.status == 413
    plain.get_by_role("heading", name="File too large").wait_for()
    assert plain.get_by_role("button", name="Back to the form, as you typed it").count() == 0
    assert not plain.locator("[data-lms-history-back]").is_visible()
    assert plain.get_by_text("To keep what you typed, use your browser's Back button").is_visible()
    follow(plain.get_by_role("link", name="Open the form again (empty)"))
    assert plain.url == form_url
    assert plain.get_by_label("Name of the training").input_value() == ""
    assert _entries_of(live_server, email) == 0


def _quiz_course() -> None:
    """The draft course ``try-quiz-browser`` by the demo trainer: one module with a lesson and a quiz (pass mark 100)
    of two questions."""
    trainer = user("trainer@example.org")
    course = course_authoring.create_course(course_authoring.CourseData(slug="try-quiz-browser",
                                                                        title="Water safety"), trainer)
    module = module_authoring.add_module(course, module_authoring.ModuleData(slug="drink", title="Drinking water"),
                                         trainer)
    lesson_authoring.add_lesson(course, module, "boil", "Boiling water", "Boil it for a minute.", 10, trainer)
    quiz = quiz_authoring.ensure_quiz(course, module, title="Water check", pass_mark=100, max_attempts=None,
                                      actor=trainer)
    quiz_authoring.save_question(
        course, quiz, None, slug="boil", kind=QuestionKind.SINGLE, prompt="How long should water boil?",
        options=[quiz_authoring.OptionData("one", "One minute", True, "Yes: a rolling boil for one minute."),
                 quiz_authoring.OptionData("none", "It need not boil", False, "No: boil it first.")], actor=trainer)
    quiz_authoring.save_question(
        course, quiz, None, slug="store", kind=QuestionKind.MULTIPLE, prompt="How do you store safe water?",
        options=[quiz_authoring.OptionData("clean", "In a clean container", True),
                 quiz_authoring.OptionData("covered", "Covered", True),
                 quiz_authoring.OptionData("open", "In an open bucket", False, "An open bucket lets dirt in.")],
        actor=trainer)


def _written() -> dict[str, int]:
    return {model.__name__: db.session.scalar(select(func.count()).select_from(model))
            for model in (QuizAttempt, Enrollment, HoursEntry)}


def test_a_trainer_tries_a_quiz_from_the_preview_and_nothing_is_kept(open_page, live_server):
    with live_server.data():
        _quiz_course()
    with live_server.data():
        before = _written()
    page = open_page()
    sign_in(page, "trainer@example.org")
    follow(menu(page).get_by_role("link", name="Authoring"))
    follow(page.get_by_role("link", name="Water safety"))
    follow(page.get_by_role("link", name="Preview as a trainee"))
    follow(page.get_by_role("link", name="Water check"))
    follow(page.get_by_role("link", name="Try this quiz"))
    page.get_by_role("heading", name="Water check").wait_for()
    assert page.get_by_text("Correct answer:").count() == 0  # the trainee's form, not the answer key

    page.get_by_role("radio", name="One minute").check()
    page.get_by_role("checkbox", name="In a clean container").check()
    page.get_by_role("checkbox", name="In an open bucket").check()
    follow(page.get_by_role("button", name="Send my answers"))
    page.get_by_role("heading", name="Your result: Water check").wait_for()
    score = page.get_by_role("status")
    assert " ".join(score.inner_text().split()) == "Not passed · your score 50%, pass mark 100%"
    result = " ".join(page.locator("main").inner_text().split())
    assert "Yes: a rolling boil for one minute." in result  # the chosen answers' feedback
    assert "An open bucket lets dirt in." in result
    assert "Nothing was kept" in result

    follow(page.get_by_role("link", name="Try again"))
    page.get_by_role("radio", name="One minute").check()
    page.get_by_role("checkbox", name="In a clean container").check()
    page.get_by_role("checkbox", name="Covered").check()
    follow(page.get_by_role("button", name="Send my answers"))
    page.get_by_role("heading", name="Your result: Water check").wait_for()
    assert " ".join(score.inner_text().split()) == "Passed · your score 100%, pass mark 100%"

    with live_server.data():
        assert _written() == before
        quiz = catalog.get_quiz(catalog.get_module(catalog.get_course("try-quiz-browser"), "drink"))
        assert db.session.scalar(select(func.count()).select_from(QuizAttempt)
                                 .where(QuizAttempt.quiz_id == quiz.id)) == 0
