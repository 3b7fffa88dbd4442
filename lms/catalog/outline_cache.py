"""The course outline cached per process as plain, immutable data, valid for one content revision.

Every trainee reads the same modules, lessons, quizzes and texts of a course, so the lesson page and the catalog take
them from here instead of loading them (and building ORM objects) on every request. What makes this safe is the
*content revision*: one counter in ``lms_content_revision`` that triggers in the database (migration 0015) bump on
every INSERT, UPDATE, DELETE (and on PostgreSQL TRUNCATE) of the content tables, in the writer's own transaction.
Whatever writes the content (the editors, translations, an import, archiving, publishing, raw SQL), the next reader
sees a new revision exactly when it sees the new content, and loads the outline again.

A request reads the revision first (one small query) and the content after it, so an entry is never labelled with a
revision newer than its content. Entries are only ever replaced, never changed, so threads share them without locks
for reading; at worst two threads load the same entry at once. The cache is bounded in entries and in characters of
text, and is emptied whenever the revision moves on.

A transaction that wrote content through the ORM stores nothing here (it may still read): were it rolled back, its
outline would stay behind under a revision that another writer will reach. Content written through the ORM marks the
connection (:func:`_mark_content_written`) until its transaction ends. Statements sent as plain SQL are not seen, so
pages that use this cache write no content that way.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, ClassVar

from flask import current_app
from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from sqlalchemy.pool import Pool

from lms import db
from lms.catalog import services as catalog
from lms.catalog.models import Course, Lesson, Module, ModuleKind, Option, Question, Quiz, Text
from lms.catalog.services import Outline
from lms.catalog.texts import Texts, load_course_titles, load_texts

#: The most entries kept, and the most characters of text in them all (a lesson body may be 100,000 characters).
MAX_ENTRIES = 1024
MAX_CHARS = 8_000_000

_REVISION = text("SELECT n FROM lms_content_revision WHERE id = 1")
_lock = threading.Lock()
#: Set in a connection's ``info`` by a flush that wrote content, until its transaction ends.
_WROTE_CONTENT = "lms_wrote_content"


def _mark_content_written(_mapper: Any, connection: Any, _target: Any) -> None:
    connection.info[_WROTE_CONTENT] = True


def _transaction_ended(connection: Any, *_args: Any) -> None:
    connection.info.pop(_WROTE_CONTENT, None)


def _connection_returned(_dbapi_connection: Any, record: Any) -> None:
    record.info.pop(_WROTE_CONTENT, None)


for _model in (Course, Module, Lesson, Quiz, Question, Option, Text):
    for _name in ("after_insert", "after_update", "after_delete"):
        event.listen(_model, _name, _mark_content_written)
event.listen(Engine, "commit", _transaction_ended)
event.listen(Engine, "rollback", _transaction_ended)
event.listen(Pool, "checkin", _connection_returned)


def _may_store() -> bool:
    """False while the request's transaction holds content written through the ORM (see the module's docstring)."""
    return not db.session.connection().info.get(_WROTE_CONTENT)


def current_revision() -> int | None:
    """The content revision (None if its row is missing: then nothing is cached)."""
    return db.session.execute(_REVISION).scalar()


# ---------------------------------------------------------------- plain data (what templates and services read)

@dataclass(frozen=True)
class CachedModule:
    owner_type: ClassVar[str] = "module"
    id: int
    course_id: int
    slug: str
    position: int
    kind: ModuleKind
    credited_minutes: int
    is_required: bool
    is_archived: bool
    competency_areas: tuple[str, ...]
    specialties: tuple[str, ...]


@dataclass(frozen=True)
class CachedLesson:
    owner_type: ClassVar[str] = "lesson"
    id: int
    module_id: int
    course_id: int
    slug: str
    position: int
    estimated_minutes: int
    is_archived: bool


@dataclass(frozen=True)
class CachedQuiz:
    owner_type: ClassVar[str] = "quiz"
    id: int
    module_id: int
    course_id: int
    pass_mark: int
    max_attempts: int | None
    is_archived: bool


@dataclass(frozen=True)
class CachedText:
    """What :class:`lms.catalog.texts.Texts` reads of a text row."""

    value: str
    html: str | None
    source_hash: str | None


TextRows = Mapping[tuple[str, int, str, str], CachedText]


@dataclass(frozen=True)
class CachedOutline:
    """A course's live modules, lessons and quizzes, with all its texts in one reading locale and its source locale."""

    modules: tuple[CachedModule, ...]
    lessons: Mapping[int, tuple[CachedLesson, ...]]
    quizzes: Mapping[int, CachedQuiz]
    texts: TextRows

    def outline(self, course: Course) -> Outline:
        return Outline(course=course, modules=list(self.modules), lessons=self.lessons, quizzes=self.quizzes)


@dataclass(frozen=True)
class CachedCard:
    """What the catalog shows of a course: its title and summary rows, languages and live modules."""

    texts: TextRows
    languages: tuple[str, ...]
    modules: tuple[CachedModule, ...]


@dataclass(frozen=True)
class _Entry:
    revision: int
    value: Any
    chars: int


@dataclass
class OutlineStore:
    """The entries of one application (``LMSState.outlines``), all of one revision."""

    revision: int | None = None
    entries: dict[tuple[Any, ...], _Entry] = field(default_factory=dict)
    chars: int = 0

    def get(self, key: tuple[Any, ...], revision: int) -> Any:
        entry = self.entries.get(key)
        return entry.value if entry is not None and entry.revision == revision else None

    def put(self, key: tuple[Any, ...], revision: int, value: Any, chars: int) -> None:
        with _lock:
            if revision != self.revision:  # the content moved on (or back: a restored database): forget it all
                self.entries, self.chars, self.revision = {}, 0, revision
            old = self.entries.pop(key, None)
            self.chars -= old.chars if old else 0
            while self.entries and (len(self.entries) >= MAX_ENTRIES or self.chars + chars > MAX_CHARS):
                self.chars -= self.entries.pop(next(iter(self.entries))).chars  # the oldest first
            self.entries[key] = _Entry(revision, value, chars)
            self.chars += chars


def store() -> OutlineStore:
    return current_app.extensions["lms"].outlines


# ---------------------------------------------------------------- reading

def _module(m: Any) -> CachedModule:
    return CachedModule(m.id, m.course_id, m.slug, m.position, m.kind, m.credited_minutes, m.is_required,
                        m.is_archived, tuple(m.competency_areas or ()), tuple(m.specialties or ()))


def _rows(texts: Texts) -> tuple[TextRows, int]:
    rows = {key: CachedText(row.value, row.html, row.source_hash) for key, row in texts.rows.items()}
    return MappingProxyType(rows), sum(len(r.value) + len(r.html or "") for r in rows.values())


def _load_outline(course: Course, locale: str) -> tuple[CachedOutline, int]:
    loaded = catalog.load_trainee_outline(course)
    lessons: dict[int, tuple[CachedLesson, ...]] = {
        module_id: tuple(CachedLesson(item.id, item.module_id, item.course_id, item.slug, item.position,
                                      item.estimated_minutes, item.is_archived) for item in items)
        for module_id, items in loaded.lessons.items()}
    quizzes = {module_id: CachedQuiz(q.id, q.module_id, q.course_id, q.pass_mark, q.max_attempts, q.is_archived)
               for module_id, q in loaded.quizzes.items()}
    rows, chars = _rows(load_texts(course, locale))
    return CachedOutline(tuple(_module(m) for m in loaded.modules), MappingProxyType(lessons),
                         MappingProxyType(quizzes), rows), chars


def _cached(key: tuple[Any, ...], load: Callable[[], tuple[Any, int]]) -> Any:
    revision = current_revision()  # before the content: see the module's docstring
    if revision is None:
        return load()[0]
    found = store().get(key, revision)
    if found is None:
        found, chars = load()
        if _may_store():
            store().put(key, revision, found, chars)
    return found


def course_outline(course: Course, locale: str) -> tuple[Outline, Texts]:
    """The trainee's outline of ``course`` (as :func:`lms.catalog.services.load_trainee_outline`, in plain data) and
    all its texts in ``locale`` with fallback to its source locale (as :func:`lms.catalog.texts.load_texts`): one
    query for the revision when cached, and the loads of today when not."""
    cached = _cached(("outline", course.id, locale), lambda: _load_outline(course, locale))
    return cached.outline(course), Texts(locale=locale, source_locale=course.source_locale, rows=cached.texts)


def course_cards(courses: list[Course], locale: str) -> dict[int, CachedCard]:
    """Course id → its catalog card in ``locale``: one query for the revision when all are cached, three more for
    those that are not (together, whatever their number)."""
    revision = current_revision()
    cards = {} if revision is None else {c.id: store().get(("card", c.id, locale), revision) for c in courses}
    missing = [c for c in courses if cards.get(c.id) is None]
    if missing:
        keep = revision is not None and _may_store()
        for course_id, (card, chars) in _load_cards(missing, locale).items():
            cards[course_id] = card
            if keep:
                store().put(("card", course_id, locale), revision, card, chars)
    return cards


def _load_cards(courses: Iterable[Course], locale: str) -> dict[int, tuple[CachedCard, int]]:
    courses = list(courses)
    titles = load_course_titles(courses, locale)
    languages = catalog.list_course_locales(courses)
    modules = catalog.list_modules_of(courses, trainee=True)
    result = {}
    for course in courses:
        rows, chars = _rows(titles[course.id])
        result[course.id] = (CachedCard(rows, tuple(languages[course.id]), tuple(map(_module, modules[course.id]))),
                             chars)
    return result
