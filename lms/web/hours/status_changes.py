"""A manager marks as reviewed the attendance statuses a trainer corrected after the entry was approved
(:mod:`lms.hours.status_changes`); the queue and the entry's page list them until then."""

from __future__ import annotations

from flask import flash, redirect, request, url_for

from lms import db
from lms.hours import review_queue, status_changes
from lms.i18n import _
from lms.orgs import services as orgs
from lms.security import access
from lms.web.forms import EmptyForm
from lms.web.hours import bp
from lms.web.hours.entry_history import event_change  # noqa: F401 (imported from here)
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
