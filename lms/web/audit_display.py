"""How the admin audit log reads: every action's title, and each data field's label and value formatter (the names of
the records rows are about: :mod:`lms.web.audit_names`). Used by the log page in :mod:`lms.web.admin_audit` and a
course's history; ``tests/test_audit_titles.py`` checks that every recorded action and field is covered.

Each area keeps its own words in its own module, merged here: accounts and organisations
(:mod:`lms.web.audit_display_accounts`), certificates (:mod:`lms.web.audit_display_certificates`), course content and
enrolment (:mod:`lms.web.audit_display_course`), the hours ledger and payroll (:mod:`lms.web.audit_display_hours`)
and live sessions (:mod:`lms.web.audit_display_live`); the value formatters they share are in
:mod:`lms.web.audit_format`."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

from lms.audit import AuditEvent
from lms.web import (
    audit_display_accounts,
    audit_display_certificates,
    audit_display_course,
    audit_display_hours,
    audit_display_live,
)

#: The log's words for every action recorded in ``lms/`` (``tests/test_audit_titles.py`` checks that none is missing);
#: the hours actions keep the words of an entry's history (``EVENT_TITLES``). An unknown action is shown by its code.
ACTION_TITLES = {
    **audit_display_accounts.TITLES,
    **audit_display_certificates.TITLES,
    **audit_display_course.TITLES,
    **audit_display_hours.TITLES,
    **audit_display_live.TITLES,
}

#: What the log calls an object it has no name for, before its id ("Live session #2").
OBJECT_TYPES = {
    **audit_display_accounts.OBJECT_TYPES,
    **audit_display_certificates.OBJECT_TYPES,
    **audit_display_course.OBJECT_TYPES,
    **audit_display_hours.OBJECT_TYPES,
    **audit_display_live.OBJECT_TYPES,
}

#: Fields that refer to another record: the type of what their id names (its name on the page if the log loads it).
REFERENCES = {
    "user_id": "User", "issuer_org_id": "Organisation", "corrects_id": "HoursEntry", "because_rejected": "HoursEntry",
    "session_id": "LiveSession", "course_id": "Course", "module_id": "Module", "quiz_id": "Quiz",
    "question_id": "Question", "api_token": "ApiToken",
    "evidence_id": "EvidenceFile", "by": "Invitation", "replaces": "Invitation", "replaced_by": "HoursEntry",
}
#: The data keys any action may hold: label and value formatter. A key not here nor in the action's ``FIELDS`` is
#: shown as stored.
COMMON_FIELDS: dict[str, tuple[Any, Callable[[Any], str]]] = {
    **audit_display_accounts.COMMON_FIELDS,
    **audit_display_certificates.COMMON_FIELDS,
    **audit_display_course.COMMON_FIELDS,
    **audit_display_hours.COMMON_FIELDS,
    **audit_display_live.COMMON_FIELDS,
}
#: How an action's stored data is read before it is shown (a stored-file id shown as the entry it came from).
READ_DATA = {**audit_display_hours.READ_DATA}
#: Rows that hold a value before and after under two keys: the old key's value is shown as the new key's old one.
OLD_KEYS = {"previous_paid_period_start": "paid_period_start", "old_minutes": "new_minutes", "old_status": "new_status",
            "was_starts_at": "starts_at", "was_ends_at": "ends_at"}
#: How the fields of an action's data read, before ``COMMON_FIELDS``; the first one labels a row's ``old``/``new``.
FIELDS = {
    **audit_display_accounts.FIELDS,
    **audit_display_certificates.FIELDS,
    **audit_display_course.FIELDS,
    **audit_display_hours.FIELDS,
    **audit_display_live.FIELDS,
}


@dataclass(frozen=True)
class Change:
    """One line of a row's details: ``label: old → new``, or ``label: new`` (``old`` is None) when the row holds the
    new value only; ``label`` is empty for a row's own ``old``/``new``, of a field the log has no word for."""

    label: str
    new: str
    old: str | None = None


def action_title(action: str) -> str:
    title = str(ACTION_TITLES.get(action, action))
    return title[:1].upper() + title[1:]


def object_label(object_type: str, object_id: int | None) -> str:
    """What the log calls a record it has no name for: its kind in words and its id ("Live session #2")."""
    kind = str(OBJECT_TYPES.get(object_type, object_type))
    return f"{kind} #{object_id}" if object_id is not None else kind


def what(event: AuditEvent, names: dict[tuple[str, int | None], str]) -> str:
    """What the row is about: its own name for it when it has one (a live session as it was then, under
    ``("AuditEvent", id)``: :func:`lms.web.audit_names.names_of`), else the record's name."""
    return (names.get(("AuditEvent", event.id)) or names.get((event.object_type, event.object_id))
            or object_label(event.object_type, event.object_id))


def changes(event: AuditEvent, names: dict[tuple[str, int | None], str] | None = None,
            omit: Collection[str] = ()) -> list[Change]:
    """An audit row's data, readable: each changed field with its old and new value where the row holds both, other
    data under its label in the reader's language, with values formatted by kind (money, time, dates, names); but
    the keys in ``omit`` (what the page says already: a course's history omits the course)."""
    names = names or {}
    data = {key: value for key, value in (event.data or {}).items() if key not in omit}
    data = READ_DATA[event.action](data) if event.action in READ_DATA else data
    own = FIELDS.get(event.action, {})
    fields = {**COMMON_FIELDS, **own}
    lines = []
    if "old" in data and "new" in data:  # one attribute of the object changed (a site role, a status)
        field = next(iter(own), "")
        label = str(own[field][0]) if field else ""
        lines.append(Change(label, _value(fields, field, data.pop("new"), names),
                            _value(fields, field, data.pop("old"), names)))
    was = data.pop("was", None)
    was = dict(was) if isinstance(was, dict) else {}
    for old_key, key in OLD_KEYS.items():
        if old_key in data and key in data:
            was[key] = data.pop(old_key)
    for key, value in data.items():
        if key in was:
            lines.append(Change(_label(fields, key), _value(fields, key, value, names),
                                _value(fields, key, was[key], names)))
        elif not (value is None or value == "" or value == []) or key in own:  # an empty field of a row: noise
            lines.append(Change(_label(fields, key), _value(fields, key, value, names)))
    return lines


def _label(fields: dict[str, Any], key: str) -> str:
    return str(fields[key][0]) if key in fields else key


def _value(fields: dict[str, Any], key: str, value: Any, names: dict[tuple[str, int | None], str]) -> str:
    if value is None or value == "":
        return "—"
    if key in REFERENCES and isinstance(value, int | list):
        ids = value if isinstance(value, list) else [value]
        return ", ".join(names.get((REFERENCES[key], item)) or f"#{item}" for item in ids)
    if isinstance(value, list) and key not in fields:
        return ", ".join(str(item) for item in value)
    try:
        return fields[key][1](value) if key in fields else str(value)
    except (ValueError, TypeError, KeyError, AttributeError):  # a value written by an older version: shown as stored
        return str(value)
