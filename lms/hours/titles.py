"""The title an hours entry is shown with: the ledger keeps the title an entry was recorded with (for automatic
entries, the module's title in the course's source language), and people read it in their own language.

- ``live`` and ``self_paced`` entries are titled by their module: they show the module's title in the reader's
  language, falling back to the course's source language like the course pages do.
- An ``adjustment`` that copied its module entry's title (a correction of a live or self-paced entry, made by a
  manager or by an attendance correction) shows the module's title too. It is recognised by its stored title being
  the module's source-language title; a correction of a field log keeps the typed text it copied.
- Everything else keeps its stored title: external training and field logs (typed by the person), adjustments that
  correct nothing (the reason typed by the manager), and entries whose module is gone or has no title.

The ledger row never changes (it is append-only); the payroll CSV and the API keep the stored title.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from lms import db
from lms.catalog.models import Course, Module
from lms.catalog.texts import Texts, load_titles
from lms.hours.models import EntrySource, HoursEntry

#: Sources whose stored title is always their module's title (see :mod:`lms.hours.listeners`).
MODULE_TITLED = {EntrySource.LIVE, EntrySource.SELF_PACED}
#: Sources whose stored title may be their module's title (adjustments copy the title of the entry they correct).
MAY_BE_MODULE_TITLED = MODULE_TITLED | {EntrySource.ADJUSTMENT}


def display_titles(entries: Iterable[HoursEntry | None], locale: str) -> dict[int, str]:
    """Entry id → the title to show a reader of ``locale``, for every entry given (``None`` items are skipped).
    At most two queries whatever the number of entries (the modules with their courses, then all their titles),
    none when no entry has a module."""
    entries = [entry for entry in entries if entry is not None]
    titles = {entry.id: entry.title for entry in entries}
    candidates = [e for e in entries if e.module_id is not None and e.source in MAY_BE_MODULE_TITLED]
    if not candidates:
        return titles
    rows = db.session.execute(
        select(Module, Course).join(Course, Course.id == Module.course_id)
        .where(Module.id.in_(sorted({entry.module_id for entry in candidates})))
    ).all()
    modules = {module.id: (module, course) for module, course in rows}
    texts = load_titles([module for module, _course in rows], [course for _module, course in rows], locale)
    for entry in candidates:
        if entry.module_id in modules:
            module, course = modules[entry.module_id]
            titles[entry.id] = _module_title(entry, module, texts[course.id])
    return titles


def _module_title(entry: HoursEntry, module: Module, texts: Texts) -> str:
    local = texts.lookup("module", module.id, "title").value
    if not local:
        return entry.title
    if entry.source not in MODULE_TITLED:
        source = texts.rows.get(("module", module.id, "title", texts.source_locale))
        if source is None or source.value[:300] != entry.title:
            return entry.title
    return local
