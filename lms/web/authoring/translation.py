"""The translation editor's rows: each text field's source beside its translation in a target locale, what changed
in a stale text's source, and checking and previewing what a translator typed (saving it is
:mod:`.translation_save`; the status table's counts are :mod:`.translation_status`). Works on already-loaded
:class:`Texts`, so it adds no queries (but one, for the source texts that stale translations were made from)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from lms.catalog.markdown import render_markdown
from lms.catalog.models import Module
from lms.catalog.module_titles import list_other_module_ids, same_title
from lms.catalog.source_changes import SourceChange, describe_change
from lms.catalog.texts import (
    FIELDS,
    MARKDOWN_FIELDS,
    MAX_LENGTHS,
    ONE_LINE_FIELDS,
    Texts,
    has_visible_text,
    load_translated_from,
    owner_key,
    text_hash,
    translation_state,
)
from lms.i18n import _, _l
from lms.web.authoring.forms import length_error
from lms.web.authoring.translation_status import source_value


@dataclass
class Row:
    """One text field in the editor: the source beside the translation."""

    obj: Any
    name: str
    label: str
    source: str
    target: str
    has_target: bool
    state: str
    is_markdown: bool
    source_hash: str = ""  # of the source shown; the form sends it back, so a save knows which version was seen
    target_hash: str = ""  # of the translation shown (``v-``): a save refuses a box changed meanwhile elsewhere
    change: SourceChange | None = None  # what changed in the source since the translation (stale rows only)

    @property
    def is_one_line(self) -> bool:
        return (owner_key(self.obj)[0], self.name) in ONE_LINE_FIELDS

    @property
    def max_length(self) -> int:
        return MAX_LENGTHS[owner_key(self.obj)[0], self.name]

    @property
    def key(self) -> str:
        kind, obj_id = owner_key(self.obj)
        return f"{kind}-{obj_id}-{self.name}"


@dataclass
class Section:
    heading: str
    title: str
    rows: list[Row]
    number: int = 0  # a question's place in its quiz, an answer's in its question (how messages name them)


def field_label(name: str) -> str:
    labels = {
        "title": _("Title"), "summary": _("Summary"), "body": _("Lesson text (Markdown)"), "prompt": _("Question"),
        "text": _("Answer"), "feedback": _("Feedback"),
    }
    return labels[name]


def describe_field(sec: Section, row: Row) -> str:
    """A field as a sentence names it, after "The English text of": "the lesson title", "question 2 (“What is…”)",
    "the feedback on answer 1"."""
    kind = owner_key(row.obj)[0]
    if kind == "question":
        # i18n: follows "The English text of"; a quiz question by its number, then the start of its text in quotes
        return _("question %(num)d (“%(text)s”)", num=sec.number, text=_quote(sec.title))
    if kind == "option" and row.name == "text":
        # i18n: follows "The English text of"; an answer of a question by its number, then its text in quotes
        return _("answer %(num)d (“%(text)s”)", num=sec.number, text=_quote(sec.title))
    if kind == "option":
        # i18n: follows "The English text of"; the feedback shown for an answer, by the answer's number
        return _("the feedback on answer %(num)d", num=sec.number)
    return str(_FIELD_NAMES[kind, row.name])


#: How :func:`describe_field` names the fields of courses, modules, lessons and quizzes.
_FIELD_NAMES = {
    # i18n: follows "The English text of" (a text that changed while the translator worked), like the names below
    ("course", "title"): _l("the course title"),
    ("course", "summary"): _l("the course summary"),
    ("module", "title"): _l("the module title"),
    ("module", "summary"): _l("the module summary"),
    ("lesson", "title"): _l("the lesson title"),
    # i18n: follows "The English text of"; the lesson's Markdown text, its body
    ("lesson", "body"): _l("the lesson content"),
    ("quiz", "title"): _l("the quiz title"),
}


def _quote(text: str, most: int = 40) -> str:
    """The start of ``text`` on one line, cut at a word with "…" when longer than ``most`` characters."""
    text = " ".join(text.split())
    if len(text) <= most:
        return text
    return (text[:most].rsplit(" ", 1)[0] or text[:most]) + "…"


def section(texts: Texts, heading: str, obj: Any, number: int = 0) -> Section:
    """The fields of ``obj`` that have source text (or an orphan translation) in ``texts.locale``; ``number`` is a
    question's or an answer's place, for messages that name it."""
    kind, obj_id = owner_key(obj)
    rows = []
    for name in FIELDS[kind]:
        source = source_value(texts, kind, obj_id, name)
        target_row = texts.rows.get((kind, obj_id, name, texts.locale))
        target = target_row.value if target_row is not None else ""
        if not source and not target:
            continue
        source_row = texts.rows.get((kind, obj_id, name, texts.source_locale))
        rows.append(Row(obj, name, field_label(name), source, target, target_row is not None,
                        translation_state(texts, kind, obj_id, name), (kind, name) in MARKDOWN_FIELDS,
                        text_hash(source_row.value if source_row is not None else ""), text_hash(target)))
    return Section(heading, source_value(texts, kind, obj_id, FIELDS[kind][0]), rows, number)


def describe_source_changes(texts: Texts, sections: list[Section]) -> None:
    """Set what changed in the source since it was translated on every stale row (one query for all of them)."""
    stale = [row for s in sections for row in s.rows if row.state == "stale"]
    targets = [texts.rows[(*owner_key(row.obj), row.name, texts.locale)] for row in stale]
    previous = load_translated_from(targets)
    for row, target in zip(stale, targets, strict=True):
        row.change = describe_change(previous.get(target.id), row.source, by_line=row.is_markdown)


def check(sections: list[Section], form: Mapping[str, str], language: str = "",
          texts: Texts | None = None) -> dict[str, str]:
    """Error messages by row key for submitted values that cannot be saved: a translation is held to its source
    field's length limit, with the message the source form gives, and any text (a title, a question, an answer...)
    may be empty (the source text is shown) but not of invisible characters alone, which look empty and are not
    (``language``: the source's name). With ``texts`` (the course's, in the target language), a module title is also
    checked against the other modules' titles."""
    errors = {}
    for row in (row for s in sections for row in s.rows):
        value = form.get("t-" + row.key) or ""
        message = length_error(value, owner_key(row.obj)[0], row.name)
        if not message and value.strip() and not has_visible_text(value):
            message = _invisible_message(row, language)
        if message:
            errors[row.key] = message
    if texts is not None:
        _check_module_titles(sections, form, texts, errors)
    return errors


def _check_module_titles(sections: list[Section], form: Mapping[str, str], texts: Texts,
                         errors: dict[str, str]) -> None:
    """A module title that another module of the course has in this language (its translation, or its source title
    shown in its place) could not be told apart from it, as in the source language
    (:func:`lms.catalog.module_authoring.check_title_free`): its box says so. One query, for a module's page."""
    for row in (r for s in sections for r in s.rows if r.name == "title" and isinstance(r.obj, Module)):
        value = (form.get("t-" + row.key) or "").strip()
        if not value or row.key in errors:
            continue
        for other in list_other_module_ids(row.obj):
            if same_title(title := texts.lookup("module", other, "title").value) == same_title(value):
                errors[row.key] = _("Another module has this title in this language: “%(title)s”. Give each module "
                                    "a different title.", title=title)
                break


def _invisible_message(row: Row, language: str) -> str:
    if row.is_one_line:
        # i18n: a title box holding only zero-width or bidi characters; language is the source's ("English")
        return _("Enter a title, or empty the box to show the %(language)s title. This one holds only invisible "
                 "characters.", language=language)
    # i18n: a translation box (a question, an answer, a summary...) holding only zero-width spaces, soft hyphens and
    # the like; language is the source's ("English")
    return _("Enter the translation, or empty the box to show the %(language)s text. This one holds only invisible "
             "characters.", language=language)


def preview(sections: list[Section], form: Mapping[str, str], locale: str) -> dict[str, str]:
    """The Markdown translations as typed in ``form``, rendered as trainees would see them, by row key (as safe HTML,
    through the lessons' own renderer and sanitiser; empty for an empty box). Nothing is saved."""
    return {row.key: render_markdown((form.get("t-" + row.key) or "").replace("\r\n", "\n").strip(), locale)
            for s in sections for row in s.rows if row.is_markdown}
