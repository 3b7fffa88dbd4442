"""The translation editor, as a trainer uses it: a Preview of a lesson's translated Markdown that works without
JavaScript and saves nothing (through the lessons' own renderer and sanitiser), boxes described by a short hint
instead of the whole source text, title boxes held to the server's length limit in the browser too, and messages
that name a field the way a sentence does ("the lesson title", "question 2 (“…”)", "the feedback on answer 1")."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import select

from lms import db
from lms.catalog import lesson_authoring, quiz_authoring
from lms.catalog import services as catalog
from lms.catalog.markdown import render_markdown
from lms.catalog.models import QuestionKind, Text
from lms.catalog.quiz_authoring import OptionData
from lms.catalog.texts import TITLE_MAX, load_texts, set_text, text_hash, translation_state
from tests.authoring_support import heat_course

BODY = "## Signs\n\nHot, dry skin.\n\nCall 911."
SPANISH = "## Señales\n\nPiel caliente y seca."
TYPED = ("## Señales\n\n- Piel **caliente**\n- Llame al 911\n\n<script>alert(1)</script>\n\n"
         "[abrir](javascript:alert(1)) [CDC](https://www.cdc.gov/)")
OLD = "0123456789abcdef"  # a well-formed hash of a source version that is no longer current


@pytest.fixture
def course(signed_in_trainer):
    """Heat safety: a module with a lesson translated into Spanish, and a quiz of two questions."""
    trainer = signed_in_trainer
    course, _module, lesson, quiz = heat_course(trainer, body=BODY, summary="Stay safe",
                                                module_summary="What to look for")
    set_text(course, lesson, "title", "es", "Golpe de calor", trainer)
    set_text(course, lesson, "body", "es", SPANISH, trainer)
    for slug, prompt in (("q1", "Which sign is the most serious?"),
                         ("q2", "What is the first thing to do when someone shows the signs of heat stroke?")):
        quiz_authoring.save_question(course, quiz, None, slug=slug, kind=QuestionKind.SINGLE, prompt=prompt, options=[
            OptionData("o1", "Call 911", True, "Yes: heat stroke is an emergency."),
            OptionData("o2", "Wait and see"),
        ], actor=trainer)
    db.session.commit()
    return course


def _lesson(course):
    outline = catalog.load_outline(course)
    return outline.lessons[outline.modules[0].id][0]


def _questions(course):
    return catalog.load_questions(catalog.get_quiz(catalog.load_outline(course).modules[0]))


def _lesson_url(u) -> str:
    return u("lms.authoring.translate_lesson", course_slug="heat", locale="es", module_slug="signs",
             lesson_slug="stroke")


def _form(page: str) -> dict[str, str]:
    """What a browser sends back from the editor as shown: the boxes as filled, the hidden hashes, ticked boxes."""
    form = {name: html.unescape(value) for name, value in re.findall(r'<input type="hidden" name="(h-[^"]+)" '
                                                                     r'value="([^"]*)"', page)}
    form.update((name, html.unescape(value))
                for name, value in re.findall(r'<textarea id="[^"]+" name="(t-[^"]+)"[^>]*>([^<]*)</textarea>', page))
    form.update((name, html.unescape(value))
                for name, value in re.findall(r'<input type="text" id="[^"]+" name="(t-[^"]+)"[^>]*?value="([^"]*)"', page))
    form.update((name, "y") for name in re.findall(r'<input type="checkbox" name="(ok-[^"]+)" value="y" checked>', page))
    return form


def _spanish(obj_id: int, kind: str, name: str) -> str | None:
    return db.session.execute(select(Text.value).where(Text.owner_type == kind, Text.owner_id == obj_id,
                                                       Text.field == name, Text.locale == "es")).scalar_one_or_none()


# ---------------------------------------------------------------- preview


def test_preview_shows_the_typed_markdown_as_trainees_see_it_and_saves_nothing(client, u, course):
    lesson = _lesson(course)
    key = f"lesson-{lesson.id}"
    form = _form(client.get(_lesson_url(u)).get_data(as_text=True))
    form.update({f"t-{key}-title": "Golpe de calor: señales", f"t-{key}-body": TYPED, "preview": "y"})
    response = client.submit(_lesson_url(u), form)
    page = response.get_data(as_text=True)

    assert response.status_code == 200
    assert "This is a preview: your translation is not saved yet." in page
    assert "Preview (not saved yet)" in page
    rendered = render_markdown(TYPED, "es")  # the lessons' own renderer and sanitiser
    assert rendered in page and "<li>Piel <strong>caliente</strong></li>" in rendered
    assert "<script>" not in rendered and "&lt;script&gt;" in rendered  # raw HTML is shown as text
    assert 'href="javascript' not in rendered and 'href="https://www.cdc.gov/"' in rendered
    assert f'<div class="lesson-body" lang="es" dir="ltr">{rendered}</div>' in page
    # what the trainer typed stays in the boxes, with the source versions they saw
    again = _form(page)
    assert again[f"t-{key}-body"] == TYPED and again[f"t-{key}-title"] == "Golpe de calor: señales"
    assert again[f"h-{key}-body"] == text_hash(BODY)
    # and nothing was saved
    assert _spanish(lesson.id, "lesson", "body") == SPANISH
    assert _spanish(lesson.id, "lesson", "title") == "Golpe de calor"
    assert "Translation saved" not in client.get(_lesson_url(u)).get_data(as_text=True)


def test_save_after_preview_saves_what_was_previewed(client, u, course):
    lesson = _lesson(course)
    key = f"lesson-{lesson.id}"
    form = _form(client.get(_lesson_url(u)).get_data(as_text=True))
    form.update({f"t-{key}-body": "## Señales\n\nPiel caliente y seca.\n\nLlame al 911.", "preview": "y"})
    form = _form(client.submit(_lesson_url(u), form).get_data(as_text=True))
    response = client.submit(_lesson_url(u), form)
    assert response.status_code == 302
    assert _spanish(lesson.id, "lesson", "body") == "## Señales\n\nPiel caliente y seca.\n\nLlame al 911."
    texts = load_texts(course, "es")
    assert translation_state(texts, "lesson", lesson.id, "body") == "complete"


def test_preview_keeps_the_still_right_tick_of_a_stale_text(client, u, course, trainer):
    lesson = _lesson(course)
    key = f"lesson-{lesson.id}"
    lesson_authoring.update_lesson(course, lesson, "Heat stroke signs", BODY, 10, trainer)
    db.session.commit()
    form = _form(client.get(_lesson_url(u)).get_data(as_text=True))
    form.update({f"ok-{key}-title": "y", "preview": "y"})
    page = client.submit(_lesson_url(u), form).get_data(as_text=True)
    assert f'<input type="checkbox" name="ok-{key}-title" value="y" checked>' in page
    assert translation_state(load_texts(course, "es"), "lesson", lesson.id, "title") == "stale"  # not confirmed yet


def test_an_empty_box_previews_as_the_source_text(client, u, course):
    lesson = _lesson(course)
    form = _form(client.get(_lesson_url(u)).get_data(as_text=True))
    form.update({f"t-lesson-{lesson.id}-body": "  \r\n ", "preview": "y"})
    page = client.submit(_lesson_url(u), form).get_data(as_text=True)
    assert "The box is empty: trainees see the English text." in page
    assert _spanish(lesson.id, "lesson", "body") == SPANISH


def test_preview_also_shows_what_cannot_be_saved(client, u, course):
    lesson = _lesson(course)
    key = f"lesson-{lesson.id}"
    form = _form(client.get(_lesson_url(u)).get_data(as_text=True))
    form.update({f"t-{key}-title": "x" * (TITLE_MAX + 1), f"t-{key}-body": "Piel *seca*.", "preview": "y"})
    response = client.submit(_lesson_url(u), form)
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and f'id="err-{key}-title"' in page
    assert "<p>Piel <em>seca</em>.</p>" in page
    assert _spanish(lesson.id, "lesson", "title") == "Golpe de calor"


def test_the_preview_button_is_offered_where_there_is_markdown(client, u, course):
    lesson_page = client.get(_lesson_url(u)).get_data(as_text=True)
    assert '<button type="submit" name="preview" value="y" class="secondary" formaction="#preview">Preview</button>' in lesson_page
    # it comes first, as on the lesson form: Enter in the title box previews instead of saving
    assert lesson_page.index('name="preview"') < lesson_page.index("Save translation")
    module_page = client.get(u("lms.authoring.translate_module", course_slug="heat", locale="es",
                               module_slug="signs")).get_data(as_text=True)
    assert 'name="preview"' not in module_page and "Save translation" in module_page


# ---------------------------------------------------------------- what a screen reader hears


def test_each_box_is_described_by_a_short_hint_with_the_source_as_details(client, u, course):
    lesson = _lesson(course)
    page = client.get(_lesson_url(u)).get_data(as_text=True)
    for name in ("title", "body"):
        key = f"lesson-{lesson.id}-{name}"
        box = re.search(rf'<(?:input|textarea)[^>]* id="t-{key}"[^>]*>', page, re.S)[0]
        assert re.search(r'aria-describedby="([^"]*)"', box)[1] == f"hint-{key}"
        assert f'aria-details="src-{key}"' in box
        hint = re.search(rf'<span class="visually-hidden" id="hint-{key}">([^<]*)</span>', page)[1]
        assert hint == "The English text to translate is just before this box."
        assert f'<div class="source-text" id="src-{key}"' in page  # the source is still on the page, linked
    assert f'id="src-lesson-{lesson.id}-body" lang="en" dir="ltr">{html.escape(BODY)}</div>' in page


def test_an_error_is_added_to_the_description(client, u, course):
    lesson = _lesson(course)
    key = f"lesson-{lesson.id}-title"
    form = _form(client.get(_lesson_url(u)).get_data(as_text=True))
    form[f"t-{key}"] = "x" * (TITLE_MAX + 1)
    page = client.submit(_lesson_url(u), form).get_data(as_text=True)
    box = re.search(rf'<input [^>]*id="t-{key}"[^>]*>', page, re.S)[0]
    assert f'aria-describedby="hint-{key} err-{key}"' in box and 'aria-invalid="true"' in box


# ---------------------------------------------------------------- length limits in the browser


def test_title_boxes_carry_the_servers_length_limit(client, u, course):
    module = catalog.load_outline(course).modules[0]
    quiz = catalog.get_quiz(module)
    pages = {
        "course": client.get(u("lms.authoring.translate", course_slug="heat", locale="es")),
        "module": client.get(u("lms.authoring.translate_module", course_slug="heat", locale="es",
                               module_slug="signs")),
        "lesson": client.get(_lesson_url(u)),
    }
    ids = {"course": course.id, "module": module.id, "lesson": _lesson(course).id}
    for kind, response in pages.items():
        page = response.get_data(as_text=True)
        box = re.search(rf'<input type="text" id="t-{kind}-{ids[kind]}-title"[^>]*>', page, re.S)[0]
        assert f'maxlength="{TITLE_MAX}"' in box, kind
    module_page = pages["module"].get_data(as_text=True)
    quiz_box = re.search(rf'<input type="text" id="t-quiz-{quiz.id}-title"[^>]*>', module_page, re.S)[0]
    assert f'maxlength="{TITLE_MAX}"' in quiz_box
    assert not re.search(r"<textarea[^>]*maxlength", module_page)  # only titles: line breaks count differently


@pytest.mark.parametrize("endpoint, values", [
    ("lms.authoring.new_course", {}),
    ("lms.authoring.edit_course", {"course_slug": "heat"}),
    ("lms.authoring.new_module", {"course_slug": "heat"}),
    ("lms.authoring.edit_module", {"course_slug": "heat", "module_slug": "signs"}),
    ("lms.authoring.new_lesson", {"course_slug": "heat", "module_slug": "signs"}),
    ("lms.authoring.edit_lesson", {"course_slug": "heat", "module_slug": "signs", "lesson_slug": "stroke"}),
    ("lms.authoring.quiz", {"course_slug": "heat", "module_slug": "signs"}),
])
def test_authoring_title_boxes_carry_it_too(client, u, course, endpoint, values):
    page = client.get(u(endpoint, **values)).get_data(as_text=True)
    box = re.search(r'<input [^>]*name="title"[^>]*>', page)[0]
    assert f'maxlength="{TITLE_MAX}"' in box


def test_the_server_still_refuses_a_title_longer_than_the_limit(client, u, course):
    key = f"course-{course.id}-title"
    url = u("lms.authoring.translate", course_slug="heat", locale="es")
    form = _form(client.get(url).get_data(as_text=True))
    form[f"t-{key}"] = "y" * (TITLE_MAX + 1)
    response = client.submit(url, form)
    assert response.status_code == 400 and f'id="err-{key}"' in response.get_data(as_text=True)
    assert _spanish(course.id, "course", "title") is None


# ---------------------------------------------------------------- naming a field that changed meanwhile


def _submit_behind(client, url: str, values: dict[str, str]):
    """Send translations for fields whose source changed since the page was shown (an old, well-formed hash)."""
    form = _form(client.get(url).get_data(as_text=True))
    for name, value in values.items():
        form[f"t-{name}"], form[f"h-{name}"] = value, OLD
    assert client.submit(url, form).status_code == 302
    return client.get(url).get_data(as_text=True)


def test_a_question_and_its_answers_are_named_as_a_sentence_would(client, u, course):
    question, options = _questions(course)[1]
    url = u("lms.authoring.translate_question", course_slug="heat", locale="es", module_slug="signs",
            question_id=question.id)
    page = html.unescape(_submit_behind(client, url, {f"question-{question.id}-prompt": "¿Qué hace primero?"}))
    assert ("The English text of question 2 (“What is the first thing to do when…”) changed while you were editing: "
            "your translation is saved, but it stays out of date.") in page
    assert "Question: Question" not in page
    page = html.unescape(_submit_behind(client, url, {f"option-{options[0].id}-text": "Llame al 911",
                                                      f"option-{options[0].id}-feedback": "Sí: es una emergencia."}))
    assert ("The English texts of answer 1 (“Call 911”) and the feedback on answer 1 changed while you were "
            "editing") in page


def test_lesson_fields_are_named_as_a_sentence_would(client, u, course):
    lesson = _lesson(course)
    page = html.unescape(_submit_behind(client, _lesson_url(u), {f"lesson-{lesson.id}-title": "Insolación",
                                                                 f"lesson-{lesson.id}-body": "Piel seca."}))
    assert ("The English texts of the lesson title and the lesson content changed while you were editing: your "
            "translations are saved, but they stay out of date.") in page


def test_course_module_and_quiz_fields_are_named_as_a_sentence_would(client, u, course):
    module = catalog.load_outline(course).modules[0]
    quiz = catalog.get_quiz(module)
    url = u("lms.authoring.translate", course_slug="heat", locale="es")
    page = html.unescape(_submit_behind(client, url, {f"course-{course.id}-title": "Seguridad",
                                                      f"course-{course.id}-summary": "Cuídese"}))
    assert "The English texts of the course title and the course summary changed while you were editing" in page
    url = u("lms.authoring.translate_module", course_slug="heat", locale="es", module_slug="signs")
    page = html.unescape(_submit_behind(client, url, {f"module-{module.id}-title": "Señales",
                                                      f"module-{module.id}-summary": "Qué buscar",
                                                      f"quiz-{quiz.id}-title": "Repaso"}))
    assert ("The English texts of the module title, the module summary, and the quiz title changed while you were "
            "editing") in page


def test_a_page_that_did_not_say_which_text_it_showed_names_the_field_the_same_way(client, u, course):
    question, _options = _questions(course)[0]
    url = u("lms.authoring.translate_question", course_slug="heat", locale="es", module_slug="signs",
            question_id=question.id)
    response = client.submit(url, {f"t-question-{question.id}-prompt": "¿Cuál es la señal más grave?"})
    assert response.status_code == 302
    page = html.unescape(client.get(url).get_data(as_text=True))
    assert ("This page did not say which English text of question 1 (“Which sign is the most serious?”) you "
            "translated") in page
