"""Telling a manager, when they save an employee ID, that the payroll file will not show it as typed: an ID starting
with = + - or @ is written with a leading apostrophe there (formula-injection neutralisation, kept for security:
:func:`lms.hours.export.neutralise`), so it no longer matches their HR or payroll system (docs/payroll-export.md)."""

from __future__ import annotations

from collections.abc import Iterable

from flask import flash

from lms.hours.export import employee_ids_changed_on_export
from lms.i18n import _, ngettext


def warn_about_exported_ids(employee_ids: Iterable[str | None]) -> None:
    """Flash one message naming each such ID and how the payroll file writes it; nothing when there is none."""
    changed = employee_ids_changed_on_export(employee_ids)
    if not changed:
        return
    # i18n: one employee ID in a list: as saved, then as the payroll file writes it (with a leading apostrophe).
    ids = "; ".join(_("“%(id)s”, exported as “%(exported)s”", id=saved, exported=written) for saved, written in changed)
    flash(ngettext(
        "%(num)d employee ID starts with =, +, - or @ (%(ids)s), so payroll files show it with a leading apostrophe: "
        "that stops a spreadsheet from running it as a formula, but it no longer matches the ID in your payroll or HR "
        "system. Remove the apostrophe when you import the file there, or use an ID that does not start with these "
        "characters.",
        "%(num)d employee IDs start with =, +, - or @ (%(ids)s), so payroll files show them with a leading "
        "apostrophe: that stops a spreadsheet from running them as formulas, but they no longer match the IDs in your "
        "payroll or HR system. Remove the apostrophe when you import the file there, or use IDs that do not start "
        "with these characters.",
        len(changed), ids=ids), "info")
