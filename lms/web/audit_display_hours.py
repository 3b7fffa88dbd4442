"""How the audit log reads the rows of the training-hours ledger and payroll exports (merged by
:mod:`lms.web.audit_display`); the log names the ledger's actions as about hours ("Hours approved"), where an entry's
own history keeps its short words (``EVENT_TITLES``)."""

from __future__ import annotations

from typing import Any

from lms.hours.models import EntrySource
from lms.i18n import _, _l, format_minutes, format_money
from lms.web.audit_format import number, on_date, titled
from lms.web.hours.queue import EVENT_TITLES

#: The log's titles name what was decided: among some 90 actions in its filter, "Approved" alone does not say it is
#: about training hours. An entry's own history keeps its short words (``EVENT_TITLES``).
TITLES = {
    **EVENT_TITLES,
    "payroll.exported": _l("Payroll exported"),
    "hours.entry_created": _l("Hours recorded"),
    "hours.approved": _l("Hours approved"),
    "hours.rejected": _l("Hours entry rejected"),
    "hours.withdrawn": _l("Hours entry withdrawn"),
    "hours.paid_period_moved": _l("Hours entry moved to another pay period"),
    # i18n: audit log: an entry of the person's own records went to the organisation that employed them on its date
    "hours.org_assigned": _l("Hours entry sent to the organisation for review"),
    "hours.resubmission": _l("Hours entry submitted again, replacing a rejected one"),
    "hours.resubmitted": _l("Hours entry submitted again as a new entry"),
}

OBJECT_TYPES = {"HoursEntry": _l("Hours entry"), "PayrollExport": _l("Payroll export")}

def entry_number(value: Any) -> str:
    """An hours entry by its number ("entry #14"), as its page and the review queue call it."""
    # i18n: an hours entry by its number, in the audit log: "Submits again: entry #14".
    return _("entry #%(id)s", id=int(value))


def _resubmission(data: dict[str, Any]) -> dict[str, Any]:
    """An ``hours.resubmission`` row names the evidence file it copied by the file's id, which nobody sees: it came
    from the entry submitted again (``resubmits``), so the row shows that entry instead."""
    if data.get("evidence_copied_from") is not None and isinstance(data.get("resubmits"), int):
        return {**data, "evidence_copied_from": data["resubmits"]}
    return data


#: How an action's stored data is read before it is shown (what it holds in another form than the log shows).
READ_DATA = {"hours.resubmission": _resubmission}

COMMON_FIELDS: dict[str, tuple[Any, Any]] = {
    "minutes": (_l("Hours"), format_minutes),
    "rate_cents": (_l("Pay rate (per hour)"), format_money),
    "paid_period_start": (_l("Pay period starting"), on_date),
    "period_start": (_l("Pay period starting"), on_date),
    "source": (_l("Source"), titled(EntrySource)),
    "activity_date": (_l("Date of the activity"), on_date),
    "corrects_id": (_l("Corrects entry"), str),
    "evidence_id": (_l("Evidence file"), str),
    "source_ref": (_l("Source reference"), str),
    "because_rejected": (_l("Rejected with entry"), str),
    "replaced_by": (_l("Replaced by entry"), str),
    "resubmits": (_l("Submits again"), entry_number),
    "resubmission_id": (_l("Submitted again as"), entry_number),
    "evidence_copied_from": (_l("Evidence file copied from"), entry_number),
    "rows": (_l("Rows"), number),
    "sha256": (_l("SHA-256 checksum"), str),
}

FIELDS = {
    "hours.paid_period_moved": {"paid_period_start": (_l("Pay period starting"), on_date)},
    # i18n: the audit log: a manager marked as reviewed the attendance statuses corrected after approval, up to the
    # audit row with this number, and how many status changes that covered
    "hours.attendance_change_reviewed": {"correction": (_l("Reviewed up to audit row"), str),
                                         "changes": (_l("Status changes reviewed"), number)},
}
