"""The approval queue's bulk form (the reason for rejecting, marked when it is refused) and what the page says after
deciding many entries at once (:func:`flash_result`)."""

from __future__ import annotations

from flask import flash
from flask_wtf import FlaskForm
from wtforms import TextAreaField

from lms.errors import DomainError
from lms.hours import bulk_decisions
from lms.hours.approvals import REASON_MAX
from lms.hours.models import EntryStatus
from lms.i18n import _l, format_when, ngettext


class BulkForm(FlaskForm):
    """The queue's form: its CSRF token, and the reason for rejecting, which the service checks (so a refused reason
    is shown on the box like any other form's field error: :func:`show_refusal`)."""

    reason = TextAreaField(_l("Reason for rejecting (required to reject)"), id="bulk-reason",
                           render_kw={"rows": 2, "maxlength": REASON_MAX})


def show_refusal(form: BulkForm, exc: DomainError) -> str | None:
    """Put a refusal about the reason on the reason box; return any other refusal's message (for above the form)."""
    if exc.details.get("field") == "reason":
        form.reason.errors = [exc.message]
        return None
    return exc.message


def flash_result(result: bulk_decisions.BulkResult, status: EntryStatus) -> None:
    """Say what deciding many entries did: how many were decided, already decided by this manager, paid in a later pay
    period than their date's, skipped or refused (each with its reason)."""
    done, already = len(result.decided), len(result.already)
    approved = status is EntryStatus.APPROVED
    if done or not already:  # "0 entries approved" only when there is nothing else to say
        flash(ngettext("%(num)d entry approved.", "%(num)d entries approved.", done) if approved
              else ngettext("%(num)d entry rejected.", "%(num)d entries rejected.", done), "success")
    if already:  # the manager's own earlier decisions (a form sent twice): done, not errors
        flash(ngettext("%(num)d entry was already approved by you.", "%(num)d entries were already approved by you.",
                       already) if approved
              else ngettext("%(num)d entry was already rejected by you.",
                            "%(num)d entries were already rejected by you.", already), "info")
    for start, count in result.paid_later().items():
        # i18n: after approving many entries; %(start)s is a date, e.g. "Dec 7, 2026"
        flash(ngettext("%(num)d entry is dated in a pay period payroll has already run for, so it is paid in the pay "
                       "period starting %(start)s.",
                       "%(num)d entries are dated in pay periods payroll has already run for, so they are paid in the "
                       "pay period starting %(start)s.", count, start=format_when(start)), "info")
    if result.skipped:  # dated outside the person's employment here: not approvable, each with its reason
        flash(ngettext("%(num)d entry was skipped, not approved:", "%(num)d entries were skipped, not approved:",
                       len(result.skipped)), "error")
    for message in dict.fromkeys(result.skipped + result.conflicts + result.refused):
        flash(message, "error")
