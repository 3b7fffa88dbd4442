"""Two tabs, one record: the course, module, lesson and question forms carry the version of the record they were
opened on (:mod:`lms.catalog.edit_versions`). A save of a record changed since writes nothing: the form comes back
(409) with the person's entries, the fields someone else changed and their saved values, and the new version, so
saving again replaces them knowingly. The shared mechanics are :mod:`lms.web.edit_conflicts`; here the saved values
are in the course's language, and a question's answers are shown as a list."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask_wtf import FlaskForm

from lms.catalog import edit_versions
from lms.i18n import _
from lms.web import edit_conflicts
from lms.web.edit_conflicts import FIELD, Changed

__all__ = ["FIELD", "Changed", "EditCheck"]


@dataclass
class EditCheck(edit_conflicts.EditCheck):
    """The version an authoring form carries, for ``obj`` of ``course``."""

    course: Any = None
    obj: Any = None

    @classmethod
    def open(cls, course: Any, obj: Any) -> EditCheck:
        return cls.carried(lambda: edit_versions.version_of(course, obj), lang=course.source_locale, course=course,
                           obj=obj)

    def refuses(self, saved_form: Callable[[], FlaskForm]) -> bool:
        """Whether the record changed since the form was opened; if so, the form now carries the new version and
        :attr:`changed` lists the fields, with their values from ``saved_form()`` (a form filled from the record)."""
        return self.check(edit_versions.stored_fields(self.course, self.obj), saved_form)

    def describe(self, f: Any) -> Changed:
        if f.type != "FieldList":
            return super().describe(f)
        rows = [row.form for row in f]
        return Changed(_("Answers"), answers=[(r.text.data, bool(r.is_correct.data), r.feedback.data or "")
                                              for r in rows if (r.text.data or "").strip()])
