"""The trainee's course page marks every title shown in a language other than the page's with its own (``lang``,
WCAG 3.1.2), beyond its headings (tests/test_title_lang_more.py): the lessons and quizzes of the module list (a quiz
without a title is named after its module, in the page's words around the module's title), the breadcrumb's course
title, and the modules named in the "waiting for a live session" notice. Both ways: a course written in English only
read in Spanish, and one written in Spanish only read in English; a title in the page's language carries none."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest

from lms import db
from lms.catalog import course_authoring, lesson_authoring, module_authoring, quiz_authoring
from lms.catalog.models import Course, CourseStatus, ModuleKind, QuestionKind, Quiz
from lms.catalog.texts import set_text
from lms.enrollment import services as enrollment_services
from tests.test_a11y_link_names import between

#: Per source language: the course, the reading module, its lesson and quiz, the module whose quiz has no title,
#: and the live module (no session scheduled).
TITLES = {
    "en": {"course": "Course core", "reading": "Warning signs", "lesson": "Spotting danger",
           "quiz": "Check your signs", "untitled": "Home visits", "live": "Role-play practice"},
    "es": {"course": "Curso de salud", "reading": "Señales de alarma", "lesson": "Cómo ver el peligro",
           "quiz": "Revise sus señales", "untitled": "Visitas a casa", "live": "Práctica en grupo"},
}
#: "Quiz for “<module>”" in the reader's language (the msgid's catalogue entry)
QUIZ_FOR = {"en": "Quiz for “{}”", "es": "Cuestionario de “{}”"}


@dataclass
class Case:
    course: Course
    lang: str
    reader: str
    titles: dict[str, str]


def _quiz(course: Course, module: Any, title: str, actor: Any) -> Quiz:
    quiz = quiz_authoring.ensure_quiz(course, module, title=title, pass_mark=50, max_attempts=None, actor=actor)
    quiz_authoring.save_question(course, quiz, None, slug="q1", kind=QuestionKind.SINGLE, prompt="?", actor=actor,
                                 options=[quiz_authoring.OptionData("a", "1", True), quiz_authoring.OptionData("b", "2")])
    return quiz


def build(trainer: Any, lang: str, titles: dict[str, str], *, translate: str | None = None) -> Course:
    """A published course in ``lang``; with ``translate``, every title is translated into it too (suffix " *")."""
    course = course_authoring.create_course(course_authoring.CourseData(
        slug=f"course-{lang}", title=titles["course"], source_locale=lang), trainer)
    reading = module_authoring.add_module(course, module_authoring.ModuleData(slug="reading", title=titles["reading"]),
                                          trainer)
    lesson = lesson_authoring.add_lesson(course, reading, "signs", titles["lesson"], "Text.", 5, trainer)
    quiz = _quiz(course, reading, titles["quiz"], trainer)
    untitled = module_authoring.add_module(course, module_authoring.ModuleData(slug="visits", title=titles["untitled"]),
                                           trainer)
    intro = lesson_authoring.add_lesson(course, untitled, "intro", "Intro", "Text.", 5, trainer)
    _quiz(course, untitled, "", trainer)
    live = module_authoring.add_module(course, module_authoring.ModuleData(
        slug="live", title=titles["live"], kind=ModuleKind.LIVE, credited_minutes=60), trainer)
    if translate:
        for obj, key in ((course, "course"), (reading, "reading"), (lesson, "lesson"), (quiz, "quiz"),
                         (untitled, "untitled"), (live, "live")):
            set_text(course, obj, "title", translate, titles[key] + " *", trainer)
        set_text(course, intro, "title", translate, "Intro *", trainer)
    course_authoring.set_course_status(course, CourseStatus.PUBLISHED, trainer)
    db.session.commit()
    return course


@pytest.fixture(params=["en", "es"])
def case(request, trainer) -> Case:
    lang = request.param
    return Case(build(trainer, lang, TITLES[lang]), lang, "es" if lang == "en" else "en", TITLES[lang])


def _course_page(client, u, login, make_user, course: Course, locale: str) -> str:
    rosa = make_user(f"rosa-{locale}@example.org", name="Rosa", locale=locale)
    enrollment_services.enroll(rosa, course)
    db.session.commit()
    login(rosa)
    page = client.get(u("lms.courses.course", course_slug=course.slug))
    assert page.status_code == 200
    return page.text


def _marked(part: str, title: str, lang: str) -> int:
    return len(re.findall(rf'<\w+ lang="{lang}">{re.escape(title)}</\w+>', part))


def _lessons(page: str, module_slug: str) -> str:
    return between(between(page, f'id="module-{module_slug}"', "</li>\n  \n"), '<ol class="learn-lessons">', "</ol>")


def test_lesson_and_quiz_titles_in_the_module_list_carry_their_language(client, u, login, make_user, case):
    page = _course_page(client, u, login, make_user, case.course, case.reader)
    lessons = _lessons(page, "reading")
    for key in ("lesson", "quiz"):
        assert f'<span lang="{case.lang}">{case.titles[key]}</span></a>' in lessons, key  # the link's whole text
        assert lessons.count(case.titles[key]) == _marked(lessons, case.titles[key], case.lang) == 1


def test_a_quiz_without_a_title_is_named_in_the_pages_words_around_the_marked_module_title(client, u, login,
                                                                                          make_user, case):
    page = _course_page(client, u, login, make_user, case.course, case.reader)
    lessons = _lessons(page, "visits")
    module = f'<span lang="{case.lang}">{case.titles["untitled"]}</span>'
    assert QUIZ_FOR[case.reader].format(module) + "</a>" in lessons
    assert lessons.count(case.titles["untitled"]) == 1


def test_the_breadcrumb_marks_the_course_title(client, u, login, make_user, case):
    page = _course_page(client, u, login, make_user, case.course, case.reader)
    crumbs = between(page, '<nav class="learn-crumbs"', "</nav>")
    assert f'<span aria-current="page"><span lang="{case.lang}">{case.titles["course"]}</span></span>' in crumbs


def test_the_waiting_for_a_session_notice_marks_the_module_title(client, u, login, make_user, case):
    page = _course_page(client, u, login, make_user, case.course, case.reader)
    (notice,) = re.findall(r'<p class="notice" id="waiting-for-session">(.*?)</p>', page, re.S)
    assert f'“<span lang="{case.lang}">{case.titles["live"]}</span>”' in notice
    assert notice.count(case.titles["live"]) == 1


def test_titles_in_the_pages_language_carry_no_lang(client, u, login, make_user, trainer):
    """Read in the course's own language, and in a language it is translated into: no title is marked."""
    course = build(trainer, "en", TITLES["en"], translate="es")
    for locale, suffix in (("en", ""), ("es", " *")):
        page = _course_page(client, u, login, make_user, course, locale)
        main = between(page, "<main", "</main>")
        assert TITLES["en"]["live"] + suffix in between(page, 'id="waiting-for-session"', "</p>")
        assert f'<span aria-current="page">{TITLES["en"]["course"] + suffix}</span>' in page
        assert f'>{TITLES["en"]["lesson"] + suffix}</a>' in main
        assert QUIZ_FOR[locale].format(TITLES["en"]["untitled"] + suffix) + "</a>" in main
        assert " lang=" not in main
