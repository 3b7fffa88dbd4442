"""The author's forms, from a QA pass: links without words and images without descriptions in lesson Markdown,
keyboard users kept in place after Preview and after Up/Down, a reserved lesson short name told with the other
mistakes, plain-text boxes that say so, and true-or-false answers filled in."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import select

from lms import db
from lms.accounts.models import SiteRole
from lms.catalog import course_authoring, lesson_authoring
from lms.catalog import services as catalog
from lms.catalog.markdown import images_without_description, render_markdown
from lms.catalog.models import Option
from lms.catalog.texts import load_texts, set_text
from lms.i18n import _, in_language
from tests.authoring_support import heat_course


@pytest.fixture
def author(make_user):
    return make_user("tina@example.org", role=SiteRole.TRAINER)


@pytest.fixture
def heat(author):
    course, module, lesson, quiz = heat_course(author)
    db.session.commit()
    return course, module, lesson, quiz


def _lesson_url(u, lesson_slug: str | None = None) -> str:
    if lesson_slug is None:
        return u("lms.authoring.new_lesson", course_slug="heat", module_slug="signs")
    return u("lms.authoring.edit_lesson", course_slug="heat", module_slug="signs", lesson_slug=lesson_slug)


def _words(page: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


# ---------------------------------------------------------------- 4. links without words, images without descriptions


@pytest.mark.parametrize(("source", "link"), [
    ("[](https://example.org/a)", '<a href="https://example.org/a" rel="noopener noreferrer nofollow">'
                                  "https://example.org/a</a>"),
    ("[ ](https://example.org/b)", "https://example.org/b</a>"),
    ("[![](https://example.org/i.png)](https://example.org/c)", 'alt="">https://example.org/c</a>'),
])
def test_a_link_without_words_shows_its_address(source, link):
    assert link in render_markdown(source, "en")


def test_links_with_words_or_a_described_image_are_unchanged():
    assert render_markdown("[Read more](https://x.org)", "en").count("https://x.org") == 1
    assert render_markdown("[`code`](https://x.org)", "en").count("https://x.org") == 1
    assert render_markdown("[![A map](https://x.org/m.png)](https://x.org)", "en").count("https://x.org\"") == 1


def test_a_link_without_words_or_address_is_dropped():
    assert "<a" not in render_markdown("Before []() after", "en")


def test_images_without_a_description_are_found():
    assert images_without_description("![](https://a.org/1.png) ![ ](https://a.org/2.png) ![Map](https://a.org/3.png)"
                                      "\n\n[![](https://a.org/4.png)](https://a.org)") == [
        "https://a.org/1.png", "https://a.org/2.png", "https://a.org/4.png"]


def test_preview_warns_about_an_image_without_a_description(heat, u, author, client_as):
    body = "Look:\n\n![](https://example.org/sun.png)"
    page = client_as(author).submit(_lesson_url(u, "stroke"), {"title": "Heat stroke", "body": body,
                                                               "estimated_minutes": "10", "preview": "y"})
    text = _words(page.get_data(as_text=True))
    assert "1 image in the lesson text has no description for people who cannot see it." in text


def test_saving_warns_but_saves(heat, u, author, client_as):
    course, _module, lesson, _quiz = heat
    body = "![](https://example.org/a.png)\n\n![](https://example.org/b.png)"
    response = client_as(author).submit(_lesson_url(u, "stroke"), {"title": "Heat stroke", "body": body,
                                                                   "estimated_minutes": "10", "save": "y"},
                                        follow_redirects=True)
    text = _words(response.get_data(as_text=True))
    assert "Lesson saved." in text
    assert "2 images in the lesson text have no description for people who cannot see them." in text
    assert load_texts(course, "en").get(lesson, "body").value == body


def test_a_described_image_gets_no_warning(heat, u, author, client_as):
    response = client_as(author).submit(_lesson_url(u, "stroke"), {
        "title": "Heat stroke", "body": "![A thermometer at 40 °C](https://example.org/t.png)",
        "estimated_minutes": "10", "save": "y"}, follow_redirects=True)
    assert "no description" not in _words(response.get_data(as_text=True))


# ---------------------------------------------------------------- 6. keyboard users keep their place


def test_preview_sends_the_page_to_the_preview_heading(heat, u, author, client_as):
    client = client_as(author)
    page = client.get(_lesson_url(u, "stroke")).get_data(as_text=True)
    assert re.search(r'<button type="submit" name="preview" value="y" class="secondary" formaction="#preview">', page)
    page = client.submit(_lesson_url(u, "stroke"), {"title": "Heat stroke", "body": "Call 911.",
                                                    "estimated_minutes": "10", "preview": "y"}).get_data(as_text=True)
    assert '<h2 id="preview" tabindex="-1">Preview (not saved yet)</h2>' in page
    assert 'aria-labelledby="preview"' in page


def test_the_translation_editors_preview_is_a_target_too(heat, u, author, client_as):
    course, module, lesson, _quiz = heat
    set_text(course, course, "title", "es", "Calor", author)
    db.session.commit()
    client = client_as(author)
    url = u("lms.authoring.translate_lesson", course_slug="heat", locale="es", module_slug="signs",
            lesson_slug="stroke")
    page = client.get(url).get_data(as_text=True)
    assert 'name="preview" value="y" class="secondary" formaction="#preview"' in page
    key = f"lesson-{lesson.id}"
    page = client.submit(url, {f"t-{key}-body": "Llame al 911.", "preview": "y"}).get_data(as_text=True)
    assert 'id="preview" tabindex="-1"' in page


def test_moving_a_lesson_lands_on_that_lesson(heat, u, author, client_as):
    course, module, _lesson, _quiz = heat
    second = lesson_authoring.add_lesson(course, module, "shade", "Shade", "Find shade.", 5, author)
    db.session.commit()
    client = client_as(author)
    url = u("lms.authoring.move_lesson", course_slug="heat", module_slug="signs", lesson_slug="shade")
    response = client.submit(url, {"direction": "up"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"#lesson-{second.id}")
    page = client.get(u("lms.authoring.course", course_slug="heat")).get_data(as_text=True)
    assert f'<li id="lesson-{second.id}" tabindex="-1">' in page
    assert 'id="module-signs" class="card" tabindex="-1"' in page


# ---------------------------------------------------------------- 7. the reserved short name, in the same round


def test_the_reserved_short_name_is_told_with_the_other_mistakes(heat, u, author, client_as):
    response = client_as(author).submit(_lesson_url(u), {"slug": "quiz", "title": "", "body": "",
                                                         "estimated_minutes": "10", "save": "y"})
    text = _words(response.get_data(as_text=True))
    assert response.status_code == 400
    assert "“quiz” is reserved; choose another short name for the lesson." in text
    assert "Enter a title." in text


def test_an_existing_lessons_short_name_is_not_checked_again(heat, u, author, client_as):
    course, _module, lesson, _quiz = heat
    lesson.slug = "quiz"  # from before the rule (an old import)
    db.session.commit()
    response = client_as(author).submit(_lesson_url(u, "quiz"), {"title": "Heat stroke", "body": "Call 911!",
                                                                 "estimated_minutes": "10", "save": "y"})
    assert response.status_code == 302


# ---------------------------------------------------------------- 8. plain-text boxes say so


def test_summaries_questions_and_feedback_say_they_are_plain_text(heat, u, author, client_as):
    client = client_as(author)
    note = "Plain text; Markdown is not applied."
    pages = {
        "course": (client.get(u("lms.authoring.edit_course", course_slug="heat")), "summary"),
        "module": (client.get(u("lms.authoring.edit_module", course_slug="heat", module_slug="signs")), "summary"),
        "question": (client.get(u("lms.authoring.new_question", course_slug="heat", module_slug="signs")), "prompt"),
    }
    for name, (response, box) in pages.items():
        page = response.get_data(as_text=True)
        assert f'<p class="help" id="{box}-help">{note}</p>' in page, name
        assert re.search(rf'<textarea aria-describedby="{box}-help" id="{box}"', page), name
    question = pages["question"][0].get_data(as_text=True)
    assert f'<p class="help" id="options-0-feedback-help">{note}</p>' in question
    lesson = client.get(_lesson_url(u, "stroke")).get_data(as_text=True)
    assert note not in lesson  # the lesson text is Markdown


# ---------------------------------------------------------------- 9. true or false


#: The answer rows as a browser sends them: every box, empty (a tick only when ticked)
ROWS = {f"options-{n}-{box}": "" for n in range(6) for box in ("text", "feedback", "slug")}


def _question(client, u, **fields):
    form = {"slug": "q1", "kind": "true_false", "prompt": "Heat stroke is an emergency."} | ROWS | fields
    return client.submit(u("lms.authoring.new_question", course_slug="heat", module_slug="signs"), form)


def test_true_or_false_without_answers_gets_them_and_asks_which_is_right(heat, u, author, client_as):
    response = _question(client_as(author), u)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "A question needs at least two answers." not in page and "Mark exactly one answer as correct." in page
    assert 'name="options-0-text" type="text" value="True"' in page
    assert 'name="options-1-text" type="text" value="False"' in page


def test_a_ticked_empty_row_saves_at_once(heat, u, author, client_as):
    _course, _module, _lesson, quiz = heat
    response = _question(client_as(author), u, **{"options-0-is_correct": "y"})
    assert response.status_code == 302
    [(question, options)] = catalog.load_questions(quiz)
    texts = load_texts(heat[0], "en")
    assert [(texts.get(o, "text").value, o.is_correct) for o in options] == [("True", True), ("False", False)]


def test_the_answers_are_in_the_courses_language(app, make_user, u, client_as):
    author = make_user("autora@example.org", role=SiteRole.TRAINER, locale="en")
    course = course_authoring.create_course(course_authoring.CourseData(slug="calor", title="Calor",
                                                                       source_locale="es"), author)
    from lms.catalog import module_authoring, quiz_authoring

    module = module_authoring.add_module(course, module_authoring.ModuleData(slug="senales", title="Señales"), author)
    quiz_authoring.ensure_quiz(course, module, title="", pass_mark=80, max_attempts=None, actor=author)
    db.session.commit()
    form = {"slug": "q1", "kind": "true_false", "prompt": "Es una emergencia.", **ROWS, "options-1-is_correct": "y"}
    response = client_as(author).submit(u("lms.authoring.new_question", course_slug="calor", module_slug="senales"),
                                        form)
    assert response.status_code == 302, _words(response.get_data(as_text=True))
    values = db.session.execute(select(Option.id).order_by(Option.position)).scalars().all()
    texts = load_texts(course, "es")
    with app.test_request_context(), in_language("es"):
        expected = [_("True"), _("False")]  # as a Spanish reader says them (once the msgids are translated)
    assert [texts.lookup("option", oid, "text").value for oid in values] == expected
    assert [o.is_correct for o in db.session.execute(select(Option).order_by(Option.position)).scalars()] == [False, True]


def test_true_or_false_with_answers_written_is_left_alone(heat, u, author, client_as):
    response = _question(client_as(author), u, **{"options-0-text": "Yes"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and 'value="True"' not in page


# ---------------------------------------------------------------- 5. images documented where authors write


def test_the_lesson_forms_hint_says_how_to_add_an_image(heat, u, author, client_as):
    text = _words(client_as(author).get(_lesson_url(u, "stroke")).get_data(as_text=True))
    assert "To show a picture, write ![What the picture shows](https://…) : the words in brackets are read out" in text
    assert "people who cannot see it, so always write them." in text
    assert "an address starting with https:// that trainees can open" in text


def test_the_docs_say_how_to_add_an_image():
    from pathlib import Path

    docs = Path(__file__).resolve().parent.parent / "docs"
    for name in ("course-format.md", "learning.md"):
        text = " ".join((docs / name).read_text(encoding="utf-8").split())
        assert "![What the picture shows](https://" in text and "alt text" in text, name
