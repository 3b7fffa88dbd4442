"""Helpers for the authoring and translation-editor tests: a small course built with the catalog services, the same
course translated into Spanish and published, and a page's words as a reader sees them."""

from __future__ import annotations

import html
import re
from typing import Any

from lms import db
from lms.catalog import archive, course_authoring, lesson_authoring, module_authoring, quiz_authoring
from lms.catalog.models import Course, CourseStatus, Lesson, Module, QuestionKind, Quiz
from lms.catalog.texts import set_text
from lms.i18n import _, in_language, language_name_in


def heat_course(actor: Any, *, body: str = "Call 911.", summary: str = "",
                module_summary: str = "") -> tuple[Course, Module, Lesson, Quiz]:
    """Heat safety (``heat``): the module ``signs`` (“Warning signs”) with the lesson ``stroke`` (“Heat stroke”, 10
    minutes of ``body``) and a quiz “Check” (pass mark 80, no limit on attempts, no questions yet); not committed."""
    course = course_authoring.create_course(course_authoring.CourseData(slug="heat", title="Heat safety", summary=summary), actor)
    module = module_authoring.add_module(course, module_authoring.ModuleData(slug="signs", title="Warning signs",
                                                                             summary=module_summary),
                                actor)
    lesson = lesson_authoring.add_lesson(course, module, "stroke", "Heat stroke", body, 10, actor)
    quiz = quiz_authoring.ensure_quiz(course, module, title="Check", pass_mark=80, max_attempts=None, actor=actor)
    return course, module, lesson, quiz


def translated_heat_course(actor: Any, *, summary: str = "", module_summary: str = "",
                           quiz: bool = True) -> tuple[Course, Module, Lesson, Quiz]:
    """:func:`heat_course` translated into Spanish and published, committed: the course title “Seguridad”, the module
    title “Señales”, the lesson “Golpe” (“Llame al 911.”), and, when given in English, the course summary (“Protéjase
    del calor.”) and the module summary (“Reconozca las señales a tiempo.”). With ``quiz``, the quiz “Check” (“Prueba”)
    gets one question so the course can be published; without, it is archived instead."""
    course, module, lesson, check = heat_course(actor, summary=summary, module_summary=module_summary)
    spanish: list[tuple[Any, str, str]] = [(course, "title", "Seguridad"), (module, "title", "Señales"),
                                           (lesson, "title", "Golpe"), (lesson, "body", "Llame al 911.")]
    if summary:
        spanish.append((course, "summary", "Protéjase del calor."))
    if module_summary:
        spanish.append((module, "summary", "Reconozca las señales a tiempo."))
    if quiz:
        quiz_authoring.save_question(course, check, None, slug="q1", kind=QuestionKind.SINGLE, prompt="Hot?",
                                     options=[quiz_authoring.OptionData("o1", "Yes", True),
                                              quiz_authoring.OptionData("o2", "No", False)], actor=actor)
        spanish.append((check, "title", "Prueba"))
    else:
        archive.archive(course, check, actor)  # a quiz without questions: the course could not be published
    for obj, name, value in spanish:
        set_text(course, obj, name, "es", value, actor)
    course_authoring.set_course_status(course, CourseStatus.PUBLISHED, actor)
    db.session.commit()
    return course, module, lesson, check


def page_words(page: str) -> str:
    """A page's text as a reader sees it: no tags, entities decoded, runs of white space as one space."""
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def spanish_words(app: Any, message: str) -> str:
    """``message`` in Spanish, with ``%(language)s`` Spanish and ``%(source)s`` English, named in Spanish."""
    with app.test_request_context(), in_language("es"):
        return _(message, language=language_name_in("es", "es"), source=language_name_in("en", "es"))
