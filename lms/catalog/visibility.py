"""Which modules trainees see: the one rule for the trainee's outline, catalog cards, progress and completion."""

from __future__ import annotations

from typing import Any

from sqlalchemy import exists, or_, select

from lms import db
from lms.catalog.models import Course, Lesson, Module, ModuleKind, Question, Quiz


def asked() -> Any:
    """The rule for a quiz trainees see and need: one with a live question (correlated on :class:`Quiz`). A quiz with
    none is not in the trainee's outline (:func:`lms.catalog.services.load_trainee_outline`)."""
    return exists().where(Question.quiz_id == Quiz.id, Question.is_archived.is_(False))


def shown_to_trainees() -> Any:
    """The one rule for which live modules trainees see and need: all but a self-paced module with no live lesson
    and no quiz with a live question (one just added, its content still to write). Nothing in it could be done, so
    it is neither shown nor counted toward completing the course (as a quiz with no question:
    :func:`lms.catalog.services.load_trainee_outline`). Live and field modules always show: they have no lessons by
    nature."""
    lesson = exists().where(Lesson.module_id == Module.id, Lesson.is_archived.is_(False))
    quiz = exists().where(Quiz.module_id == Module.id, Quiz.is_archived.is_(False), asked())
    return or_(Module.kind != ModuleKind.SELF_PACED, lesson, quiz)


def list_hidden_module_ids(course: Course) -> set[int]:
    """The live modules of ``course`` trainees do not see (:func:`shown_to_trainees`), by id, in one query: what the
    trainer's course page counts, and leaves out of what it says about certificates."""
    return set(db.session.execute(select(Module.id).where(
        Module.course_id == course.id, Module.is_archived.is_(False), ~shown_to_trainees())).scalars())


def is_shown(module: Module) -> bool:
    """Whether trainees see and need ``module`` (live, and :func:`shown_to_trainees`); one query."""
    return db.session.execute(select(Module.id).where(
        Module.id == module.id, Module.is_archived.is_(False), shown_to_trainees())).first() is not None


def is_asked(quiz: Quiz) -> bool:
    """Whether trainees see and need ``quiz``: it has a live question (:func:`asked`); one query."""
    return db.session.execute(select(Quiz.id).where(Quiz.id == quiz.id, asked())).first() is not None
