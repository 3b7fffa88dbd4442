"""What the audit log keeps of authoring: a course's, module's, lesson's, quiz's or question's settings and texts
before and after a save, and each field that changed, old and new (:func:`lms.audit.changed`:
``{"credited_minutes": 90, "was": {"credited_minutes": 60}}``), or the first values of one just added. Nothing
changed, nothing recorded. The authoring pages and a course import save through the same services, so both write
these rows (an import from the command line with no one as actor).

- Texts are those in the course's source language: the ones authors and course files write, and that translations
  follow (a changed source text makes its translations stale).
- A text longer than :data:`LONG_TEXT` characters (a lesson's body, mostly) is not copied into the log, twice, on
  every save: the row keeps its length and its hash, the :func:`lms.catalog.texts.text_hash` a translation records
  of the source text it was made from. That tells that it changed and which version was live; the text itself is
  in the catalog. A lesson's embedded videos are kept as their links, so a changed video reads as one. An edit of
  such a text keeps what changed instead: its line diff, with a few unchanged lines around each change and a long
  one cut short (:func:`with_diffs`), which a course's History shows. (Rows written before keep only the checksums.)
- A question's answers are kept as three lists: the answers in order, the correct ones, and the feedback of those
  that have some, so that a row says which answer became the right one, apart from wording changes.
- A translator's save in the translation editor writes one ``translation.updated`` row per object whose texts it
  changed (:func:`record_translation`): the language, each text old and new (kept as above), and the texts marked
  still right after their source changed. A course import's translations write none (their files are the record).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, tuple_

from lms import audit, db, text_diff
from lms.catalog.archive import KINDS, quiz_of
from lms.catalog.markdown import list_videos
from lms.catalog.models import Course, Lesson, Module, Option, Question, Quiz, Text
from lms.catalog.texts import owner_key, text_hash
from lms.i18n import _

#: Texts up to this many characters are recorded as they are; longer ones as their length and hash.
LONG_TEXT = 300
#: The longest name the log gives a course, module, lesson, quiz or question (a question is named by its prompt).
NAME_MAX = 80

Editable = Course | Module | Lesson | Quiz | Question


def snapshot(course: Course, obj: Editable) -> dict[str, Any]:
    """``obj``'s recorded fields as stored now, by name (nothing for an object not saved yet); a few queries."""
    if obj.id is None:
        return {}
    if isinstance(obj, Question):
        return _question(course, obj)
    texts = _texts(course, [obj])
    kind = owner_key(obj)[0]

    def text(name: str) -> Any:
        return recorded_text(texts.get((kind, obj.id, name), ""))

    if isinstance(obj, Course):
        return {"title": text("title"), "summary": text("summary"), "version": obj.version, "kind": obj.kind,
                "source_locale": obj.source_locale, "competency_areas": list(obj.competency_areas or ()),
                "specialties": list(obj.specialties or ()),
                "certificate_validity_months": obj.certificate_validity_months}
    if isinstance(obj, Module):
        return {"title": text("title"), "summary": text("summary"), "kind": obj.kind,
                "credited_minutes": obj.credited_minutes, "is_required": obj.is_required,
                "competency_areas": list(obj.competency_areas or ()), "specialties": list(obj.specialties or ())}
    if isinstance(obj, Lesson):
        body = texts.get(("lesson", obj.id, "body"), "")
        return {"title": text("title"), "body": recorded_text(body), "videos": list_videos(body),
                "estimated_minutes": obj.estimated_minutes}
    return {"title": text("title"), "pass_mark": obj.pass_mark, "max_attempts": obj.max_attempts}


def recorded_text(value: str) -> str | dict[str, Any]:
    """A text as a row keeps it: itself, or when longer than :data:`LONG_TEXT`, its length and hash."""
    return value if len(value) <= LONG_TEXT else {"length": len(value), "hash": text_hash(value)}


def changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """The data of an edit's row: each field that differs, new and old (empty when nothing changed)."""
    return audit.changed(before, {key: value for key, value in after.items() if before.get(key) != value})


def first_values(course: Course, obj: Editable) -> dict[str, Any]:
    """The data of an adding's row: the fields that are set (no empty text or list)."""
    return {key: value for key, value in snapshot(course, obj).items() if value not in (None, "", [])}


def record_created(course: Course, obj: Module | Lesson | Quiz | Question, actor: Any) -> None:
    """Record that ``obj`` was added, with its first values (a course records its own, :mod:`lms.catalog.services`)."""
    audit.record(f"{KINDS[type(obj)]}.created", obj, actor, **where(course, obj), **first_values(course, obj))


def record_changes(course: Course, obj: Module | Lesson | Quiz | Question, before: dict[str, Any],
                   actor: Any, texts_before: dict[str, str] | None = None) -> bool:
    """Record what changed in ``obj`` since ``before`` (its :func:`snapshot` then); False, with nothing recorded,
    when nothing did. ``texts_before`` (its :func:`markdown_texts` then) adds a line diff to each of them that
    changed and is kept by length and hash (:func:`with_diffs`)."""
    changed = changes(before, snapshot(course, obj))
    if not changed:
        return False
    if texts_before:
        with_diffs(changed, texts_before, markdown_texts(course, obj))
    audit.record(f"{KINDS[type(obj)]}.updated", obj, actor, **where(course, obj), **changed)
    return True


def markdown_texts(course: Course, obj: Editable) -> dict[str, str]:
    """``obj``'s Markdown texts in full (a lesson's body; other kinds have none), for :func:`record_changes`."""
    if not isinstance(obj, Lesson) or obj.id is None:
        return {}
    return {"body": _texts(course, [obj]).get(("lesson", obj.id, "body"), "")}


def with_diffs(data: dict[str, Any], before: dict[str, str], after: dict[str, str]) -> None:
    """Give each text of an edit's row ``data`` that changed and is kept by its length and hash the line diff from
    ``before`` to ``after``, under ``diff`` beside the new length and hash (or the old ones, when the new text is
    short and kept as it is): :func:`lms.text_diff.dump`, a long one cut short with the number of changed lines
    ``left_out``. Short texts need none: the row has them old and new."""
    was = data.get("was", {})
    for name, old in before.items():
        side = data if isinstance(data.get(name), dict) else was if isinstance(was.get(name), dict) else None
        if side is None or name not in data:
            continue
        lines, left_out = text_diff.limited(text_diff.fold(text_diff.line_diff(old, after.get(name, ""))))
        side[name] = {**side[name], "diff": text_diff.dump(lines), **({"left_out": left_out} if left_out else {})}


def record_translation(course: Course, obj: Any, locale: str, before: dict[str, str], after: dict[str, str],
                       confirmed: list[str], actor: Any) -> bool:
    """Record a translator's save of ``obj``'s texts in ``locale``: each text in ``after`` that differs from
    ``before`` (old and new), and the fields in ``confirmed`` (marked still right after their source changed). False,
    with nothing recorded, when neither."""
    new = {name: recorded_text(value) for name, value in after.items() if value != before.get(name, "")}
    if not new and not confirmed:
        return False
    data = audit.changed({name: recorded_text(before.get(name, "")) for name in new}, new)
    if confirmed:
        data["confirmed"] = list(confirmed)
    place = {"course_id": course.id, "question_id": obj.question_id} if isinstance(obj, Option) else (
        where(course, obj) if not isinstance(obj, Course) else {"course_id": course.id})
    audit.record("translation.updated", obj, actor, **place, locale=locale, **data)
    return True


def where(course: Course, obj: Module | Lesson | Quiz | Question) -> dict[str, Any]:
    """Where a row's object is, as the removal rows say it: its course, and its short name (a quiz: its module; a
    question: its module and quiz too)."""
    if isinstance(obj, Quiz):
        return {"course_id": course.id, "module_id": obj.module_id}
    return {"course_id": course.id, **quiz_of(obj), "slug": obj.slug}


def _question(course: Course, question: Question) -> dict[str, Any]:
    options = list(db.session.execute(
        select(Option).where(Option.question_id == question.id, Option.is_archived.is_(False))
        .order_by(Option.position, Option.id)).scalars())
    texts = _texts(course, [question, *options])
    answers = [(texts.get(("option", o.id, "text"), ""), texts.get(("option", o.id, "feedback"), ""), o.is_correct)
               for o in options]
    return {
        "prompt": recorded_text(texts.get(("question", question.id, "prompt"), "")), "kind": question.kind,
        "answers": [recorded_text(text) for text, _feedback, _correct in answers],
        "correct_answers": [recorded_text(text) for text, _feedback, correct in answers if correct],
        "feedback": [[recorded_text(text), recorded_text(feedback)] for text, feedback, _correct in answers if feedback],
    }


def _texts(course: Course, objects: list[Any]) -> dict[tuple[str, int, str], str]:
    """The source-language texts of ``objects`` (saved ones), by owner type, owner id and field, in one query."""
    keys = [owner_key(obj) for obj in objects]
    rows = db.session.execute(select(Text.owner_type, Text.owner_id, Text.field, Text.value).where(
        tuple_(Text.owner_type, Text.owner_id).in_(keys), Text.locale == course.source_locale))
    return {(kind, owner_id, name): value for kind, owner_id, name, value in rows}


#: The text that names each kind of object in the log (by its type's name, as audit rows store it).
_NAMED_BY = {"Course": ("course", "title"), "Module": ("module", "title"), "Lesson": ("lesson", "title"),
             "Quiz": ("quiz", "title"), "Question": ("question", "prompt"), "Option": ("option", "text")}


def source_names(ids: dict[str, set[int]]) -> dict[tuple[str, int], str]:
    """``(type name, id)`` → the title (a question: the prompt, an answer: its text, shortened) of catalog objects in
    their course's source language, for the audit log; ``ids`` by type name (``"Module"``), other types ignored. A
    quiz without a title is named after its module (“Quiz for “Warning signs””, in the reader's language). One query,
    two with quizzes."""
    types = {kind: type_name for type_name, (kind, _name) in _NAMED_BY.items()}
    keys = [(_NAMED_BY[type_name][0], key) for type_name in _NAMED_BY for key in sorted(ids.get(type_name, ()))]
    quizzes = _quiz_modules(ids.get("Quiz", set()))
    keys += [("module", module_id) for module_id, _slug in quizzes.values()]
    if not keys:
        return {}
    rows = db.session.execute(
        select(Text.owner_type, Text.owner_id, Text.field, Text.value).join(Course, Course.id == Text.course_id)
        .where(tuple_(Text.owner_type, Text.owner_id).in_(keys), Text.locale == Course.source_locale,
               Text.field.in_(sorted({name for _kind, name in _NAMED_BY.values()}))))
    names = {(types[kind], owner_id): _shortened(value) for kind, owner_id, name, value in rows
             if name == _NAMED_BY[types[kind]][1] and value.strip()}
    for quiz_id, (module_id, slug) in quizzes.items():
        if ("Quiz", quiz_id) not in names:
            # i18n: what a quiz without a title is called; %(module)s is its module's title
            names[("Quiz", quiz_id)] = _("Quiz for “%(module)s”", module=names.get(("Module", module_id)) or slug)
    return names


def _quiz_modules(quiz_ids: set[int]) -> dict[int, tuple[int, str]]:
    """Quiz id → its module's id and slug (a quiz without a title is named after its module)."""
    if not quiz_ids:
        return {}
    rows = db.session.execute(select(Quiz.id, Module.id, Module.slug).join(Module, Module.id == Quiz.module_id)
                              .where(Quiz.id.in_(sorted(quiz_ids))))
    return {quiz_id: (module_id, slug) for quiz_id, module_id, slug in rows}


def _shortened(value: str) -> str:
    value = " ".join(value.split())
    return value if len(value) <= NAME_MAX else value[:NAME_MAX - 1].rstrip() + "…"
