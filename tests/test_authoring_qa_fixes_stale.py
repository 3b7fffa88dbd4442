"""After a save that leaves a translation behind, the author is told, with the words the question form uses: editing
a translated lesson's text, or adding a question to a translated quiz (:func:`lms.web.authoring.messages.saved_message`)."""

from __future__ import annotations

import pytest

from lms import db
from lms.catalog import quiz_authoring
from lms.catalog.models import QuestionKind
from lms.catalog.texts import set_text
from tests.authoring_support import heat_course

Opt = quiz_authoring.OptionData


@pytest.fixture
def translated(trainer):
    """The heat course translated into Spanish: course, module, lesson, quiz title, and question q1."""
    course, module, lesson, quiz = heat_course(trainer)
    question = quiz_authoring.save_question(course, quiz, None, slug="q1", kind=QuestionKind.SINGLE, prompt="Hot?",
                                            options=[Opt("o1", "Yes", True), Opt("o2", "No", False)], actor=trainer)
    for obj, name, value in [(course, "title", "Seguridad"), (module, "title", "Señales"), (lesson, "title", "Golpe"),
                             (lesson, "body", "Llame al 911."), (quiz, "title", "Prueba"),
                             (question, "prompt", "¿Calor?")]:
        set_text(course, obj, name, "es", value, trainer)
    db.session.commit()
    return course


def _lesson(client, u, body: str) -> str:
    path = u("lms.authoring.edit_lesson", course_slug="heat", module_slug="signs", lesson_slug="stroke")
    response = client.submit(path, {"title": "Heat stroke", "body": body, "estimated_minutes": "10", "save": "y"},
                             follow_redirects=True)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_editing_a_translated_lessons_text_says_the_translation_is_out_of_date(translated, u, trainer, client_as):
    editor = client_as(trainer)
    page = _lesson(editor, u, "Call 911 now.")
    assert "Lesson saved. The Spanish translation of this lesson is now out of date." in page


def test_a_lesson_without_translations_is_just_saved(trainer, u, client_as):
    heat_course(trainer)
    db.session.commit()
    page = _lesson(client_as(trainer), u, "Call 911 now.")
    assert "Lesson saved." in page and "out of date" not in page


def test_the_lesson_minutes_alone_leave_the_translation_up_to_date(translated, u, trainer, client_as):
    path = u("lms.authoring.edit_lesson", course_slug="heat", module_slug="signs", lesson_slug="stroke")
    page = client_as(trainer).submit(path, {"title": "Heat stroke", "body": "Call 911.", "estimated_minutes": "12",
                                            "save": "y"}, follow_redirects=True).get_data(as_text=True)
    assert "Lesson saved." in page and "out of date" not in page


def test_adding_a_question_to_a_translated_quiz_says_the_quiz_translation_is_out_of_date(translated, u, trainer,
                                                                                       client_as):
    path = u("lms.authoring.new_question", course_slug="heat", module_slug="signs")
    form = {"slug": "q2", "kind": "single", "prompt": "Shade?", "options-0-text": "Yes", "options-0-is_correct": "y",
            "options-1-text": "No"}
    page = client_as(trainer).submit(path, form, follow_redirects=True).get_data(as_text=True)
    assert "Question saved. The Spanish translation of this quiz is now out of date." in page


def test_one_helper_words_both_messages():
    import inspect

    from lms.web.authoring import quizzes, views

    assert "saved_message(" in inspect.getsource(views) and "saved_message(" in inspect.getsource(quizzes)
    assert "is now out of date" not in inspect.getsource(quizzes)


def test_a_question_added_to_an_untranslated_quiz_of_a_translated_course_is_just_saved(trainer, u, client_as):
    course, module, _lesson, _quiz = heat_course(trainer)
    set_text(course, course, "title", "es", "Seguridad", trainer)
    set_text(course, module, "title", "es", "Señales", trainer)
    db.session.commit()
    path = u("lms.authoring.new_question", course_slug="heat", module_slug="signs")
    form = {"slug": "q1", "kind": "single", "prompt": "Shade?", "options-0-text": "Yes", "options-0-is_correct": "y",
            "options-1-text": "No"}
    page = client_as(trainer).submit(path, form, follow_redirects=True).get_data(as_text=True)
    assert "Question saved." in page and "out of date" not in page
