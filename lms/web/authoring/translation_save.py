"""Saving the translation editor's form: writing the boxes a translator changed (or confirmed as still right), as
the source version the page showed, refusing all of it when a changed box was saved meanwhile elsewhere, and the
form to show again after such a refusal (the rows are :mod:`.translation`; the refusal's page is
:mod:`.translation_conflicts`)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from lms.catalog import edits
from lms.catalog.models import Course
from lms.catalog.texts import owner_key, set_text, text_hash
from lms.web.authoring.translation import Row, Section

_HASH = re.compile(r"[0-9a-f]{16}")  # what lms.catalog.texts.text_hash gives


@dataclass
class Saved:
    """What :func:`save` did: how many fields it wrote, the rows whose source changed after the editor showed it, and
    those whose form did not say which source it showed (an old page, an altered form). The words of both are saved,
    but they stay stale."""

    count: int = 0
    behind: list[tuple[Section, Row]] = field(default_factory=list)
    unknown: list[tuple[Section, Row]] = field(default_factory=list)
    #: the rows the translator changed (or confirmed) whose translation was saved since the page was opened (in
    #: another tab, or by someone else): when there are any, nothing is saved
    conflicts: list[tuple[Section, Row]] = field(default_factory=list)


def save(course: Course, locale: str, sections: list[Section], form: Mapping[str, str], actor: Any) -> Saved:
    """Write the changed fields, and the stale ones the translator confirmed as still right. A box is changed when
    its text differs from the translation the page showed (its ``v-`` hash): one left as shown is skipped, whatever
    is stored now. All or nothing: if a box was changed (or confirmed) and its translation was also saved since the
    page was opened, nothing is written and :attr:`Saved.conflicts` names those boxes. A form without that hash (an
    old page, another client) compares with the stored translation, as before. Each is marked up to date only with
    the source version the form showed (its ``h-`` hash); a missing or altered hash counts as an unknown version. A
    confirmation of a source the translator did not see writes nothing. Each object whose texts were written gets an
    audit row (:func:`lms.catalog.edits.record_translation`)."""
    saved = Saved(conflicts=conflicts(sections, form))
    if saved.conflicts:
        return saved
    written: dict[tuple[str, int], _Written] = {}
    for sec, row in ((s, row) for s in sections for row in s.rows):
        value = submitted(form, row)
        if value is None:
            continue
        confirmed = row.state == "stale" and bool(form.get("ok-" + row.key))
        untouched = value == row.target or not is_changed(form, row, value)
        if (untouched and not confirmed) or (not value and not row.has_target):
            continue
        seen = form.get("h-" + row.key) or ""
        if seen != row.source_hash:
            (saved.behind if _HASH.fullmatch(seen) else saved.unknown).append((sec, row))
            if value == row.target:
                continue  # only a confirmation, and not of this source
        stored = set_text(course, row.obj, row.name, locale, value, actor, source_seen=seen).value
        written.setdefault(owner_key(row.obj), _Written(row.obj)).add(row, stored, confirmed and value == row.target)
        saved.count += 1
    for item in written.values():
        edits.record_translation(course, item.obj, locale, item.before, item.after, item.confirmed, actor)
    return saved


def submitted(form: Mapping[str, str], row: Row) -> str | None:
    """The text sent for ``row``, as it would be stored (browsers send line breaks as CR LF); None if not sent."""
    value = form.get("t-" + row.key)
    return None if value is None else value.replace("\r\n", "\n").strip()


def shown_hash(form: Mapping[str, str], row: Row) -> str | None:
    """The hash of the translation the page showed in ``row``'s box; None when the form does not say (or says it
    in a shape the editor never writes)."""
    seen = form.get("v-" + row.key) or ""
    return seen if _HASH.fullmatch(seen) else None


def is_changed(form: Mapping[str, str], row: Row, value: str) -> bool:
    """Whether the translator changed ``row``'s box: its text differs from the one shown (from the stored one, when
    the form does not say what it showed)."""
    seen = shown_hash(form, row)
    return text_hash(value) != seen if seen is not None else value != row.target


def conflicts(sections: list[Section], form: Mapping[str, str]) -> list[tuple[Section, Row]]:
    """The rows changed (or confirmed as still right) in ``form`` whose stored translation is no longer the one the
    page showed; a box changed to exactly what is stored now is no conflict."""
    found = []
    for sec, row in ((s, row) for s in sections for row in s.rows):
        value, seen = submitted(form, row), shown_hash(form, row)
        if value is None or seen is None or seen == row.target_hash or value == row.target:
            continue
        if text_hash(value) != seen or (row.state == "stale" and form.get("ok-" + row.key)):
            found.append((sec, row))
    return found


def kept_form(sections: list[Section], form: Mapping[str, str], refused: list[tuple[Section, Row]]) -> dict[str, str]:
    """The form to show again after a save was refused for ``refused`` rows: what the translator typed in the boxes
    they changed, the stored translation in the others (a box left as shown must not bring back an old text), and
    the stored translations' hashes, so saving again replaces those saved meanwhile knowingly."""
    kept = dict(form.items())
    refused_keys = {row.key for _sec, row in refused}
    for row in (row for s in sections for row in s.rows):
        value = submitted(form, row)
        if value is not None and row.key not in refused_keys and not is_changed(form, row, value):
            kept["t-" + row.key] = row.target
        kept["v-" + row.key] = row.target_hash
    return kept


@dataclass
class _Written:
    """What a save wrote of one object's texts: each field's text before and after, and those only confirmed."""

    obj: Any
    before: dict[str, str] = field(default_factory=dict)
    after: dict[str, str] = field(default_factory=dict)
    confirmed: list[str] = field(default_factory=list)

    def add(self, row: Row, stored: str, confirmed: bool) -> None:
        self.before[row.name], self.after[row.name] = row.target, stored
        if confirmed and stored == row.target:
            self.confirmed.append(row.name)
