"""A translation is marked up to date only with the source version the translator saw: the editor form sends back, per
field, the hash of the source text it showed. When the source changed while the editor was open (another tab, another
author), saving keeps the translator's words but leaves the translation stale, says which fields changed meanwhile,
and the editor shows what changed. The same holds for "the source changed, but this translation is still right"."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import select

from lms import db
from lms.catalog import course_authoring, lesson_authoring, module_authoring
from lms.catalog import services as catalog
from lms.catalog.models import Text
from lms.catalog.texts import load_texts, set_text, text_hash, translation_state

BODY = "## Signs\n\nHot, dry skin.\n\nCall 911."
NEW_BODY = "## Signs\n\nHot, dry or damp skin.\n\nCall 911."
CHANGED_MEANWHILE = "changed while you were editing"


@pytest.fixture
def lesson(signed_in_trainer):
    """A lesson translated into Spanish, up to date."""
    trainer = signed_in_trainer
    course = course_authoring.create_course(course_authoring.CourseData(slug="heat", title="Heat safety"), trainer)
    module = module_authoring.add_module(course, module_authoring.ModuleData(slug="signs", title="Warning signs"), trainer)
    lesson = lesson_authoring.add_lesson(course, module, "stroke", "Heat stroke", BODY, 10, trainer)
    set_text(course, lesson, "title", "es", "Golpe de calor", trainer)
    set_text(course, lesson, "body", "es", "## Señales\n\nPiel caliente y seka.", trainer)
    db.session.commit()
    return lesson


def _url(u) -> str:
    return u("lms.authoring.translate_lesson", course_slug="heat", locale="es", module_slug="signs", lesson_slug="stroke")


def _form(page: str) -> dict[str, str]:
    """What a browser would send back from the editor as shown: the boxes as filled and the hidden hashes."""
    form = {name: html.unescape(value) for name, value in re.findall(r'<input type="hidden" name="(h-[^"]+)" '
                                                                     r'value="([^"]*)"', page)}
    form.update((name, html.unescape(value))
                for name, value in re.findall(r'<textarea id="[^"]+" name="(t-[^"]+)"[^>]*>([^<]*)</textarea>', page))
    form.update((name, html.unescape(value))  # titles are one-line boxes
                for name, value in re.findall(r'<input type="text" id="[^"]+" name="(t-[^"]+)"[^>]*?value="([^"]*)"', page))
    return form


def _edit_english(lesson, title: str, body: str) -> None:
    """Another tab: the English lesson is edited and saved."""
    lesson_authoring.update_lesson(catalog.get_course("heat"), lesson, title, body, 10, lesson)
    db.session.commit()


def _spanish(lesson, name: str) -> Text:
    return db.session.execute(select(Text).where(Text.owner_type == "lesson", Text.owner_id == lesson.id,
                                                 Text.field == name, Text.locale == "es")).scalar_one()


def _state(lesson, name: str) -> str:
    return translation_state(load_texts(catalog.get_course("heat"), "es"), "lesson", lesson.id, name)


def test_the_form_carries_the_hash_of_each_source_text_shown(client, u, lesson):
    form = _form(client.get(_url(u)).get_data(as_text=True))
    key = f"lesson-{lesson.id}"
    assert form[f"h-{key}-title"] == text_hash("Heat stroke") and form[f"h-{key}-body"] == text_hash(BODY)
    assert form[f"t-{key}-body"] == "## Señales\n\nPiel caliente y seka."


def test_a_fix_saved_from_an_editor_opened_before_the_source_changed_stays_stale(client, u, lesson):
    key = f"lesson-{lesson.id}"
    form = _form(client.get(_url(u)).get_data(as_text=True))  # tab A
    _edit_english(lesson, "Heat stroke", NEW_BODY)  # tab B
    form[f"t-{key}-body"] = "## Señales\n\nPiel caliente y seca."  # one letter fixed
    response = client.submit(_url(u), form)

    assert response.status_code == 302 and response.headers["Location"].endswith(_url(u))
    row = _spanish(lesson, "body")
    assert row.value == "## Señales\n\nPiel caliente y seca."  # the words are saved...
    assert _state(lesson, "body") == "stale"  # ...but not as a translation of the new text
    assert row.source_value == BODY and row.source_hash == text_hash(BODY)  # made from what the translator saw
    assert _state(lesson, "title") == "complete"

    page = client.get(_url(u)).get_data(as_text=True)
    assert "Translation saved (1 changed)." in page
    assert ("The English text of the lesson content changed while you were editing: your translation "
            "is saved, but it stays out of date. Check what changed below.") in page
    assert f'id="change-{key}-body"' in page and "or damp" in page  # the diff is shown
    assert f'id="change-{key}-title"' not in page
    assert client.get(u("lms.authoring.translations", course_slug="heat")).get_data(as_text=True).count(
        "state-stale") >= 1


def test_still_right_only_confirms_the_source_version_the_translator_saw(client, u, lesson):
    key = f"lesson-{lesson.id}"
    _edit_english(lesson, "Heat stroke signs", BODY)  # the title is stale now
    form = _form(client.get(_url(u)).get_data(as_text=True))
    assert f'name="ok-{key}-title"' in client.get(_url(u)).get_data(as_text=True)
    _edit_english(lesson, "Heat stroke: the signs", BODY)  # changed again while the editor is open
    form[f"ok-{key}-title"] = "y"
    client.submit(_url(u), form)

    assert _state(lesson, "title") == "stale"
    assert _spanish(lesson, "title").source_value == "Heat stroke"  # the confirmation was not recorded
    page = client.get(_url(u)).get_data(as_text=True)
    assert "Translation saved (0 changed)." in page
    assert "The English text of the lesson title changed while you were editing" in page
    assert "Heat stroke: the signs" in page and f'id="change-{key}-title"' in page


def test_several_fields_changed_meanwhile_are_named_together(client, u, lesson):
    key = f"lesson-{lesson.id}"
    form = _form(client.get(_url(u)).get_data(as_text=True))
    _edit_english(lesson, "Heat stroke signs", NEW_BODY)
    form.update({f"t-{key}-title": "Señales del golpe de calor", f"t-{key}-body": "Piel seca o húmeda."})
    client.submit(_url(u), form)
    assert _state(lesson, "title") == _state(lesson, "body") == "stale"
    page = client.get(_url(u)).get_data(as_text=True)
    assert ("The English texts of the lesson title and the lesson content changed while you were "
            "editing: your translations are saved, but they stay out of date.") in page


def test_a_normal_save_and_a_confirmation_mark_the_translation_up_to_date(client, u, lesson):
    key = f"lesson-{lesson.id}"
    _edit_english(lesson, "Heat stroke signs", BODY)
    form = _form(client.get(_url(u)).get_data(as_text=True))
    form.update({f"ok-{key}-title": "y", f"t-{key}-body": "## Señales\n\nPiel caliente y seca."})
    client.submit(_url(u), form)

    assert _state(lesson, "title") == _state(lesson, "body") == "complete"
    assert _spanish(lesson, "title").source_value == "Heat stroke signs"
    page = client.get(_url(u)).get_data(as_text=True)
    assert "Translation saved (2 changed)." in page and CHANGED_MEANWHILE not in page
    assert "source-change" not in page


@pytest.mark.parametrize("seen", [None, "", "not a hash", "x" * 5_000, "'; drop table lms_texts; --", "0" * 16])
def test_a_missing_or_altered_hash_saves_the_words_but_keeps_them_stale(client, u, lesson, seen):
    """An old page (no hash) or an altered form: the words are kept, the translation is not claimed up to date, and
    nothing from the form is stored as a hash."""
    key = f"lesson-{lesson.id}"
    form = {f"t-{key}-title": "Golpe de calor", f"t-{key}-body": "Piel seca."}
    if seen is not None:
        form[f"h-{key}-body"] = seen
    response = client.submit(_url(u), form)
    assert response.status_code == 302
    row = _spanish(lesson, "body")
    assert row.value == "Piel seca." and _state(lesson, "body") == "stale" and row.source_hash is None
    page = client.get(_url(u)).get_data(as_text=True)
    if seen == "0" * 16:  # well formed: indistinguishable from a version that has since changed
        assert "The English text of the lesson content changed while you were editing" in page
    else:
        assert ("This page did not say which English text of the lesson content you translated: your "
                "translation is saved, but it stays out of date. Check it against the English text below.") in page
    assert f'id="change-{key}-body"' in page and f'id="change-{key}-title"' not in page


def test_an_invalid_submission_keeps_the_version_the_translator_saw(client, u, lesson):
    key = f"lesson-{lesson.id}"
    form = _form(client.get(_url(u)).get_data(as_text=True))
    _edit_english(lesson, "Heat stroke", NEW_BODY)
    form[f"t-{key}-title"] = "x" * 201
    response = client.submit(_url(u), form)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert f'name="h-{key}-body" value="{text_hash(BODY)}"' in page  # not silently the new version
    form = _form(page)
    form[f"t-{key}-title"] = "Golpe de calor"
    client.submit(_url(u), form)
    assert _state(lesson, "body") == "stale"


def test_a_translation_someone_else_brought_up_to_date_meanwhile_is_not_claimed_current(app, lesson):
    course = catalog.get_course("heat")
    _edit_english(lesson, "Heat stroke", NEW_BODY)
    set_text(course, lesson, "body", "es", "Piel seca o húmeda.", lesson)  # another translator, on the new text
    assert _state(lesson, "body") == "complete"
    set_text(course, lesson, "body", "es", "Piel seca.", lesson, source_seen=text_hash(BODY))  # made from the old
    db.session.commit()
    assert _state(lesson, "body") == "stale" and _spanish(lesson, "body").source_hash is None
    set_text(course, lesson, "body", "es", "Piel seca o húmeda.", lesson, source_seen=text_hash(NEW_BODY))
    assert _state(lesson, "body") == "complete"
