"""Two tabs of the translation editor: the form carries, per box, the hash of the translation it showed. A box left as
shown is not written, whatever is stored now; a box changed in both tabs refuses the whole save (409), keeps what
the translator typed, names the boxes saved meanwhile and shows their saved translations; saving again then
replaces them knowingly."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import func, select

from lms import db
from lms.catalog import quiz_authoring
from lms.catalog import services as catalog
from lms.catalog.models import QuestionKind, Text
from lms.catalog.quiz_authoring import OptionData
from lms.catalog.texts import set_text, text_hash
from tests.authoring_support import heat_course

PROMPT_ES = "¿Qué hace primero?"


@pytest.fixture
def question(signed_in_trainer):
    """A question of the heat quiz translated into Spanish: its prompt and two answers, the first with feedback."""
    trainer = signed_in_trainer
    course, _module, _lesson, quiz = heat_course(trainer)
    question = quiz_authoring.save_question(
        course, quiz, None, slug="q1", kind=QuestionKind.SINGLE, prompt="What do you do first?",
        options=[OptionData("a", "Call 911", True, "Right: call first."), OptionData("b", "Wait", False, "")],
        actor=trainer)
    db.session.flush()
    set_text(course, question, "prompt", "es", PROMPT_ES, trainer)
    option = _options(question)[0]
    set_text(course, option, "text", "es", "Llamar al 911", trainer)
    set_text(course, option, "feedback", "es", "Correcto: llame primero.", trainer)
    db.session.commit()
    return question


def _options(question):
    quiz = catalog.get_quiz(catalog.get_module(catalog.get_course("heat"), "signs"))
    return next(opts for q, opts in catalog.load_questions(quiz) if q.id == question.id)


def _url(u, question) -> str:
    return u("lms.authoring.translate_question", course_slug="heat", locale="es", module_slug="signs",
             question_id=question.id)


def _form(page: str) -> dict[str, str]:
    """What a browser sends back from the editor as shown: the boxes as filled and the hidden hashes."""
    form = {name: html.unescape(value)
            for name, value in re.findall(r'<input type="hidden" name="([hv]-[^"]+)" value="([^"]*)"', page)}
    form.update((name, html.unescape(value))
                for name, value in re.findall(r'<textarea id="[^"]+" name="(t-[^"]+)"[^>]*>([^<]*)</textarea>', page))
    return form


def _spanish(obj, name: str) -> str:
    kind = type(obj).__name__.lower()
    return db.session.execute(select(Text.value).where(Text.owner_type == kind, Text.owner_id == obj.id,
                                                       Text.field == name, Text.locale == "es")).scalar_one()


def _page(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def test_the_form_carries_the_hash_of_each_translation_shown(client, u, question):
    form = _form(client.get(_url(u, question)).get_data(as_text=True))
    option = _options(question)[0]
    assert form[f"v-question-{question.id}-prompt"] == text_hash(PROMPT_ES)
    assert form[f"v-option-{option.id}-feedback"] == text_hash("Correcto: llame primero.")
    assert form[f"v-option-{_options(question)[1].id}-text"] == text_hash("")  # no translation yet


def test_a_box_left_as_shown_does_not_undo_another_tabs_save(client, u, question):
    option = _options(question)[0]
    tab_a = _form(client.get(_url(u, question)).get_data(as_text=True))
    tab_c = dict(tab_a)
    tab_a[f"t-question-{question.id}-prompt"] = "¿Qué debe hacer primero?"
    response = client.submit(_url(u, question), tab_a)
    assert response.status_code == 302
    tab_c[f"t-option-{option.id}-feedback"] = "Correcto: llame al 911 primero."
    response = client.submit(_url(u, question), tab_c, follow_redirects=True)
    assert "Translation saved (1 changed)." in _page(response)
    db.session.expire_all()
    assert _spanish(question, "prompt") == "¿Qué debe hacer primero?"  # tab A's work stays
    assert _spanish(option, "feedback") == "Correcto: llame al 911 primero."


def test_a_box_changed_in_both_tabs_refuses_the_whole_save(client, u, question):
    option = _options(question)[0]
    tab_a = _form(client.get(_url(u, question)).get_data(as_text=True))
    tab_c = dict(tab_a)
    tab_a[f"t-question-{question.id}-prompt"] = "¿Qué debe hacer primero?"
    assert client.submit(_url(u, question), tab_a).status_code == 302
    rows = db.session.scalar(select(func.count(Text.id)))
    tab_c[f"t-question-{question.id}-prompt"] = "¿Qué hace usted primero?"
    tab_c[f"t-option-{option.id}-feedback"] = "Correcto: llame al 911 primero."
    response = client.submit(_url(u, question), tab_c)
    assert response.status_code == 409
    page = _page(response)
    assert ("Not saved: the Spanish translation of question 1 (“What do you do first?”) was changed and saved after "
            "you opened this page") in page
    assert "Changed and saved meanwhile. The saved translation:" in page
    assert "¿Qué debe hacer primero?" in page  # the saved one, for comparison
    db.session.expire_all()
    assert _spanish(question, "prompt") == "¿Qué debe hacer primero?"  # nothing written, not even the feedback
    assert _spanish(option, "feedback") == "Correcto: llame primero."
    assert db.session.scalar(select(func.count(Text.id))) == rows
    again = _form(response.get_data(as_text=True))  # the translator's entries are kept, with the new version
    assert again[f"t-question-{question.id}-prompt"] == "¿Qué hace usted primero?"
    assert again[f"t-option-{option.id}-feedback"] == "Correcto: llame al 911 primero."
    assert again[f"v-question-{question.id}-prompt"] == text_hash("¿Qué debe hacer primero?")
    response = client.submit(_url(u, question), again, follow_redirects=True)  # saving again replaces knowingly
    assert "Translation saved (2 changed)." in _page(response)
    db.session.expire_all()
    assert _spanish(question, "prompt") == "¿Qué hace usted primero?"
    assert _spanish(option, "feedback") == "Correcto: llame al 911 primero."


def test_after_a_refusal_boxes_left_alone_show_the_latest_saved_translation(client, u, question):
    """A box the translator did not change comes back with what was saved meanwhile, so saving again cannot bring an
    older text back."""
    option = _options(question)[0]
    tab_a = _form(client.get(_url(u, question)).get_data(as_text=True))
    tab_c = dict(tab_a)
    tab_a[f"t-question-{question.id}-prompt"] = "¿Qué debe hacer primero?"
    tab_a[f"t-option-{option.id}-text"] = "Llame al 911"
    assert client.submit(_url(u, question), tab_a).status_code == 302
    tab_c[f"t-question-{question.id}-prompt"] = "¿Qué hace usted primero?"
    response = client.submit(_url(u, question), tab_c)
    assert response.status_code == 409
    again = _form(response.get_data(as_text=True))
    assert again[f"t-option-{option.id}-text"] == "Llame al 911"
    assert client.submit(_url(u, question), again).status_code == 302
    db.session.expire_all()
    assert _spanish(option, "text") == "Llame al 911"
    assert _spanish(question, "prompt") == "¿Qué hace usted primero?"


def test_the_same_change_in_both_tabs_is_no_conflict(client, u, question):
    tab_a = _form(client.get(_url(u, question)).get_data(as_text=True))
    tab_c = dict(tab_a)
    for tab in (tab_a, tab_c):
        tab[f"t-question-{question.id}-prompt"] = "¿Qué debe hacer primero?"
    assert client.submit(_url(u, question), tab_a).status_code == 302
    response = client.submit(_url(u, question), tab_c, follow_redirects=True)
    assert "Translation saved (0 changed)." in _page(response)


def test_a_form_without_the_hashes_is_saved_as_before(client, u, question):
    """A client that does not send what it showed (an old page) compares with the stored translation."""
    form = {k: v for k, v in _form(client.get(_url(u, question)).get_data(as_text=True)).items()
            if not k.startswith("v-")}
    form[f"t-question-{question.id}-prompt"] = "¿Qué debe hacer primero?"
    response = client.submit(_url(u, question), form, follow_redirects=True)
    assert "Translation saved (1 changed)." in _page(response)
    db.session.expire_all()
    assert _spanish(question, "prompt") == "¿Qué debe hacer primero?"


def test_a_preview_keeps_the_version_shown(client, u, signed_in_trainer):
    """Previewing a lesson translation sends the page back with the hashes it was opened on, not the stored ones."""
    course, _module, lesson, _quiz = heat_course(signed_in_trainer, body="## Signs\n\nCall 911.")
    set_text(course, lesson, "body", "es", "## Señales", signed_in_trainer)
    db.session.commit()
    url = u("lms.authoring.translate_lesson", course_slug="heat", locale="es", module_slug="signs",
            lesson_slug="stroke")
    tab_a = _form(client.get(url).get_data(as_text=True))
    tab_c = dict(tab_a)
    tab_a[f"t-lesson-{lesson.id}-body"] = "## Señales de alerta"
    assert client.submit(url, tab_a).status_code == 302
    tab_c[f"t-lesson-{lesson.id}-body"] = "## Señales\n\nLlame al 911."
    previewed = _form(client.submit(url, {**tab_c, "preview": "y"}).get_data(as_text=True))
    assert previewed[f"v-lesson-{lesson.id}-body"] == text_hash("## Señales")
    response = client.submit(url, previewed)
    assert response.status_code == 409
    assert "Line only in your text:" in response.get_data(as_text=True)
