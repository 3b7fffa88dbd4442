"""An hours entry's history in words: the title of each audit action and of the reasons the system stores as codes.
The manager's page of an entry (:mod:`lms.web.hours.queue`) and the person's own (:mod:`lms.web.hours.ledger`) show
the same lines; the person's leaves out what is for the organisation only (:func:`lms.hours.review_queue.list_own_history`)."""

from __future__ import annotations

from typing import Any

from lms.hours import adoption, schedule_change, status_changes
from lms.hours.withdrawals import ATTENDANCE_CORRECTED
from lms.i18n import _, _l, format_minutes
from lms.live.models import AttendanceStatus

#: The entry history's words for each hours audit action (a test checks that every recorded action has one).
EVENT_TITLES = {"hours.entry_created": _l("recorded"), "hours.approved": _l("approved"),
                "hours.rejected": _l("rejected"), "hours.paid_period_moved": _l("moved to another pay period"),
                "hours.withdrawn": _l("withdrawn"), "hours.resubmission": _l("submitted again, replacing a rejected entry"),
                # i18n: an entry's history: an entry of the person's own records went to the organisation that
                # employed them on its date, for review
                "hours.org_assigned": _l("sent to the organisation for review"),
                "hours.resubmitted": _l("submitted again as a new entry"),
                # i18n: an entry's history: a manager read the attendance status a trainer changed after approval
                "hours.attendance_change_reviewed": _l("attendance change after approval reviewed"),
                # i18n: an entry's history: the trainer corrected the person's final attendance (their reason follows)
                "live.attendance_corrected": _l("attendance corrected by the trainer")}
#: Reasons the system stores as codes (people's own reasons are shown as they wrote them). The English sentence is
#: what rows written before the code was introduced hold.
REASON_TITLES = {schedule_change.PAY_SCHEDULE_CHANGED: _l("the pay schedule changed"),
                 "pay schedule changed": _l("the pay schedule changed"),
                 ATTENDANCE_CORRECTED: _l("a later correction of the attendance replaced it"),
                 adoption.EMPLOYMENT_COVERS_DATE: _l("their employment here covers its date")}


def event_title(action: str) -> str:
    """An audit action in the reader's language (the internal name only for an action nobody titled)."""
    return str(EVENT_TITLES.get(action, action))


def event_reason(reason: str | None) -> str:
    """An audit row's reason: a stored code in the reader's language, a person's own words as written."""
    return str(REASON_TITLES.get(reason, reason or ""))


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


#: The person's own page says "sent back" where managers read "rejected" (the word of the dashboard, the email and the
#: status badge, ``status_badge`` in templates/lms/hours/ledger/_macros.html), and speaks to them.
OWN_EVENT_TITLES = {
    # i18n: the history on a person's own entry page: a manager sent the entry back (the status "Sent back")
    "hours.rejected": _l("sent back"),
    "hours.resubmission": _l("submitted again, replacing an entry that was sent back"),
}
OWN_REASON_TITLES = {adoption.EMPLOYMENT_COVERS_DATE: _l("your employment there covers its date")}


def own_event_title(action: str) -> str:
    """:func:`event_title` in the words of the entry's own person."""
    return str(OWN_EVENT_TITLES[action]) if action in OWN_EVENT_TITLES else event_title(action)


def own_event_reason(reason: str | None) -> str:
    """:func:`event_reason` in the words of the entry's own person."""
    return str(OWN_REASON_TITLES[reason]) if reason in OWN_REASON_TITLES else event_reason(reason)
