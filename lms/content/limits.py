"""The longest values course files may give, read from the catalog itself (never copied): the lengths of its models'
columns, and the authoring limits of its texts (:data:`lms.catalog.texts.MAX_LENGTHS`, the same in every language).

A value over a column's length would stop the import with a database error on PostgreSQL (SQLite would store it
whole); a text over the authoring limit could be imported but never saved again in the authoring forms or the
translation editor. Both are refused when the files are checked, with the file, line, field and limit.
"""

from __future__ import annotations

from typing import Any

from lms.catalog.models import Course, Lesson, Module, Option, Question, Text
from lms.catalog.texts import MAX_LENGTHS


def _length(model: Any, column: str) -> int:
    return model.__table__.c[column].type.length


#: The longest slug (short name, or a question's or option's id) of each kind of object.
SLUG_MAX = {kind: _length(model, "slug") for kind, model in
            (("course", Course), ("module", Module), ("lesson", Lesson), ("question", Question), ("option", Option))}
VERSION_MAX = _length(Course, "version")
#: A language code is stored as a course's source language and beside every text.
LOCALE_MAX = min(_length(Course, "source_locale"), _length(Text, "locale"))


def text_max(owner: str, field: str) -> int:
    """The most characters of a text field (``("lesson", "title")``), in the source language and in translations."""
    return MAX_LENGTHS[(owner, field)]
