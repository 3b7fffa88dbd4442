"""From a course author's pass: a lesson of invisible text is refused at the box at fault; the quiz page and the course
page call a quiz by its own title once it has one; Up and Down appear only where they move something, and a move
that cannot (an old page) says so."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import func, select

from lms import db
from lms.catalog import lesson_authoring, module_authoring, quiz_authoring, removal
from lms.catalog import services as catalog
from lms.catalog.models import Lesson, QuestionKind, Text
from lms.catalog.quiz_authoring import OptionData
from lms.errors import DomainError
from tests.authoring_support import heat_course

FIELD_ERROR = re.compile(r'<p class="error" id="(?:err-)?([\w-]+?)(?:-error)?">([^<]*)</p>')
BODY_ERROR = "Write the lesson text. This one holds only invisible characters (such as zero-width spaces)."


@pytest.fixture
def course(signed_in_trainer):
    course, module, _lesson, quiz = heat_course(signed_in_trainer)
    lesson_authoring.add_lesson(course, module, "water", "Drink water", "Every 15 minutes.", 5, signed_in_trainer)
    module_authoring.add_module(course, module_authoring.ModuleData(slug="care", title="First aid"), signed_in_trainer)
    for slug, prompt in (("q1", "What do you do first?"), ("q2", "Where do you move them?")):
        quiz_authoring.save_question(course, quiz, None, slug=slug, kind=QuestionKind.SINGLE, prompt=prompt,
                                     options=[OptionData("a", "Yes", True), OptionData("b", "No")],
                                     actor=signed_in_trainer)
    db.session.commit()
    return course


def _errors(response) -> dict[str, str]:
    return {key: html.unescape(message) for key, message in FIELD_ERROR.findall(response.get_data(as_text=True))}


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


# ---------------------------------------------------------------- invisible lesson text


@pytest.mark.parametrize("body", ["\u200b", "\u200b\u200d\ufeff", "\u00ad\n\u2060"])
def test_a_new_lesson_of_invisible_text_is_refused_at_its_text(client, u, course, body):
    response = client.submit(u("lms.authoring.new_lesson", course_slug="heat", module_slug="signs"), {
        "slug": "blank", "title": "Shade", "body": body, "estimated_minutes": "5", "save": "y"})
    assert response.status_code == 400
    assert _errors(response) == {"body": BODY_ERROR}  # not on the short name
    assert db.session.scalar(select(func.count(Lesson.id))) == 2


def test_an_existing_lesson_of_invisible_text_is_refused_at_its_text(client, u, course):
    url = u("lms.authoring.edit_lesson", course_slug="heat", module_slug="signs", lesson_slug="stroke")
    response = client.submit(url, {"title": "Heat stroke", "body": "\u200b\u200b", "estimated_minutes": "10",
                                   "save": "y"})
    assert response.status_code == 400 and _errors(response) == {"body": BODY_ERROR}
    response = client.submit(url, {"title": "Heat stroke", "body": "\u200b", "estimated_minutes": "10",
                                   "preview": "y"})
    assert response.status_code == 400 and _errors(response) == {"body": BODY_ERROR}
    assert db.session.scalar(select(Text.value).where(Text.owner_type == "lesson", Text.field == "body",
                                                      Text.owner_id == catalog.get_lesson(
                                                          catalog.get_module(course, "signs"), "stroke").id)) == \
        "Call 911."


def test_the_services_name_the_field_at_fault(course, trainer):
    module = catalog.get_module(course, "signs")
    lesson = catalog.get_lesson(module, "stroke")
    cases = [
        (lambda: lesson_authoring.update_lesson(course, lesson, "\u200b", "Call 911.", 10, trainer), "title",
         "A lesson needs a title."),
        (lambda: lesson_authoring.update_lesson(course, lesson, "Heat stroke", "\ufeff", 10, trainer), "body",
         "A lesson needs some text."),
        (lambda: lesson_authoring.update_lesson(course, lesson, "Heat stroke", "Call 911.", 0, trainer), "estimated_minutes",
         "Estimated minutes must be between 1 and 600."),
        (lambda: module_authoring.add_module(course, module_authoring.ModuleData(slug="blank", title="\u200b"), trainer), "title",
         "A module needs a title."),
        (lambda: quiz_authoring.save_question(course, catalog.get_quiz(module), None, slug="q9",
                                              kind=QuestionKind.SINGLE, prompt="\u200b", options=[], actor=trainer),
         "prompt", "Write the question."),
    ]
    for call, name, message in cases:
        with pytest.raises(DomainError) as refused:
            call()
        assert (refused.value.details.get("field"), refused.value.message) == (name, message)
        db.session.rollback()


# ---------------------------------------------------------------- the quiz's own title


def test_the_quiz_is_called_by_its_title_once_it_has_one(client, u, course):
    quiz_url = u("lms.authoring.quiz", course_slug="heat", module_slug="signs")
    page = _text(client.get(quiz_url))
    assert "<h1 lang=\"en\">Check</h1>" in page and "The quiz of the module “Warning signs”." in page
    assert "<title>Check" in page
    course_page = _text(client.get(u("lms.authoring.course", course_slug="heat")))
    hidden = '<span class="visually-hidden"> Warning signs</span>'  # the module, for screen readers' lists of links
    assert f'href="{quiz_url}">Quiz: <span lang="en">Check</span>{hidden}</a>' in course_page
    client.submit(quiz_url, {"title": "Heat check", "pass_mark": "80", "max_attempts": ""})
    assert "<h1 lang=\"en\">Heat check</h1>" in _text(client.get(quiz_url))
    assert f'>Quiz: <span lang="en">Heat check</span>{hidden}</a>' in _text(
        client.get(u("lms.authoring.course", course_slug="heat")))


def test_a_quiz_without_a_title_is_named_after_its_module(client, u, course):
    quiz_url = u("lms.authoring.quiz", course_slug="heat", module_slug="signs")
    assert client.submit(quiz_url, {"title": "", "pass_mark": "80", "max_attempts": ""}).status_code == 302
    page = _text(client.get(quiz_url))
    assert "<h1>Quiz for “Warning signs”</h1>" in page
    assert f'href="{quiz_url}">Quiz<span class="visually-hidden"> Warning signs</span></a>' in _text(
        client.get(u("lms.authoring.course", course_slug="heat")))


# ---------------------------------------------------------------- no dead Up and Down


def _buttons(page: str, name: str) -> list[str]:
    """The move buttons of the item called ``name`` (a lesson's name goes on with its module's), by their visible
    word."""
    return re.findall(r'value="(up|down)"[^>]*>(?:Up|Down)<span class="visually-hidden"> Move ' + re.escape(name), page)


def test_no_up_on_the_first_nor_down_on_the_last(client, u, course):
    page = _text(client.get(u("lms.authoring.course", course_slug="heat")))
    assert _buttons(page, "Warning signs") == ["down"] and _buttons(page, "First aid") == ["up"]
    assert _buttons(page, "Heat stroke") == ["down"] and _buttons(page, "Drink water") == ["up"]
    quiz = _text(client.get(u("lms.authoring.quiz", course_slug="heat", module_slug="signs")))
    assert _buttons(quiz, "What do you do first?") == ["down"]
    assert _buttons(quiz, "Where do you move them?") == ["up"]


def test_a_sole_item_has_no_move_buttons(client, u, course, trainer):
    removal.remove(course, catalog.get_module(course, "care"), trainer)
    db.session.commit()
    page = _text(client.get(u("lms.authoring.course", course_slug="heat")))
    assert _buttons(page, "Warning signs") == [] and _buttons(page, "Heat stroke") == ["down"]


def test_a_move_past_the_end_says_so(client, u, course):
    response = client.submit(u("lms.authoring.move_module", course_slug="heat", module_slug="signs"),
                             {"direction": "up"}, follow_redirects=True)
    assert "Already first: nothing moved." in _text(response)
    response = client.submit(u("lms.authoring.move_lesson", course_slug="heat", module_slug="signs",
                               lesson_slug="water"), {"direction": "down"}, follow_redirects=True)
    assert "Already last: nothing moved." in _text(response)
    quiz = catalog.get_quiz(catalog.get_module(course, "signs"))
    first = catalog.load_questions(quiz)[0][0]
    response = client.submit(u("lms.authoring.move_question", course_slug="heat", module_slug="signs",
                               question_id=first.id), {"direction": "up"}, follow_redirects=True)
    assert "Already first: nothing moved." in _text(response)
    response = client.submit(u("lms.authoring.move_module", course_slug="heat", module_slug="signs"),
                             {"direction": "down"}, follow_redirects=True)
    assert "Already" not in _text(response)
    assert [m.slug for m in catalog.load_outline(course).modules] == ["care", "signs"]
