"""How the audit log reads the rows of live sessions: scheduling and edits, registration and the waitlist, check-in,
attendance and its reports, and calendar feeds (merged by :mod:`lms.web.audit_display`)."""

from __future__ import annotations

from typing import Any

from lms.i18n import _, _l, format_minutes, format_money, language_name
from lms.live.models import AttendanceStatus, RegistrationStatus, SessionStatus
from lms.web import audit_display_certificates
from lms.web.audit_format import moment, number, titled, words, yes_no

TITLES = {
    "live_session.created": _l("Live session scheduled"),
    "live_session.updated": _l("Live session changed"),
    "live_session.status_changed": _l("Live session status changed"),
    "registration.registered": _l("Registered for a live session"),
    "registration.waitlisted": _l("Put on a live session's waitlist"),
    "registration.cancelled": _l("Live session registration cancelled"),
    "registration.promoted": _l("Moved from the waitlist to registered"),
    # i18n: the audit log: someone with a seat or waitlist place in a live session was made one of its trainers
    "registration.ended_as_trainer": _l("Live session registration ended: the person now leads the session"),
    "live.checkin_code_created": _l("Check-in code created"),
    "live.attendance_changed": _l("Attendance changed"),
    "live.attendance_finalized": _l("Attendance made final"),
    "live.attendance_corrected": _l("Final attendance corrected"),
    "live.report_imported": _l("Attendance report imported"),
    "live.enrolled_by_attendance": _l("Enrolled by attending a live session"),
    # i18n: the audit log: a trainer looked a person up by email on a live session's roster, to record their attendance
    "live.attendee_found": _l("Person found by email to record attendance"),
    "calendar_feed.reset": _l("Calendar feed address reset"),
    "calendar_feed.disabled": _l("Calendar feed turned off"),
    # i18n: a calendar app (or anyone with the private link) read a person's calendar-feed link for the first time.
    "calendar_feed.first_read": _l("Calendar feed link first read"),
}

OBJECT_TYPES = {
    "LiveSession": _l("Live session"), "Registration": _l("Registration"), "Attendance": _l("Attendance"),
    "CalendarFeed": _l("Calendar feed"),
}


def _interval(value: Any) -> str:
    """An attendance interval that was added or removed: its join and leave times."""
    left = moment(value["left_at"]) if value.get("left_at") else _("still there")
    return _("%(joined)s to %(left)s", joined=moment(value["joined_at"]), left=left)


def _people(value: Any) -> str:
    """People a row names as ``{"id", "name"}``, by the name they had then."""
    return ", ".join(str(person["name"]) for person in value) or "—"


_SESSION_CHANGES = {"time": _l("Time"), "address": _l("Address"), "join_url": _l("Join link"), "mode": _l("Mode"),
                    "trainers": _l("Trainers")}
_ENROLLED_VIA = {"registration": _l("registered for the session"), "check_in": _l("checked in"),
                 "report_import": _l("attendance report imported"), **audit_display_certificates.ENROLLED_VIA}
#: A live session's settings an edit's row keeps besides ``changes`` (its module is the common ``module_id``), under
#: the labels of the session form.
SESSION_SETTING_FIELDS = {
    "capacity": (_l("Seats"), number),
    "registration_deadline": (_l("Registration closes"), moment),
    "cost_cents": (_l("Cost per participant (US dollars)"), format_money),
    "notes": (_l("Notes for participants"), str),
    "locale": (_l("Language the session is given in"), language_name),
}

COMMON_FIELDS: dict[str, tuple[Any, Any]] = {
    "session_id": (_l("Live session"), str),
    "series_key": (_l("Series"), str),
    "changes": (_l("Changed"), words(_SESSION_CHANGES)),
    "was_starts_at": (_l("Start before the change"), moment),
    "was_ends_at": (_l("End before the change"), moment),
    "starts_at": (_l("Starts"), moment),
    "ends_at": (_l("Ends"), moment),
    # i18n: in the audit log: a trainer entered a live session after it had started or taken place ("Yes")
    "recorded_afterwards": (_l("Recorded after it started"), yes_no),
    "trainers_added": (_l("Trainers added"), _people),
    "trainers_removed": (_l("Trainers removed"), _people),
    "via": (_l("How"), words(_ENROLLED_VIA)),
    "kind": (_l("Report"), words({"zoom": "Zoom", "teams": "Microsoft Teams", "csv": "CSV"})),
    "filename": (_l("File"), str),
    "imported": (_l("Times imported"), number),
    "duplicates": (_l("Already there"), number),
    "unmatched": (_l("People not matched"), number),
    "problems": (_l("Problems"), number),
    "status": (_l("Attendance"), titled(AttendanceStatus)),
    "new_status": (_l("Attendance"), titled(AttendanceStatus)),
    "new_minutes": (_l("Minutes attended"), format_minutes),
    "voided": (_l("Time removed"), _interval),
    "added": (_l("Time added"), _interval),
    "people": (_l("People"), number),
    "completed": (_l("Completed the live module"), number),
    "ended_early_at": (_l("Ended early at"), moment),
    "scheduled_ends_at": (_l("Scheduled end"), moment),
}

FIELDS = {
    "live_session.updated": SESSION_SETTING_FIELDS,
    "live_session.status_changed": {"status": (_l("Status"), titled(SessionStatus))},
    # i18n: the audit log: the seat or waitlist place a person held before being made the session's trainer
    "registration.ended_as_trainer": {"held": (_l("Place held"), titled(RegistrationStatus))},
    "calendar_feed.first_read": {"version": (_l("Version"), str)},
}
