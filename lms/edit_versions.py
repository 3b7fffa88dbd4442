"""Which version of a record a form was opened on, so that saving it cannot silently undo someone else's save made in
between (a second tab, a colleague, the Back button and an old form sent again).

A version is a short hash of each editable field as stored, written ``name:hash`` and joined by commas; the form
carries it in a hidden field (``lms.web.edit_conflicts``). On a save, :func:`changed_since` names the fields stored
differently now. Any such change is a conflict, even in a field the person did not touch: the form is shown again
with their entries and the saved values, and now carries the new version, so saving again replaces the saved values
knowingly. Each kind of record says which fields it versions: courses, modules, lessons and questions in
:mod:`lms.catalog.edit_versions`, an organisation's settings in :mod:`lms.orgs.settings` and a staff member's
employment details in :mod:`lms.orgs.services`.

Nothing is stored: a version is worked out from the record each time (no migration, no column to keep up to date).
"""

from __future__ import annotations

import enum
import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any

from lms.errors import ConflictError
from lms.i18n import _


class ChangedSinceError(ConflictError):
    """A save refused because these fields (``fields``, as the service names them) were saved by someone else after
    the form was opened; nothing was written."""

    code = "changed_since"

    def __init__(self, fields: Sequence[str]) -> None:
        super().__init__(_("Not saved: this was changed and saved after you opened it."), fields=list(fields))
        self.fields = list(fields)


def version_of(values: Mapping[str, Any]) -> str:
    """The version of a record whose editable fields are ``values`` (name → value as stored), for a form to carry:
    ``"title:1a2b…,body:3c4d…"``."""
    return ",".join(f"{name}:{_hash(value)}" for name, value in values.items())


def changed_since(values: Mapping[str, Any], seen: str) -> list[str]:
    """The names of ``values`` stored differently from version ``seen`` (what a form was opened on), in their order;
    empty when nothing changed. An empty ``seen`` (a client that sends no version) is not checked; an unreadable one
    counts every field as changed."""
    if not seen:
        return []
    known = dict(part.partition(":")[::2] for part in seen.split(","))
    return [name for name, value in values.items() if known.get(name) != _hash(value)]


def check_unchanged(values: Mapping[str, Any], seen: str) -> None:
    """Raise :class:`ChangedSinceError` naming the fields of ``values`` changed since version ``seen``."""
    names = changed_since(values, seen)
    if names:
        raise ChangedSinceError(names)


def _hash(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, default=_plain)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, enum.Enum) else str(value)
