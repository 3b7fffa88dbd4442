"""Helpers for the authoring and translation-editor tests: a small course built with the catalog services."""

from __future__ import annotations

from typing import Any

from lms.catalog import course_authoring, lesson_authoring, module_authoring, quiz_authoring
from lms.catalog.models import Course, Lesson, Module, Quiz


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
