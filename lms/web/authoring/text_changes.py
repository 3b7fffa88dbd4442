"""What a lesson edit changed in its text, for a course's History: the body's changed lines (:mod:`lms.text_diff`),
from what the audit row keeps (:mod:`lms.catalog.edits`). A short body is kept old and new, so its diff is worked out
here; a long one is kept by its length and checksum and, in rows written since line diffs were kept, with the diff of
that edit (beside the new checksum, or the old one when the new text is short). A row with neither (a long body
edited before) has no diff: it shows its checksums as before, and nothing is made up. A title stays "old → new"
with the row's other changes: short, and seen without opening anything."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from babel.lists import format_list

from lms import text_diff
from lms.audit import AuditEvent
from lms.i18n import current_locale
from lms.text_diff import Line
from lms.web.audit_display import FIELDS

#: The rows whose Markdown texts are shown as line diffs, and those texts in the order shown.
DIFFED = {"lesson.updated": ("body",)}


@dataclass(frozen=True)
class TextChange:
    """One text of a row, changed: its line diff (``left_out`` changed lines not kept); ``label`` is the field's name
    in the log."""

    key: str
    label: str
    lines: tuple[Line, ...]
    left_out: int = 0


def text_changes(event: AuditEvent) -> list[TextChange]:
    """The texts of ``event`` shown as diffs (none for other actions, or when the row keeps too little)."""
    data = event.data if isinstance(event.data, dict) else {}
    was = data.get("was") if isinstance(data.get("was"), dict) else {}
    changes = [_change(event.action, key, was.get(key), data[key])
               for key in DIFFED.get(event.action, ()) if key in data and key in was]
    return [change for change in changes if change is not None]


def fields_of(changes: list[TextChange]) -> str:
    """The changed texts' names as a list in the reader's language ("Lesson text (Markdown)")."""
    return format_list([change.label for change in changes], locale=current_locale()) if changes else ""


def _change(action: str, key: str, old: Any, new: Any) -> TextChange | None:
    label = str(FIELDS[action][key][0])
    kept = next((side for side in (new, old) if isinstance(side, dict) and isinstance(side.get("diff"), list)), None)
    if kept is not None:
        left_out = kept.get("left_out")
        return TextChange(key, label, tuple(text_diff.load(kept["diff"])),
                          left_out=left_out if isinstance(left_out, int) else 0)
    if not (isinstance(old, str) and isinstance(new, str)):
        return None
    lines, left_out = text_diff.limited(text_diff.fold(text_diff.line_diff(old, new)))
    return TextChange(key, label, tuple(lines), left_out=left_out)
