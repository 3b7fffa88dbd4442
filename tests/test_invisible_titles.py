"""A title of zero-width, bidi and other invisible characters alone looks empty, so it is empty: the authoring forms
say "Enter a title.", the translation editor asks for a title or an empty box, a course import reports it at its
line, and the services and ``set_text`` (the one place every text is written) never store one."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from lms import db
from lms.catalog import course_authoring, lesson_authoring, module_authoring
from lms.catalog import services as catalog
from lms.catalog.models import Course, Lesson, Module, Text
from lms.catalog.texts import has_visible_text, set_text
from lms.errors import DomainError
from tests.authoring_support import heat_course

#: Titles that look empty: zero-width space, joiners, byte-order mark, bidi marks and isolates, word joiner, Hangul
#: filler, blank Braille pattern, soft hyphen, a lone combining accent, ideographic space and a tab between them.
INVISIBLE = ["\u200b", "\u200b\u200d", "\ufeff", "\u200e\u200f", "\u202a\u202c", "\u2066\u2069", "\u2060", "\u3164",
             "\u2800", "\u00ad", "\u0301", "\u200b \u3000\t\u200c"]
#: Titles that print something, in any script, invisible characters around them or not.
VISIBLE = ["Heat safety", "911", "?", "✓", "\u200bCalor", "\u200fسلامة", "ستاره\u200cای", "熱", "\u0627"]
FIELD_ERROR = re.compile(r'<p class="error" id="(?:err-)?([\w-]+?)(?:-error)?">([^<]*)</p>')


@pytest.fixture
def course(signed_in_trainer):
    course = heat_course(signed_in_trainer)[0]
    db.session.commit()
    return course


def _errors(response) -> dict[str, str]:
    return {key: html.unescape(message) for key, message in FIELD_ERROR.findall(response.get_data(as_text=True))}


def _title(kind: str, locale: str = "en") -> str | None:
    return db.session.execute(select(Text.value).where(Text.owner_type == kind, Text.field == "title",
                                                       Text.locale == locale)).scalar_one_or_none()


@pytest.mark.parametrize("value", INVISIBLE)
def test_invisible_characters_alone_are_no_text(value):
    assert not has_visible_text(value)


@pytest.mark.parametrize("value", VISIBLE)
def test_a_letter_number_or_sign_in_any_script_is_text(value):
    assert has_visible_text(value)


# ---------------------------------------------------------------- where texts are written


@pytest.mark.parametrize("value", ["\u200b", "\u200b\u200d", "\ufeff", "\u200e \u200f"])
def test_set_text_stores_an_invisible_title_as_empty(course, trainer, value):
    module = catalog.get_module(course, "signs")
    assert set_text(course, module, "title", "es", value, trainer).value == ""
    assert set_text(course, module, "title", "es", f"{value}Señales", trainer).value == f"{value}Señales".strip()


@pytest.mark.parametrize("value", ["\u200b", "\ufeff\u200d"])
def test_the_services_refuse_an_invisible_title(course, trainer, value):
    module = catalog.get_module(course, "signs")
    with pytest.raises(DomainError, match="A course needs a title"):
        course_authoring.create_course(course_authoring.CourseData(slug="blank", title=value), trainer)
    with pytest.raises(DomainError, match="A module needs a title"):
        module_authoring.add_module(course, module_authoring.ModuleData(slug="blank", title=value), trainer)
    with pytest.raises(DomainError, match="A lesson needs a title"):
        lesson_authoring.update_lesson(course, catalog.get_lesson(module, "stroke"), value, "Call 911.", 10, trainer)
    with pytest.raises(DomainError, match="A lesson needs some text"):
        lesson_authoring.update_lesson(course, catalog.get_lesson(module, "stroke"), "Heat stroke", value, 10, trainer)


# ---------------------------------------------------------------- the authoring forms


@pytest.mark.parametrize("value", ["\u200b", "\u200b\u200d", "\ufeff", "\u200e\u200f", "", "   "])
def test_the_course_form_asks_for_a_title(client, u, signed_in_trainer, value):
    response = client.submit(u("lms.authoring.new_course"), {
        "slug": "blank", "title": value, "summary": "", "version": "1", "kind": "continuing", "source_locale": "en"})
    assert response.status_code == 400
    assert _errors(response)["title"] == "Enter a title."
    assert db.session.scalar(select(func.count(Course.id))) == 0


def test_the_module_and_lesson_forms_ask_for_a_title(client, u, course):
    response = client.submit(u("lms.authoring.edit_module", course_slug="heat", module_slug="signs"), {
        "title": "\u200b\u200d", "summary": "", "kind": "self_paced", "credited_minutes": "60", "is_required": "y"})
    assert response.status_code == 400 and _errors(response)["title"] == "Enter a title."
    assert _title("module") == "Warning signs"
    response = client.submit(u("lms.authoring.new_lesson", course_slug="heat", module_slug="signs"), {
        "slug": "blank", "title": "\ufeff", "body": "Drink water.", "estimated_minutes": "5", "save": "y"})
    assert response.status_code == 400 and _errors(response)["title"] == "Enter a title."
    assert db.session.scalar(select(func.count(Lesson.id))) == 1
    response = client.submit(u("lms.authoring.edit_lesson", course_slug="heat", module_slug="signs",
                               lesson_slug="stroke"),
                             {"title": "\u200f", "body": "Call 911.", "estimated_minutes": "10", "save": "y"})
    assert response.status_code == 400 and _errors(response)["title"] == "Enter a title."
    assert db.session.scalar(select(Text.value).where(Text.owner_type == "lesson", Text.field == "title")) == \
        "Heat stroke"


def test_an_optional_quiz_title_of_invisible_characters_is_stored_empty(client, u, course):
    response = client.submit(u("lms.authoring.quiz", course_slug="heat", module_slug="signs"),
                             {"title": "\u200b", "pass_mark": "80", "max_attempts": ""})
    assert response.status_code == 302
    assert _title("quiz") == ""


def test_a_title_with_visible_words_and_a_joiner_is_kept(client, u, signed_in_trainer):
    response = client.submit(u("lms.authoring.new_course"), {
        "slug": "farsi", "title": "ستاره\u200cای", "summary": "", "version": "1", "kind": "continuing",
        "source_locale": "en"})
    assert response.status_code == 302
    assert _title("course") == "ستاره\u200cای"


# ---------------------------------------------------------------- the translation editor


def _module_page(u) -> str:
    return u("lms.authoring.translate_module", course_slug="heat", locale="es", module_slug="signs")


@pytest.mark.parametrize("value", ["\u200b", "\u200b\u200d", "\ufeff", "\u2066\u2069"])
def test_the_translation_editor_refuses_an_invisible_title(client, u, course, value):
    module = catalog.get_module(course, "signs")
    key = f"module-{module.id}-title"
    response = client.submit(_module_page(u), {f"t-{key}": value})
    assert response.status_code == 400
    assert _errors(response)[key] == ("Enter a title, or empty the box to show the English title. This one holds "
                                      "only invisible characters.")
    assert _title("module", "es") is None


def test_an_empty_translation_box_is_still_allowed(client, u, course, trainer):
    module = catalog.get_module(course, "signs")
    set_text(course, module, "title", "es", "Señales", trainer)
    db.session.commit()
    response = client.submit(_module_page(u), {f"t-module-{module.id}-title": ""})
    assert response.status_code == 302
    assert _title("module", "es") == ""  # the English title is shown again


# ---------------------------------------------------------------- course import


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


QUOTED = 'en: "'


def _line(path: Path, fragment: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1) if fragment in line)


def test_an_import_reports_invisible_titles_at_their_lines(app, courses, run_import):
    course = courses / "listening-basics"
    _edit(course / "course.yaml", "  en: Listening basics", '  en: "\\u200b\\u200d"')
    _edit(course / "listening" / "module.yaml", "  en: Listening", '  en: "\\ufeff"')
    _edit(course / "listening" / "01-why-listen.en.md", "title: Why listen", 'title: "\\u200e\\u200f"')
    _edit(course / "listening" / "quiz.en.yaml", "title: Check your listening", 'title: "\\u2060"')
    result = run_import(courses, ok=False)
    out = result.output
    course_yaml, module_yaml = course / "course.yaml", course / "listening" / "module.yaml"
    assert f"{course_yaml}:{_line(course_yaml, QUOTED)}: 'title' needs a text in en (the source language): it holds " \
           "only invisible characters (such as zero-width spaces" in out
    assert f"{module_yaml}:{_line(module_yaml, QUOTED)}: 'title' needs a text in en (the source language): it holds " \
           "only invisible characters" in out
    assert f"{course / 'listening' / '01-why-listen.en.md'}:2: 'title' is empty: it holds only invisible " \
           "characters" in out
    assert f"{course / 'listening' / 'quiz.en.yaml'}:1: 'title' is empty: it holds only invisible characters" in out
    assert "4 problems" in out
    assert db.session.scalar(select(func.count(Course.id))) == 0 and db.session.scalar(select(func.count(Module.id))) == 0


def test_an_invisible_translated_title_in_a_file_is_left_out(app, courses, run_import):
    """A translation of invisible characters is no translation: the source title shows, as for one left out."""
    _edit(courses / "listening-basics" / "course.yaml", "  es: Conceptos básicos de la escucha", '  es: "\\u200b"')
    run_import(courses)
    assert _title("course", "es") is None and _title("course", "en") == "Listening basics"
