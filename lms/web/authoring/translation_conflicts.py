"""Two tabs, one translation: the editor's form carries, per box, the hash of the translation it showed
(:func:`lms.web.authoring.translation_save.save`). A save that would change a box whose translation was saved since
writes nothing; the page comes back (409) with what the translator typed, a message naming those boxes, and each
one's saved translation beside it (a line diff from it to theirs, :mod:`lms.text_diff`), as the other authoring
forms do (:mod:`lms.web.edit_conflicts`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from babel.lists import format_list

from lms import text_diff
from lms.i18n import current_locale, is_rtl, language_name, ngettext
from lms.text_diff import Line
from lms.web.authoring.translation import Row, Section, describe_field
from lms.web.authoring.translation_save import submitted


@dataclass
class Saved:
    """A box's translation as saved meanwhile, and the line diff from it to what the translator typed."""

    value: str
    lines: list[Line] = field(default_factory=list)
    left_out: int = 0


@dataclass
class Refused:
    """A save refused because ``rows`` (by key) were saved since the page was opened; ``message`` says which."""

    message: str
    rows: dict[str, Saved]
    lang: str
    ui: str

    @classmethod
    def of(cls, conflicts: list[tuple[Section, Row]], form: Mapping[str, str], locale: str) -> Refused:
        rows = {row.key: _saved(row, submitted(form, row) or "") for _sec, row in conflicts}
        return cls(_message(conflicts, locale), rows, locale, str(current_locale()).replace("_", "-"))

    @property
    def dir(self) -> str:
        return "rtl" if is_rtl(self.lang) else "ltr"


def _saved(row: Row, sent: str) -> Saved:
    if row.target == sent:
        return Saved(row.target)
    lines, left_out = text_diff.limited(text_diff.fold(text_diff.line_diff(row.target, sent)))
    return Saved(row.target, lines, left_out)


def _message(conflicts: list[tuple[Section, Row]], locale: str) -> str:
    fields = format_list([describe_field(sec, row) for sec, row in conflicts], locale=current_locale())
    # i18n: language is the translation's ("Spanish"); fields lists boxes as "the lesson title and question 2
    # (“What is…”)"
    return ngettext("Not saved: the %(language)s translation of %(fields)s was changed and saved after you opened "
                    "this page (in another tab, or by someone else). Your entries are still in the form below, with "
                    "the saved translation beside the box for comparison; boxes you did not change now show the "
                    "latest saved translations. To keep yours, check them and save again. To keep the saved one, "
                    "leave this page.",
                    "Not saved: the %(language)s translations of %(fields)s were changed and saved after you opened "
                    "this page (in another tab, or by someone else). Your entries are still in the form below, with "
                    "each saved translation beside its box for comparison; boxes you did not change now show the "
                    "latest saved translations. To keep yours, check them and save again. To keep the saved ones, "
                    "leave this page.",
                    len(conflicts), language=language_name(locale), fields=fields)

