"""The order of a course's modules, a module's lessons and a quiz's questions: moving one up or down, and the audit
row that keeps the order before and after.

A move writes one row about the parent whose list changed (``course.modules_reordered`` about the course,
``module.lessons_reordered`` about the module, ``quiz.questions_reordered`` about the quiz), with the live items in
order before and after as ``{"id", "name"}`` (the name in the course's source language then, so the row reads the
same after a later rename or removal). A move that moves nothing (the first item up) writes none.

A course import that changes an order writes the same row (:func:`record_if_reordered`), with no one as actor."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from lms import audit, db
from lms.catalog.edits import source_names
from lms.catalog.models import Course, Lesson, Module, Question, Quiz

Movable = Module | Lesson | Question
Parent = Course | Module | Quiz

#: Each movable kind's parent column.
PARENTS = {"Module": "course_id", "Lesson": "module_id", "Question": "quiz_id"}
#: Each parent's movable kind.
CHILDREN: dict[type, type] = {Course: Module, Module: Lesson, Quiz: Question}


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
    _record(course, _parent(course, obj), before, siblings, actor)
    return True


def list_live(parent: Parent) -> list[Any]:
    """The live modules of a course, lessons of a module or questions of a quiz, in order (one query)."""
    model = CHILDREN[type(parent)]
    return _live(model, parent.id)


def record_if_reordered(course: Course, parent: Parent, before: list[Any], after: list[Any], actor: Any) -> bool:
    """Write the row a move writes about ``parent``'s list (``before`` and ``after``: its live items in order) when
    the items live in both are in another order; whether it did. Items only added, removed or brought back around
    the others change no order, and write nothing here (their own rows say so). What a course import calls
    (:mod:`lms.content.importer`) once it has written a list."""
    kept = {item.id for item in before} & {item.id for item in after}
    if [item.id for item in before if item.id in kept] == [item.id for item in after if item.id in kept]:
        return False
    _record(course, parent, before, after, actor)
    return True


def _live_siblings(obj: Movable) -> list[Any]:
    model = type(obj)
    return _live(model, getattr(obj, PARENTS[model.__name__]))


def _live(model: type, parent_id: int) -> list[Any]:
    return list(db.session.execute(
        select(model).where(getattr(model, PARENTS[model.__name__]) == parent_id, model.is_archived.is_(False))
        .order_by(model.position, model.id)).scalars())


def _parent(course: Course, obj: Movable) -> Parent:
    if isinstance(obj, Module):
        return course
    if isinstance(obj, Lesson):
        return db.session.get(Module, obj.module_id)
    return db.session.get(Quiz, obj.quiz_id)


def _record(course: Course, parent: Parent, before: list[Any], after: list[Any], actor: Any) -> None:
    """One row about the parent whose list changed, with the order before and after (``was``)."""
    kind = CHILDREN[type(parent)].__name__
    names = source_names({kind: {item.id for item in [*before, *after]}})
    data = audit.changed({"order": _named(before, kind, names)}, {"order": _named(after, kind, names)})
    if isinstance(parent, Course):
        audit.record("course.modules_reordered", course, actor, course_id=course.id, **data)
    elif isinstance(parent, Module):
        audit.record("module.lessons_reordered", parent, actor, course_id=course.id, **data)
    else:
        audit.record("quiz.questions_reordered", parent, actor, course_id=course.id, module_id=parent.module_id,
                     **data)


def _named(items: list[Any], kind: str, names: dict[tuple[str, int], str]) -> list[dict[str, Any]]:
    return [{"id": item.id, "name": names.get((kind, item.id)) or item.slug} for item in items]


def next_position(model: type, **where: Any) -> int:
    """The position after the last of ``model``'s rows matching ``where`` (a new item goes at the end)."""
    query = select(func.coalesce(func.max(model.position), 0))
    for key, value in where.items():
        query = query.where(getattr(model, key) == value)
    return db.session.execute(query).scalar_one() + 1
