"""What the importer shares while it writes one course: the texts writer, labels for messages, and the summary."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select

from lms import db
from lms.catalog.models import Course, Text
from lms.catalog.ordering import Parent, list_live, record_if_reordered
from lms.catalog.texts import owner_key, set_text
from lms.content.loader import Problem
from lms.content.specs import TextMap
from lms.enrollment.module_people import ModulePeople
from lms.live.queries import ModuleSessions

KINDS = ("course", "module", "lesson", "quiz", "question", "option")
PLURALS = {"quiz": "quizzes"}
TextKey = tuple[str, int, str, str]  # owner type, owner id, field, locale


class ImportFailure(Exception):
    """The import found a problem only the database could show (e.g. an unknown issuer); nothing is kept."""

    def __init__(self, path: Path, message: str) -> None:
        super().__init__(message)
        self.problem = Problem(path, 1, message)


class ArchiveRefused(Exception):
    """Modules the files no longer list have live sessions still scheduled (``scheduled``: one line each, with the
    count), which the import never archives, or trainees (``held``: one line each, with the counts), which it archives
    only when asked to (``--archive-missing``); so nothing is kept."""

    def __init__(self, held: list[str], scheduled: list[str] | None = None) -> None:
        self.held, self.scheduled = held, scheduled or []
        super().__init__("; ".join(self.scheduled + held))


def describe_people(people: ModulePeople) -> str:
    """``12 trainees taking the course, 5 worked on this module (3 completed it)`` (the command line is in English)."""
    taking = f"{people.enrolled} trainee{'s' if people.enrolled != 1 else ''} taking the course"
    worked = f"{people.with_progress} worked on this module ({people.completed} completed it)"
    return f"{taking}, {worked}"


def describe_sessions(sessions: ModuleSessions) -> str:
    """``2 scheduled live sessions (1 has started)``: those that stop a module being archived (in English, as above)."""
    count, started = sessions.scheduled, sessions.started
    text = f"{count} scheduled live session{'s' if count != 1 else ''}"
    return f"{text} ({started} {'has' if started == 1 else 'have'} started)" if started else text


@dataclass
class Summary:
    """What an import created, updated and archived, with one line per change (shown by ``--dry-run``)."""

    counts: Counter[tuple[str, str]] = field(default_factory=Counter)
    changes: list[str] = field(default_factory=list)
    texts_changed: int = 0
    created: set[str] = field(default_factory=set)
    #: Modules not archived for their trainees or their scheduled live sessions (see :class:`ArchiveRefused`), and
    #: those archived with trainees anyway.
    held: list[str] = field(default_factory=list)
    scheduled: list[str] = field(default_factory=list)
    archived_with_people: list[str] = field(default_factory=list)

    def note(self, kind: str, action: str, label: str, detail: str = "") -> None:
        """Count a change; list it unless it is part of something created in this import (that says enough)."""
        self.counts[(kind, action)] += 1
        parts = label.split("/")
        if not any("/".join(parts[:end]) in self.created for end in range(1, len(parts))):
            self.changes.append(f"{action} {kind} {label}{detail}")
        if action == "created":
            self.created.add(label)

    @property
    def changed(self) -> bool:
        return bool(self.counts) or self.texts_changed > 0

    def count(self, kind: str, action: str) -> int:
        return self.counts[(kind, action)]

    def lines(self) -> list[str]:
        result = []
        for kind in KINDS:
            parts = [f"{number} {action}" for (k, action), number in sorted(self.counts.items()) if k == kind]
            if parts:
                result.append(f"{PLURALS.get(kind, kind + 's')}: {', '.join(parts)}")
        result.append(f"texts changed: {self.texts_changed}")
        return result


def clean(value: str) -> str:
    """The form :func:`lms.catalog.texts.set_text` stores, to compare without writing."""
    return (value or "").replace("\r\n", "\n").strip()


def text_values(course: Course | None) -> dict[TextKey, str]:
    if course is None or course.id is None:
        return {}
    rows = db.session.execute(
        select(Text.owner_type, Text.owner_id, Text.field, Text.locale, Text.value).where(Text.course_id == course.id)
    ).all()
    return {(kind, owner_id, name, locale): value for kind, owner_id, name, locale, value in rows}


@dataclass
class Context:
    """One course being written. Texts go through ``set_text`` only when they differ from what is stored, so an
    unchanged translation keeps the source version it was made from and shows as stale when the source changed."""

    course: Course
    summary: Summary
    actor: Any = None
    labels: dict[tuple[str, int], str] = field(default_factory=dict)
    touched: set[tuple[str, int]] = field(default_factory=set)
    stored: dict[TextKey, str] = field(default_factory=dict)
    #: Archive modules the files no longer list even when trainees are taking the course or worked on them.
    archive_missing: bool = False

    def load(self) -> None:
        self.stored = text_values(self.course)

    def note(self, obj: Any, action: str, label: str, detail: str = "") -> None:
        key = owner_key(obj)
        self.labels[key] = label
        if action != "kept":
            self.touched.add(key)
            self.summary.note(key[0], action, label, detail)

    def write(self, obj: Any, texts: TextMap) -> None:
        kind, obj_id = owner_key(obj)
        source = self.course.source_locale
        for name, values in texts.items():
            for locale in sorted(values, key=lambda loc: (loc != source, loc)):  # source first: translations hash it
                value, key = clean(values[locale]), (kind, obj_id, name, locale)
                if self.stored.get(key, "") == value and (key in self.stored or not value):
                    continue
                set_text(self.course, obj, name, locale, value, self.actor)
                self.stored[key] = value

    def record_order(self, parent: Parent, before: list[Any]) -> None:
        """Once ``parent``'s list is written: the audit row a move on the authoring pages writes
        (:func:`lms.catalog.ordering.record_if_reordered`) if the import changed the order of its live items
        (``before``: those live before the import, in order); nothing if it did not."""
        if len(before) > 1:  # one item or none has no order to change: no query
            record_if_reordered(self.course, parent, before, list_live(parent), self.actor)

    def count_texts(self, before: dict[TextKey, str]) -> None:
        """Compare the stored texts with ``before``: count changes, and list objects changed only in their texts."""
        changed: dict[tuple[str, int], list[str]] = {}
        for key, value in text_values(self.course).items():
            if before.get(key, "") != value:
                changed.setdefault(key[:2], []).append(f"{key[2]} {key[3]}")
        self.summary.texts_changed += sum(len(names) for names in changed.values())
        for owner in sorted(changed):
            if owner not in self.touched:
                label = self.labels.get(owner, f"#{owner[1]}")
                self.summary.note(owner[0], "updated", label, f" (texts: {', '.join(sorted(changed[owner]))})")
