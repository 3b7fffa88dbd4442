"""Follow-up to the authoring QA fixes: the translation editor warns about images without a description as the lesson
form does; adding a lesson, module or question to a translated course says the translation lacks it (and trainees
reading the translation see the English fallback note); a course summary changed after translation is told to its
readers on the course page, as a module's is."""

from __future__ import annotations

import html
import re

import pytest

from lms import db
from lms.accounts.models import SiteRole
from lms.catalog import course_authoring
from lms.catalog.texts import set_text
from lms.enrollment.services import enroll
from tests.authoring_support import heat_course, page_words, spanish_words, translated_heat_course

IMAGES = "1 image in the lesson text has no description for people who cannot see it."
COURSE_NOTE = ("This course's summary was updated in %(source)s after it was translated, so this translation may not "
               "match the latest version yet.")
FALLBACK = "Some parts are not yet translated into %(language)s. They are shown in %(source)s."


@pytest.fixture
def author(make_user):
    return make_user("tina@example.org", role=SiteRole.TRAINER)


@pytest.fixture
def heat(author):
    """Heat safety with a summary, translated into Spanish (course, module, lesson, quiz title), and published."""
    return translated_heat_course(author, summary="Stay safe in the heat.")


# ---------------------------------------------------------------- 1. images without a description, translated


def _translate_url(u) -> str:
    return u("lms.authoring.translate_lesson", course_slug="heat", locale="es", module_slug="signs",
             lesson_slug="stroke")


def _editor_form(page: str) -> dict[str, str]:
    """The hidden hashes the editor sends back (which source and which translation the page showed)."""
    return {name: html.unescape(value)
            for name, value in re.findall(r'<input type="hidden" name="([hv]-[^"]+)" value="([^"]*)"', page)}


def test_the_translation_editors_preview_warns_about_an_image_without_a_description(heat, u, author, client_as):
    client, lesson = client_as(author), heat[2]
    form = _editor_form(client.get(_translate_url(u)).get_data(as_text=True))
    form.update({f"t-lesson-{lesson.id}-body": "Mire: ![](https://example.org/piel.png)", "preview": "y"})
    page = client.submit(_translate_url(u), form).get_data(as_text=True)
    assert "Preview (not saved yet)" in page
    assert f'<p class="notice" role="note" id="images-lesson-{lesson.id}-body">{html.escape(IMAGES)}' in page


def test_a_described_image_in_the_translation_gets_no_warning(heat, u, author, client_as):
    client, lesson = client_as(author), heat[2]
    form = _editor_form(client.get(_translate_url(u)).get_data(as_text=True))
    form.update({f"t-lesson-{lesson.id}-body": "Mire: ![Piel roja](https://example.org/piel.png)", "preview": "y"})
    page = client.submit(_translate_url(u), form).get_data(as_text=True)
    assert "Preview (not saved yet)" in page and "has no description" not in page


def test_saving_the_translation_warns_but_saves(heat, u, author, client_as):
    client, lesson = client_as(author), heat[2]
    form = _editor_form(client.get(_translate_url(u)).get_data(as_text=True))
    form[f"t-lesson-{lesson.id}-body"] = "Mire: ![](https://example.org/piel.png)"
    response = client.submit(_translate_url(u), form, follow_redirects=True)
    text = page_words(response.get_data(as_text=True))
    assert response.status_code == 200
    assert "Translation saved (1 changed)." in text and IMAGES in text


def test_the_editor_reuses_the_lesson_forms_warning():
    import inspect

    from lms.web.authoring import translations

    assert "undescribed_images" in inspect.getsource(translations) and "has no description" not in inspect.getsource(
        translations)


# ---------------------------------------------------------------- 2. something added to a translated course


def _new_lesson(client, u):
    return client.submit(u("lms.authoring.new_lesson", course_slug="heat", module_slug="signs"), {
        "slug": "cramps", "title": "Heat cramps", "body": "Rest in the shade.", "estimated_minutes": "5",
        "save": "y"}, follow_redirects=True)


def test_a_new_lesson_in_a_translated_course_says_it_has_no_translation(heat, u, author, client_as):
    text = page_words(_new_lesson(client_as(author), u).get_data(as_text=True))
    assert ("Lesson saved. This lesson has no Spanish translation yet: Spanish readers see it in English."
            in text)


def test_a_new_lesson_in_an_untranslated_course_is_just_saved(author, u, client_as):
    heat_course(author)
    db.session.commit()
    text = page_words(_new_lesson(client_as(author), u).get_data(as_text=True))
    assert "Lesson saved." in text and "translation" not in text


def test_trainees_reading_spanish_see_the_new_lesson_with_the_english_note(app, heat, u, author, make_user,
                                                                          client_as):
    _new_lesson(client_as(author), u)
    rosa = make_user("rosa@example.org", locale="es")
    enroll(rosa, heat[0])
    db.session.commit()
    reader = client_as(rosa)
    note = spanish_words(app, FALLBACK)
    before = page_words(reader.get(u("lms.courses.lesson", course_slug="heat", module_slug="signs",
                                 lesson_slug="stroke")).get_data(as_text=True))
    assert "Llame al 911." in before and note not in before  # the translated lesson: no note
    page = page_words(reader.get(u("lms.courses.lesson", course_slug="heat", module_slug="signs",
                               lesson_slug="cramps")).get_data(as_text=True))
    assert "Rest in the shade." in page and note in page


def test_a_new_module_in_a_translated_course_says_it_has_no_translation(heat, u, author, client_as):
    response = client_as(author).submit(u("lms.authoring.new_module", course_slug="heat"), {
        "slug": "first-aid", "title": "First aid", "summary": "What to do.", "kind": "self_paced",
        "credited_minutes": "45", "competency_areas": ["outreach"], "specialties": ""}, follow_redirects=True)
    text = page_words(response.get_data(as_text=True))
    assert ("Module added. Now add its lessons. This module has no Spanish translation yet: Spanish readers see it "
            "in English.") in text


def test_a_new_question_in_an_untranslated_quiz_of_a_translated_course_says_so(author, u, client_as):
    course, module, _lesson, _quiz = heat_course(author)
    set_text(course, course, "title", "es", "Seguridad", author)
    set_text(course, module, "title", "es", "Señales", author)
    db.session.commit()
    response = client_as(author).submit(u("lms.authoring.new_question", course_slug="heat", module_slug="signs"), {
        "slug": "q1", "kind": "single", "prompt": "Shade?", "options-0-text": "Yes", "options-0-is_correct": "y",
        "options-1-text": "No"}, follow_redirects=True)
    text = page_words(response.get_data(as_text=True))
    assert ("Question saved. This question has no Spanish translation yet: Spanish readers see it in English."
            in text) and "out of date" not in text


def test_a_new_question_in_a_translated_quiz_says_only_the_quiz_is_out_of_date(heat, u, author, client_as):
    response = client_as(author).submit(u("lms.authoring.new_question", course_slug="heat", module_slug="signs"), {
        "slug": "q2", "kind": "single", "prompt": "Shade?", "options-0-text": "Yes", "options-0-is_correct": "y",
        "options-1-text": "No"}, follow_redirects=True)
    text = page_words(response.get_data(as_text=True))
    assert "Question saved. The Spanish translation of this quiz is now out of date." in text
    assert "has no Spanish translation yet" not in text


# ---------------------------------------------------------------- 3. a course summary changed after translation


def _change_course_summary(course, author) -> None:
    course_authoring.update_course(course, course_authoring.CourseData(
        slug="heat", title="Heat safety", summary="Stay safe in the heat, and help others."), author)
    db.session.commit()


def test_a_stale_course_summary_says_so_on_the_course_page(app, heat, u, author, make_user, client_as):
    course = heat[0]
    reader = client_as(make_user("rosa@example.org", locale="es"))
    page = u("lms.courses.course", course_slug="heat")
    note = spanish_words(app, COURSE_NOTE)
    before = page_words(reader.get(page).get_data(as_text=True))
    assert "Protéjase del calor." in before and note not in before
    _change_course_summary(course, author)
    after = page_words(reader.get(page).get_data(as_text=True))
    assert "Protéjase del calor." in after and note in after
    set_text(course, course, "summary", "es", "Protéjase del calor y ayude a otros.", author)
    db.session.commit()
    assert note not in page_words(reader.get(page).get_data(as_text=True))


def test_english_readers_get_no_note(heat, u, author, make_user, client_as):
    _change_course_summary(heat[0], author)
    reader = client_as(make_user("ann@example.org"))
    page = page_words(reader.get(u("lms.courses.course", course_slug="heat")).get_data(as_text=True))
    assert "Stay safe in the heat, and help others." in page and "summary was updated" not in page


def test_the_catalog_card_says_so_without_another_query(app, heat, u, author, make_user, client_as, count_queries):
    reader = client_as(make_user("rosa@example.org", locale="es"))
    note = spanish_words(app, COURSE_NOTE)
    catalog_url = u("lms.courses.catalog")
    reader.get(catalog_url)  # the cards cached, as on a busy site
    with count_queries() as up_to_date:
        before = page_words(reader.get(catalog_url).get_data(as_text=True))
    assert "Protéjase del calor." in before and note not in before
    _change_course_summary(heat[0], author)
    reader.get(catalog_url)
    with count_queries() as stale:
        after = page_words(reader.get(catalog_url).get_data(as_text=True))
    assert "Protéjase del calor." in after and note in after
    assert stale.count == up_to_date.count


def test_the_authors_preview_says_so_too(app, heat, u, author, client_as):
    _change_course_summary(heat[0], author)
    page = client_as(author).get(u("lms.authoring.preview", course_slug="heat", preview_locale="es"))
    assert spanish_words(app, COURSE_NOTE) in page_words(page.get_data(as_text=True))
