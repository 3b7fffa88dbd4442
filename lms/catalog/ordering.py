"""The order of a course's modules, a module's lessons and a quiz's questions: moving one up or down, and the audit
row that keeps the order before and after.

A move writes one row about the parent whose list changed (``course.modules_reordered`` about the course,
``module.lessons_reordered`` about the module, ``quiz.questions_reordered`` about the quiz), with the live items in
order before and after as ``{"id", "name"}`` (the name in the course's source language then, so the row reads the
same after a later rename or removal). A move that moves nothing (the first item up) writes none."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from lms import audit, db
from lms.catalog.edits import source_names
from lms.catalog.models import Course, Lesson, Module, Question, Quiz

Movable = Module | Lesson | Question

#: Each movable kind's parent column.
PARENTS = {"Module": "course_id", "Lesson": "module_id", "Question": "quiz_id"}


def move(course: Course, obj: Movable, direction: int, actor: Any) -> bool:
    """Swap ``obj`` with its previous (-1) or next (+1) live sibling (removed ones keep their old places, which
    :func:`lms.catalog.archive.restore` gives back only if still free) and record the new order; whether it moved."""
    if obj.is_archived:
        return False
    siblings = _live_siblings(obj)
    for index, item in enumerate(siblings):
        item.position = index + 1
    index = next(i for i, item in enumerate(siblings) if item.id == obj.id)
    other = index + direction
    if not 0 <= other < len(siblings):
        return False
    before = list(siblings)
    siblings[index].position, siblings[other].position = siblings[other].position, siblings[index].position
    siblings[index], siblings[other] = siblings[other], siblings[index]
    _record(course, obj, before, siblings, actor)
    return True


def _live_siblings(obj: Movable) -> list[Any]:
    model = type(obj)
    parent = PARENTS[model.__name__]
    return list(db.session.execute(
        select(model).where(getattr(model, parent) == getattr(obj, parent), model.is_archived.is_(False))
        .order_by(model.position, model.id)).scalars())


def _record(course: Course, obj: Movable, before: list[Any], after: list[Any], actor: Any) -> None:
    """One row about the parent whose list changed, with the order before and after (``was``)."""
    kind = type(obj).__name__
    names = source_names({kind: {item.id for item in after}})
    data = audit.changed({"order": _named(before, kind, names)}, {"order": _named(after, kind, names)})
    if isinstance(obj, Module):
        audit.record("course.modules_reordered", course, actor, course_id=course.id, **data)
    elif isinstance(obj, Lesson):
        module = db.session.get(Module, obj.module_id)
        audit.record("module.lessons_reordered", module, actor, course_id=course.id, **data)
    else:
        quiz = db.session.get(Quiz, obj.quiz_id)
        audit.record("quiz.questions_reordered", quiz, actor, course_id=course.id, module_id=quiz.module_id, **data)


def _named(items: list[Any], kind: str, names: dict[tuple[str, int], str]) -> list[dict[str, Any]]:
    return [{"id": item.id, "name": names.get((kind, item.id)) or item.slug} for item in items]
