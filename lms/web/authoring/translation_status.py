"""A course's translation status, for the status table and the publish page: which text fields an object has, and
how many of them are complete, missing or stale in a target locale (the editor is :mod:`.translation`). Works on
already-loaded :class:`Texts`, so it adds no queries."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from lms.catalog.models import Course, Module, Option, Question
from lms.catalog.services import Outline
from lms.catalog.texts import FIELDS, Texts, owner_key, translation_state

QuestionList = list[tuple[Question, list[Option]]]


@dataclass
class Tally:
    """How many translatable fields are complete, missing or stale; ``state`` is the worst of them."""

    complete: int = 0
    missing: int = 0
    stale: int = 0

    @property
    def total(self) -> int:
        return self.complete + self.missing + self.stale

    @property
    def state(self) -> str:
        return "stale" if self.stale else "missing" if self.missing else "complete"

    def add(self, state: str) -> None:
        setattr(self, state, getattr(self, state) + 1)


def fields_of(objects: Iterable[Any]) -> list[tuple[Any, str]]:
    return [(obj, name) for obj in objects for name in FIELDS[owner_key(obj)[0]]]


def tally(texts: Texts, objects: Iterable[Any]) -> Tally:
    """The state of every field of ``objects`` in ``texts.locale``; fields with no source text are not counted."""
    result = Tally()
    for obj, name in fields_of(objects):
        kind, obj_id = owner_key(obj)
        if source_value(texts, kind, obj_id, name):
            result.add(translation_state(texts, kind, obj_id, name))
    return result


def module_objects(outline: Outline, questions: Mapping[int, QuestionList], module: Module) -> list[Any]:
    """A module and everything in it that has text: lessons, quiz, questions and their options."""
    objects: list[Any] = [module, *outline.lessons.get(module.id, [])]
    quiz = outline.quizzes.get(module.id)
    if quiz is not None:
        objects.append(quiz)
        for question, options in questions.get(quiz.id, []):
            objects.extend([question, *options])
    return objects


@dataclass
class StatusRow:
    title: str
    module: Module | None
    cells: dict[str, Tally] = field(default_factory=dict)


def status_table(course: Course, outline: Outline, questions: Mapping[int, QuestionList],
                 texts_by_locale: Mapping[str, Texts], source: Texts) -> list[StatusRow]:
    """Rows: the course's own fields, then each module; one :class:`Tally` per target locale. Titles come from
    ``source`` (any loaded :class:`Texts` of the course holds the source-language rows)."""
    rows = [StatusRow(source_text(source, course, "title"), None)]
    rows += [StatusRow(source_text(source, module, "title") or module.slug, module) for module in outline.modules]
    for row in rows:
        objects = [course] if row.module is None else module_objects(outline, questions, row.module)
        row.cells = {locale: tally(texts, objects) for locale, texts in texts_by_locale.items()}
    return rows


def source_text(texts: Texts, obj: Any, name: str) -> str:
    return source_value(texts, *owner_key(obj), name)


def source_value(texts: Texts, kind: str, obj_id: int, name: str) -> str:
    """The source-language text of a field, or "" when it has none (or only spaces)."""
    row = texts.rows.get((kind, obj_id, name, texts.source_locale))
    return row.value if row is not None and row.value.strip() else ""
