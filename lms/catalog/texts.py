"""Per-locale texts of catalog objects: reading with fallback to the source language, writing with stale tracking.

A translation stores the hash of the source text it was made from; when the source text changes, the hashes no longer
match and the translation is *stale* until a translator saves it again. It also keeps that source text, so the editor
can show what changed since.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, and_, bindparam, or_, select, tuple_

from lms import db
from lms.catalog.markdown import render_markdown
from lms.catalog.models import Course, Lesson, Module, Option, Question, Quiz, Text
from lms.db import prepared

OWNER_TYPES: dict[type, str] = {
    Course: "course", Module: "module", Lesson: "lesson", Quiz: "quiz", Question: "question", Option: "option",
}
#: The text fields of each kind of object, in editing order. ``body`` is Markdown.
FIELDS: dict[str, tuple[str, ...]] = {
    "course": ("title", "summary"),
    "module": ("title", "summary"),
    "lesson": ("title", "body"),
    "quiz": ("title",),
    "question": ("prompt",),
    "option": ("text", "feedback"),
}
MARKDOWN_FIELDS = {("lesson", "body")}
#: Fields written on one line (titles: page headings, email subjects, calendar names); line breaks become spaces.
ONE_LINE_FIELDS = {("course", "title"), ("module", "title"), ("lesson", "title"), ("quiz", "title")}
TITLE_MAX, SUMMARY_MAX, BODY_MAX, ANSWER_MAX, FEEDBACK_MAX = 200, 5_000, 100_000, 1_000, 2_000
#: The most characters an author may type in each field, in the source language and in every translation alike
#: (the authoring forms and the translation editor both check it).
MAX_LENGTHS: dict[tuple[str, str], int] = {
    ("course", "title"): TITLE_MAX, ("course", "summary"): SUMMARY_MAX,
    ("module", "title"): TITLE_MAX, ("module", "summary"): SUMMARY_MAX,
    ("lesson", "title"): TITLE_MAX, ("lesson", "body"): BODY_MAX,
    ("quiz", "title"): TITLE_MAX,
    ("question", "prompt"): SUMMARY_MAX,
    ("option", "text"): ANSWER_MAX, ("option", "feedback"): FEEDBACK_MAX,
}
REQUIRED_FIELDS = {("course", "title"), ("module", "title"), ("lesson", "title"), ("lesson", "body"),
                   ("question", "prompt"), ("option", "text")}


#: Letters and signs that print nothing: the Hangul fillers and the blank Braille pattern.
_BLANK_SIGNS = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def has_visible_text(value: str | None) -> bool:
    """True when ``value`` holds a letter, number, punctuation mark or symbol that prints, in any script. A text of
    spaces, zero-width and bidi characters (U+200B, U+200D, U+FEFF, U+200E, ...), control characters and combining
    marks alone looks empty, so it counts as empty: :func:`set_text` stores such a text empty, the authoring forms
    and the translation editor refuse it as a title, question or answer, and a course import treats it as missing."""
    return any(unicodedata.category(ch)[0] in "LNPS" and ch not in _BLANK_SIGNS for ch in value or "")


def needs_translation(value: str | None) -> bool:
    """True when ``value`` holds a letter. A text of digits, punctuation, symbols and spaces alone (an answer such as
    ``10``, ``5.2%`` or ``120/80``) reads the same in every language: while it has no translation, readers see it
    without a note that it is not translated, and the translation status counts it as done."""
    return any(unicodedata.category(ch)[0] == "L" and ch not in _BLANK_SIGNS for ch in value or "")


def text_hash(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()[:16]


def owner_key(obj: Any) -> tuple[str, int]:
    """``("lesson", 12)``: of a model, or of the plain data of :mod:`lms.catalog.outline_cache` (its ``owner_type``)."""
    kind = OWNER_TYPES.get(type(obj))
    return kind or obj.owner_type, obj.id


@dataclass(frozen=True)
class LocalText:
    value: str
    html: str | None
    locale: str
    is_fallback: bool
    #: Shown in the source language because its translation is out of date (see ``Texts.source_when_stale``).
    is_stale: bool = False


EMPTY = LocalText("", None, "", False)


@dataclass
class Texts:
    """The texts of one course in one reading locale, with fallback to the course's source locale."""

    locale: str
    source_locale: str
    rows: dict[tuple[str, int, str, str], Text] = field(default_factory=dict)
    used_fallback: bool = False
    #: Kinds of owner (``"question"``, ``"option"``) whose out-of-date translations are not shown: their source text
    #: is, as if the translation were missing (a quiz must not show an answer or feedback the source no longer says).
    source_when_stale: frozenset[str] = frozenset()
    #: A source text was shown in place of an out-of-date translation (``used_fallback`` is for missing ones).
    used_stale: bool = False

    def get(self, obj: Any, name: str) -> LocalText:
        kind, obj_id = owner_key(obj)
        return self.lookup(kind, obj_id, name)

    def lookup(self, kind: str, obj_id: int, name: str) -> LocalText:
        row = self.rows.get((kind, obj_id, name, self.locale))
        source = self.rows.get((kind, obj_id, name, self.source_locale))
        stale = False
        if row is not None and row.value.strip():
            stale = self._hides_stale(kind, row, source)
            if not stale:
                return LocalText(row.value, row.html, self.locale, False)
        if source is None or not source.value.strip():
            return EMPTY
        if not stale and not needs_translation(source.value):  # nothing to translate: not a fallback
            return LocalText(source.value, source.html, self.source_locale, False)
        if stale:
            self.used_stale = True
        elif self.locale != self.source_locale:
            self.used_fallback = True
        return LocalText(source.value, source.html, self.source_locale, self.locale != self.source_locale, stale)

    def _hides_stale(self, kind: str, row: Text, source: Text | None) -> bool:
        # Source feedback emptied since it was translated counts too: the quiz then shows none, not the old one.
        return (kind in self.source_when_stale and self.locale != self.source_locale
                and row.source_hash != text_hash(source.value if source is not None else ""))

    def __call__(self, obj: Any, name: str = "title") -> str:
        """Template shortcut: ``t(lesson)`` → its title; ``t(module, 'summary')``."""
        return self.get(obj, name).value


@prepared
def _texts_query(by_owner: bool, by_field: bool) -> Select:
    query = select(Text).where(Text.course_id == bindparam("course_id"),
                               Text.locale.in_(bindparam("locales", expanding=True)))
    if by_owner:
        query = query.where(tuple_(Text.owner_type, Text.owner_id).in_(bindparam("owners", expanding=True)))
    if by_field:
        query = query.where(Text.field.in_(bindparam("fields", expanding=True)))
    return query


def load_texts(course: Course, locale: str, owners: Iterable[tuple[str, int]] | None = None,
               fields: Iterable[str] | None = None, *, source_when_stale: Iterable[str] = ()) -> Texts:
    """All texts of ``course`` in ``locale`` and its source locale, in one query (or only ``owners``', or only the
    named ``fields``: a course outline needs titles, not every lesson body). Out-of-date translations of the kinds
    in ``source_when_stale`` read as their source text (:attr:`Texts.source_when_stale`)."""
    values = {"course_id": course.id, "locales": list({locale, course.source_locale}),
              "owners": list(owners or []), "fields": list(fields or [])}
    texts = Texts(locale=locale, source_locale=course.source_locale, source_when_stale=frozenset(source_when_stale))
    for row in db.session.execute(_texts_query(owners is not None, fields is not None), values).scalars():
        texts.rows[(row.owner_type, row.owner_id, row.field, row.locale)] = row
    return texts


def load_course_titles(courses: list[Course], locale: str) -> dict[int, Texts]:
    """Title and summary of many courses in one query, each with its own fallback."""
    if not courses:
        return {}
    locales = {locale} | {c.source_locale for c in courses}
    rows = db.session.execute(
        select(Text).where(Text.owner_type == "course", Text.owner_id.in_([c.id for c in courses]),
                           Text.locale.in_(locales))
    ).scalars()
    result = {c.id: Texts(locale=locale, source_locale=c.source_locale) for c in courses}
    for row in rows:
        result[row.owner_id].rows[(row.owner_type, row.owner_id, row.field, row.locale)] = row
    return result


def set_text(course: Course, obj: Any, name: str, locale: str, value: str, actor: Any = None,
             source_seen: str | None = None) -> Text:
    """Write one field in one locale. Source-language edits make existing translations stale automatically. A title
    is kept on one line, and any text with nothing visible in it (:func:`has_visible_text`: a title, a question, an
    answer, its feedback...) is stored empty, so such a translation counts as missing.

    A translation is marked up to date with the current source text, unless ``source_seen`` (the :func:`text_hash`
    of the source the translator worked from, as the editor form sent it back) is given and differs: the source
    changed meanwhile (or the hash is unknown or malformed), so the value is saved but the translation stays stale,
    still recording the source it was last made from, so the editor shows every change since."""
    kind, obj_id = owner_key(obj)
    if name not in FIELDS[kind]:
        raise ValueError(f"{kind} has no text field {name!r}")
    value = (value or "").replace("\r\n", "\n").strip()
    if (kind, name) in ONE_LINE_FIELDS:
        value = " ".join(value.split())
    if not has_visible_text(value):
        value = ""  # zero-width or bidi characters alone: a text that looks empty is empty (a translation: missing)
    row = db.session.execute(
        select(Text).where(Text.owner_type == kind, Text.owner_id == obj_id, Text.field == name, Text.locale == locale)
    ).scalar_one_or_none()
    if row is None:
        row = Text(course_id=course.id, owner_type=kind, owner_id=obj_id, field=name, locale=locale)
        db.session.add(row)
    if row.value != value or row.id is None:
        row.value = value
        row.html = render_markdown(value, locale) if (kind, name) in MARKDOWN_FIELDS else None
        row.updated_by_id = getattr(actor, "id", None)
    if locale != course.source_locale:
        source = db.session.execute(
            select(Text.value).where(Text.owner_type == kind, Text.owner_id == obj_id, Text.field == name,
                                     Text.locale == course.source_locale)
        ).scalar_one_or_none()
        current = text_hash(source or "")
        if source_seen is None or source_seen == current:
            row.source_hash, row.source_value = current, source or ""
        elif row.source_hash == current:
            # recorded as made from the current source (someone else saved it meanwhile), but these words were not
            row.source_hash, row.source_value = None, None
    return row


def load_translated_from(rows: Iterable[Text]) -> dict[int, str]:
    """The source text each translation in ``rows`` was made from, by row id, in one query. Rows saved before the
    text was kept are left out, and so is a kept text that does not match the row's source hash."""
    ids = [row.id for row in rows]
    if not ids:
        return {}
    found = db.session.execute(select(Text.id, Text.source_value, Text.source_hash).where(Text.id.in_(ids)))
    return {row_id: value for row_id, value, hashed in found if value is not None and text_hash(value) == hashed}


def rerender_markdown() -> tuple[int, int]:
    """Render every stored Markdown text again with today's renderer (after it changed, e.g. video links); returns
    how many texts were read and how many changed. Only the derived HTML changes: the text, its history and
    translation states stay as they are."""
    read = changed = 0
    fields = [and_(Text.owner_type == kind, Text.field == name) for kind, name in MARKDOWN_FIELDS]
    for row in db.session.execute(select(Text).where(or_(*fields)).order_by(Text.id)).scalars():
        read += 1
        html = render_markdown(row.value, row.locale)
        if html != row.html:
            row.html = html
            changed += 1
    return read, changed


def translation_state(texts: Texts, kind: str, obj_id: int, name: str) -> str:
    """``complete``, ``missing`` or ``stale`` for one field in ``texts.locale`` (source fields are complete when set;
    an untranslated text without letters is complete: see :func:`needs_translation`)."""
    source = texts.rows.get((kind, obj_id, name, texts.source_locale))
    if source is None or not source.value.strip():
        return "complete"  # nothing to translate
    if texts.locale == texts.source_locale:
        return "complete"
    row = texts.rows.get((kind, obj_id, name, texts.locale))
    if row is None or not row.value.strip():
        return "missing" if needs_translation(source.value) else "complete"
    return "stale" if row.source_hash != text_hash(source.value) else "complete"


def list_stale(texts: Texts, objects: Iterable[Any], name: str) -> set[int]:
    """The ids of ``objects`` whose ``name`` text (a module's summary) reads in ``texts.locale`` as a translation made
    before its source last changed: the reader is told so, as a lesson's reader is."""
    return {obj.id for obj in objects if translation_state(texts, owner_key(obj)[0], obj.id, name) == "stale"}


def load_titles(objects: Iterable[Any], courses: Iterable[Course], locale: str,
                fields: Iterable[str] = ("title",)) -> dict[int, Texts]:
    """Texts (titles by default) of catalog objects spread over many courses, and of the courses themselves, in one
    query: course id → :class:`Texts`, each with its own fallback to its course's source language.
    Use ``result[course.id](module)``. (Added for live-session lists, which show modules of many courses.)"""
    by_id = {course.id: course for course in courses}
    result = {cid: Texts(locale=locale, source_locale=course.source_locale) for cid, course in by_id.items()}
    owners = {owner_key(obj) for obj in objects} | {owner_key(course) for course in by_id.values()}
    if not by_id:
        return result
    locales = {locale} | {course.source_locale for course in by_id.values()}
    rows = db.session.execute(
        select(Text).where(Text.course_id.in_(list(by_id)), tuple_(Text.owner_type, Text.owner_id).in_(list(owners)),
                           Text.field.in_(list(fields)), Text.locale.in_(locales))
    ).scalars()
    for row in rows:
        result[row.course_id].rows[(row.owner_type, row.owner_id, row.field, row.locale)] = row
    return result


def write_source_texts(course: Course, obj: Any, actor: Any, **values: str) -> dict[str, str]:
    """Write ``obj``'s texts in the course's source language; the values as stored (cleaned), by field."""
    return {name: set_text(course, obj, name, course.source_locale, value, actor).value
            for name, value in values.items()}
