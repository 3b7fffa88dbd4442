"""Two tabs, one record: a form carries the version of the record it was opened on (:mod:`lms.edit_versions`). A save
of a record changed since writes nothing: the form comes back (409) with the person's entries, the fields someone else
changed and their saved values (a text box's with a line diff from the saved text to theirs, :mod:`lms.text_diff`),
and the new version, so saving again replaces them knowingly. The template side is
``lms/_edit_conflict.html``; the authoring forms add their course's language and quiz answers
(:mod:`lms.web.authoring.conflicts`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from babel.lists import format_list
from flask import request
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SelectFieldBase, TextAreaField

from lms import edit_versions, text_diff
from lms.i18n import _, current_locale, format_when, is_rtl
from lms.text_diff import Line

#: The hidden field that carries the version.
FIELD = "seen_version"


@dataclass
class Changed:
    """A field someone else changed: its label and its saved value (answers: (text, is_correct, feedback) rows); for
    a text box whose saved text differs from the person's, ``lines``: the line diff from the saved text to theirs
    (``left_out`` changed lines not shown, :func:`lms.text_diff.limited`)."""

    label: str
    value: str = ""
    answers: list[tuple[str, bool, str]] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    left_out: int = 0


@dataclass
class EditCheck:
    """The version a form carries: the record's as stored when the page is opened, the one sent back on a save.
    ``lang``: the language of the saved values shown (a course's source language), if not the page's."""

    seen: str
    lang: str | None = None
    changed: list[Changed] = field(default_factory=list)

    @classmethod
    def carried(cls, version: Callable[[], str], **kwargs: Any) -> Any:
        """The version sent back with a save; ``version()`` (the record's now) when the page is opened."""
        return cls(request.form.get(FIELD, "") if request.method == "POST" else version(), **kwargs)

    @classmethod
    def current(cls, version: str, **kwargs: Any) -> Any:
        """A form shown filled from the record as stored now (e.g. beside another form's refusal)."""
        return cls(version, **kwargs)

    def check(self, values: Mapping[str, Any], saved_form: Callable[[], FlaskForm]) -> bool:
        """Whether the record (its editable ``values`` as stored now) changed since the form was opened; if so, see
        :meth:`refused`. ``saved_form()`` is a form filled from the record, named as the form names its fields."""
        names = edit_versions.changed_since(values, self.seen)
        if names:
            self.refused(names, edit_versions.version_of(values), saved_form())
        return bool(names)

    def refused(self, names: Iterable[str], version: str, saved: FlaskForm) -> None:
        """A save was refused because the fields ``names`` of ``saved`` (a form filled from the record) changed since:
        the form now carries ``version`` and :attr:`changed` lists those fields with their saved values."""
        self.seen = version
        self.changed = [self.describe(saved[name]) for name in names if name in saved]

    def describe(self, f: Any) -> Changed:
        changed = Changed(str(f.label.text), shown(f))
        if isinstance(f, TextAreaField):
            changed.lines, changed.left_out = _diff(changed.value, request.form.get(f.name, ""))
        return changed

    @property
    def message(self) -> str:
        # i18n: fields is a list of form labels, e.g. "Title and Lesson text (Markdown)"
        return _("Not saved: this was changed and saved after you opened it (in another tab, or by someone else). "
                 "Changed since: %(fields)s. Your entries are still in the form below; the saved values are shown "
                 "for comparison. To keep yours, check them and save again. To keep the saved ones, leave this page.",
                 fields=format_list([c.label for c in self.changed], locale=current_locale()))

    @property
    def ui(self) -> str:
        """The page's language, as HTML writes it (the words of a diff's marks)."""
        return str(current_locale()).replace("_", "-")

    @property
    def dir(self) -> str:
        """The writing direction of the saved values shown."""
        return "rtl" if self.lang and is_rtl(self.lang) else "ltr"

    def status(self, otherwise: int) -> int:
        """409 when the save was refused for a change made since, else ``otherwise``."""
        return 409 if self.changed else otherwise


def shown(f: Any) -> str:
    """A field's value as the person reads it: labels for choices, Yes/No for ticks, dates in their locale, numbers
    as the form writes them (a pay rate with its cents)."""
    if isinstance(f, BooleanField):
        return _("Yes") if f.data else _("No")
    if isinstance(f, SelectFieldBase):
        labels = {str(choice[0]): str(choice[1]) for choice in f.choices}
        chosen = f.data if isinstance(f.data, list) else [f.data] if f.data not in (None, "") else []
        return ", ".join(labels.get(str(value), str(value)) for value in chosen)
    if isinstance(f, DateField):
        return format_when(f.data, "long") if f.data else ""
    return "" if f.data is None else str(f._value())


def _diff(saved: str, sent: str) -> tuple[list[Line], int]:
    """The line diff from the saved text to the one the person sent (none when they are the same), cut short when
    long. Browsers send a text box's line breaks as CR LF."""
    saved, sent = saved.replace("\r\n", "\n"), sent.replace("\r\n", "\n")
    if saved == sent:
        return [], 0
    return text_diff.limited(text_diff.fold(text_diff.line_diff(saved, sent)))
