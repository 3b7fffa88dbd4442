"""Which modules trainees see: the one rule for the trainee's outline, catalog cards, progress and completion."""

from __future__ import annotations

from typing import Any

from sqlalchemy import exists, func, or_, select

from lms import db
from lms.catalog.models import Course, Lesson, Module, ModuleKind, Question, Quiz


def shown_to_trainees() -> Any:
    """The one rule for which live modules trainees see and need: all but a self-paced module with no live lesson
    and no quiz with a live question (one just added, its content still to write). Nothing in it could be done, so
    it is neither shown nor counted toward completing the course (as a quiz with no question:
    :func:`lms.catalog.services.load_trainee_outline`). Live and field modules always show: they have no lessons by
    nature."""
    lesson = exists().where(Lesson.module_id == Module.id, Lesson.is_archived.is_(False))
    asked = exists().where(Quiz.module_id == Module.id, Quiz.is_archived.is_(False), exists().where(
        Question.quiz_id == Quiz.id, Question.is_archived.is_(False)))
    return or_(Module.kind != ModuleKind.SELF_PACED, lesson, asked)


def count_hidden_modules(course: Course) -> int:
    """How many live modules of ``course`` trainees do not see (:func:`shown_to_trainees`), in one query: what the
    trainer's course page says."""
    return db.session.execute(select(func.count(Module.id)).where(
        Module.course_id == course.id, Module.is_archived.is_(False), ~shown_to_trainees())).scalar_one()
