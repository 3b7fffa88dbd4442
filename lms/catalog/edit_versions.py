"""Which version of a course, module, lesson or question an authoring form was opened on, so that saving it cannot
silently undo someone else's save made in between (a second tab, a colleague, the Back button and an old form sent
again).

A version is a short hash of each editable field as stored (the fields :func:`lms.catalog.edits.snapshot` records,
named as the authoring forms name them), written ``name:hash`` and joined by commas; the form carries it in a hidden
field. On a save, :func:`changed_since` names the fields stored differently now. Any such change is a conflict, even
in a field the person did not touch: the form is shown again with their entries and the saved values, and now
carries the new version, so saving again replaces the saved values knowingly. The translation editor does the same
per field with the source hash of each text (:func:`lms.catalog.texts.text_hash`).

Nothing is stored: a version is worked out from the record each time (no migration, no column to keep up to date).
How versions are written and compared is shared with other records' forms (:mod:`lms.edit_versions`).
"""

from __future__ import annotations

from typing import Any

from lms import edit_versions
from lms.catalog.edits import snapshot
from lms.catalog.models import Course, Lesson, Module, Question

Versioned = Course | Module | Lesson | Question

#: The editable fields of each kind, by the authoring form's field names, in form order (a course's short name and
#: source language, and every short name, are fixed once made).
FIELDS: dict[type, tuple[str, ...]] = {
    Course: ("title", "summary", "version", "kind", "competency_areas", "specialties", "certificate_validity_months",
             "issuer_org"),
    Module: ("title", "summary", "kind", "credited_minutes", "is_required", "competency_areas", "specialties"),
    Lesson: ("title", "body", "estimated_minutes"),
    Question: ("kind", "prompt", "options"),
}


def stored_fields(course: Course, obj: Versioned) -> dict[str, Any]:
    """``obj``'s editable fields as stored now (:data:`FIELDS`), as the audit log records them (a few queries)."""
    values = snapshot(course, obj)
    if isinstance(obj, Course):
        values["issuer_org"] = obj.issuer_org_id
    elif isinstance(obj, Question):
        values["options"] = [values.get(name) for name in ("answers", "correct_answers", "feedback")]
    return {name: values.get(name) for name in FIELDS[type(obj)]}


def version_of(course: Course, obj: Versioned) -> str:
    """The version of ``obj`` as stored now, for a form to carry: ``"title:1a2b…,body:3c4d…"``."""
    return edit_versions.version_of(stored_fields(course, obj))


def changed_since(course: Course, obj: Versioned, seen: str) -> list[str]:
    """The fields of ``obj`` stored differently from version ``seen`` (what its form was opened on), in form order;
    empty when nothing changed. An empty ``seen`` (a client that sends no version) is not checked; an unreadable one
    counts every field as changed."""
    return edit_versions.changed_since(stored_fields(course, obj), seen) if seen else []
