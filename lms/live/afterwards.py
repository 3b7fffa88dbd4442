"""Recording a live session afterwards: one that has already started or taken place, entered by a trainer who forgot
to schedule it (a make-up class last Saturday, a class that began at 9:00 and is entered at 9:05), so that its
attendance and training hours can be recorded as for any session.

The trainer says so on the scheduling form ("This session has already started or taken place"); without it a start
that has passed is refused as before, with a hint to tick it. A session is recorded afterwards only within
:data:`RECORD_WINDOW` of its start (the "Sessions I lead" list shows that far back, where its attendance is taken),
one at a time, and with no registration deadline: registration, the waitlist and reminders all end at the start, so a
session that has started has none of them. Nobody is double-booked, as for a plan (:mod:`lms.live.overlaps`). The
audit row is ``live_session.created`` with ``recorded_afterwards``.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from lms.i18n import _, ngettext
from lms.live.plans import check_deadline, field_error

#: How far back a session may be recorded afterwards (the days "Sessions I lead" lists past sessions for).
RECORD_WINDOW = timedelta(days=30)


def check_start(times: list[tuple], now: datetime, *, afterwards: bool) -> None:
    """Refuse a plan's start (and registration deadline) for the use the trainer said: a plan starts later and its
    registration does not close in the past; a session recorded ``afterwards`` has started, within
    :data:`RECORD_WINDOW`, alone, with no deadline."""
    starts_at, _ends_at, deadline = times[0]
    if not afterwards:
        if starts_at <= now:
            raise field_error(future_only_text(), "starts_on")
        check_deadline(deadline, now)
        return
    if starts_at > now:
        # i18n: “This session has already started or taken place” is the tick box of the scheduling form.
        raise field_error(_("This session starts in the future: untick “This session has already started or taken "
                            "place” to schedule it, or correct its date and time."), "starts_on")
    if starts_at < now - RECORD_WINDOW:
        raise field_error(ngettext("Only a session of the last %(num)d day can be recorded afterwards.",
                                   "Only a session of the last %(num)d days can be recorded afterwards.",
                                   RECORD_WINDOW.days), "starts_on")
    if len(times) > 1:
        raise field_error(_("Record a session that has taken place on its own: enter 1 weekly session, and schedule "
                            "the ones to come separately."), "repeat")
    if deadline is not None:
        raise field_error(_("A session that has already started takes no more registrations: leave “Registration "
                            "closes” empty."), "deadline")


def future_only_text() -> str:
    """Why a start that has passed is refused on the scheduling form, and how to record such a session instead."""
    # i18n: “This session has already started or taken place” is the tick box of the scheduling form.
    return _("The session must start in the future. To record a session that has already started or taken place, "
             "tick “This session has already started or taken place”.")
