"""A manager marks as reviewed the attendance statuses a trainer corrected after the entry was approved
(:mod:`lms.hours.status_changes`); the queue and the entry's page list them until then."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, request, url_for

from lms import db
from lms.hours import review_queue, status_changes
from lms.i18n import _, format_minutes
from lms.live.models import AttendanceStatus
from lms.orgs import services as orgs
from lms.security import access
from lms.web.forms import EmptyForm
from lms.web.hours import bp
from lms.web.hours.ledger import small_int, viewer


@bp.post("/orgs/<org_slug>/entries/<int:entry_id>/status-reviewed")
@access.org_manager
def status_reviewed(org_slug: str, entry_id: int):
    """"Mark as reviewed": the status changes the page showed (up to the hidden ``up_to`` correction) are read."""
    org = orgs.get_org(org_slug)
    entry = review_queue.get_org_entry(org, entry_id)
    raw = request.form.get("up_to", "")
    up_to = small_int(raw)
    if not EmptyForm().validate_on_submit() or (raw and up_to is None):
        flash(_("This page had changed since it was shown, so nothing was marked. Check the entry and try again."),
              "error")
    elif status_changes.mark_reviewed(org, entry, viewer(), up_to):
        db.session.commit()
        flash(_("Marked as reviewed."), "success")
    else:
        flash(_("There is no attendance change left to review on this entry."), "info")
    return redirect(url_for(".review", org_slug=org.slug, entry_id=entry.id))


def _status_title(value: Any) -> str:
    try:
        return str(AttendanceStatus(value).title) if value else _("Not set")
    except ValueError:
        return str(value)


def event_change(event: Any) -> str:
    """What a trainer's correction of attendance changed, for an entry's history ("status: Present → Absent"); ""
    for any other audit row."""
    data = event.data or {}
    if event.action != status_changes.CORRECTED:
        return ""
    parts = []
    if data.get("old_status") != data.get("new_status"):
        # i18n: an entry's history: the attendance status before and after a trainer's correction
        parts.append(_("status: %(old)s → %(new)s", old=_status_title(data.get("old_status")),
                       new=_status_title(data.get("new_status"))))
    if data.get("old_minutes") != data.get("new_minutes"):
        # i18n: an entry's history: the time attendance credits before and after a trainer's correction
        parts.append(_("time: %(old)s → %(new)s", old=format_minutes(data.get("old_minutes")),
                       new=format_minutes(data.get("new_minutes"))))
    return "; ".join(parts)
