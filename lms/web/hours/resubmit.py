""""Submit again" on a rejected entry: the external-training and field-experience forms, pre-filled from the
entry that was sent back (``?resubmit=<id>``, then a hidden field), and the link between the two saved with the new
entry (:mod:`lms.hours.resubmissions`). An id that is not the viewer's own rejected entry of that kind is ignored:
the form is then a plain new entry."""

from __future__ import annotations

from typing import Any

from flask import request

from lms.hours import evidence as evidence_files
from lms.hours import resubmissions
from lms.hours.models import EntrySource, HoursEntry
from lms.security import current_user


def _id(value: str | None) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isascii() and value.isdigit() and 0 < len(value) <= 10 else None


def rejected_entry(form: Any, source: EntrySource) -> HoursEntry | None:
    """The rejected entry the form submits again (from the query string when first shown, else the hidden field);
    on the first showing, the form is filled in from it."""
    if request.method == "GET":
        form.resubmits.data = str(_id(request.args.get("resubmit")) or "")
    entry = resubmissions.get_resubmittable(current_user._get_current_object(), _id(form.resubmits.data), source)
    if entry is None:
        form.resubmits.data = ""
    elif request.method == "GET":
        _fill(form, entry)
    return entry


def _fill(form: Any, entry: HoursEntry) -> None:
    form.activity_date.data = entry.activity_date
    form.hours.data, form.minutes.data = divmod(entry.minutes, 60)  # not-a-ledger-entry: the form's boxes
    form.competency_areas.data = list(entry.competency_areas or ())
    if entry.org_id and any(value == entry.org_id for value, _label in form.org_id.choices):
        form.org_id.data = entry.org_id
    if entry.source is EntrySource.EXTERNAL:
        form.title.data, form.provider.data = entry.title, entry.provider
    else:
        form.description.data = entry.description
        form.supervisor_name.data, form.supervisor_title.data = entry.supervisor_name, entry.supervisor_title
        if entry.module_id and any(value == entry.module_id for value, _label in form.module_id.choices):
            form.module_id.data = entry.module_id


def evidence_of(entry: HoursEntry | None) -> Any:
    """The evidence file of the rejected entry that may be attached again, or None."""
    return evidence_files.get_evidence(entry) if entry is not None else None


def upload_for(form: Any, rejected: HoursEntry | None, chosen: Any) -> Any:
    """The file to attach: the one chosen, else (when the box "Attach the same file again" is ticked) a copy of the
    rejected entry's evidence."""
    if chosen is not None or rejected is None or not form.reuse_evidence.data:
        return chosen
    return resubmissions.evidence_copy(rejected)


def link(new: HoursEntry, created: bool, rejected: HoursEntry | None, *, evidence_reused: bool = False) -> None:
    """Record that ``new`` submits ``rejected`` again (only when ``new`` was just created: a resent form is the
    same entry, already linked)."""
    if rejected is not None and created:
        resubmissions.record_resubmission(new, rejected, current_user._get_current_object(),
                                          evidence_reused=evidence_reused)
