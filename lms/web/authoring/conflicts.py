"""Two tabs, one record: the course, module, lesson and question forms carry the version of the record they were
opened on (:mod:`lms.catalog.edit_versions`). A save of a record changed since writes nothing: the form comes back
(409) with the person's entries, the fields someone else changed and their saved values, and the new version, so
saving again replaces them knowingly. The template side is ``lms/authoring/_edit_conflict.html``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from babel.lists import format_list
from flask import request
from flask_wtf import FlaskForm

from lms.catalog import edit_versions
from lms.i18n import _, current_locale

#: The hidden field that carries the version.
FIELD = "seen_version"


@dataclass
class Changed:
    """A field someone else changed: its label and its saved value (answers: (text, is_correct, feedback) rows)."""

    label: str
    value: str = ""
    answers: list[tuple[str, bool, str]] = field(default_factory=list)


@dataclass
class EditCheck:
    """The version a form carries: the record's as stored when the page is opened, the one sent back on a save."""

    course: Any
    obj: Any
    seen: str
    changed: list[Changed] = field(default_factory=list)

    @classmethod
    def open(cls, course: Any, obj: Any) -> EditCheck:
        seen = request.form.get(FIELD, "") if request.method == "POST" else edit_versions.version_of(course, obj)
        return cls(course, obj, seen)

    def refuses(self, saved_form: Callable[[], FlaskForm]) -> bool:
        """Whether the record changed since the form was opened; if so, the form now carries the new version and
        :attr:`changed` lists the fields, with their values from ``saved_form()`` (a form filled from the record)."""
        names = edit_versions.changed_since(self.course, self.obj, self.seen)
        if not names:
            return False
        self.seen = edit_versions.version_of(self.course, self.obj)
        saved = saved_form()
        self.changed = [_changed(saved[name]) for name in names if name in saved]
        return True

    @property
    def message(self) -> str:
        # i18n: fields is a list of form labels, e.g. "Title and Lesson text (Markdown)"
        return _("Not saved: this was changed and saved after you opened it (in another tab, or by someone else). "
                 "Changed since: %(fields)s. Your entries are still in the form below; the saved values are shown "
                 "for comparison. To keep yours, check them and save again. To keep the saved ones, leave this page.",
                 fields=format_list([c.label for c in self.changed], locale=current_locale()))

    def status(self, otherwise: int) -> int:
        """409 when the save was refused for a change made since, else ``otherwise``."""
        return 409 if self.changed else otherwise


def _changed(f: Any) -> Changed:
    label = str(f.label.text) if f.type != "FieldList" else _("Answers")
    if f.type == "FieldList":
        rows = [row.form for row in f]
        return Changed(label, answers=[(r.text.data, bool(r.is_correct.data), r.feedback.data or "")
                                       for r in rows if (r.text.data or "").strip()])
    return Changed(label, _shown(f))


def _shown(f: Any) -> str:
    """A field's value as the person reads it: labels for choices, Yes/No for ticks."""
    if f.type == "BooleanField":
        return _("Yes") if f.data else _("No")
    if f.type in ("SelectField", "SelectMultipleField"):
        labels = {str(value): str(label) for value, label in f.choices}
        chosen = f.data if isinstance(f.data, list) else [f.data] if f.data not in (None, "") else []
        return ", ".join(labels.get(str(value), str(value)) for value in chosen)
    return "" if f.data is None else str(f.data)
