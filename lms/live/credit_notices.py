"""Email to a trainee whose credited training time for a live session went down because a trainer corrected their
final attendance (template ``templates/lms/email/attendance_credit_lowered.txt``), in their language and time zone:
the session, the time credited before and now, who corrected it, the reason they gave, and whom to ask.

Only a decrease of the credited minutes is told. A status alone never changes them (attendance credits the minutes
a person was connected whatever their status: :mod:`lms.hours.live_attendance`), so a status-only correction tells
nobody here; an increase is not emailed either (the session page and My hours show it), nor a change before
attendance is final (nothing is credited yet). Corrections that can lower the minutes are a trainer's changes of one
person (:func:`lms.live.attendance_changes.change_attendance`: a time set aside or replaced): roster statuses leave
the minutes alone and report imports only add time. Sent by the caller *after* its commit (a rolled-back correction
told nobody; a mail server that refuses the message cannot undo the correction). The site has no per-person
notification preferences (as for :mod:`lms.hours.rejection_notices`); deactivated accounts are not emailed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from lms import db
from lms.accounts.models import User
from lms.i18n import format_minutes, in_language
from lms.live.models import Attendance, LiveSession
from lms.live.notices import send_session_email
from lms.notify.services import MailError, recipient_locale


@dataclass(frozen=True)
class CreditLowered:
    """A correction that lowered the minutes a person's final attendance credits."""

    session: LiveSession
    user: User
    old_minutes: int
    new_minutes: int
    #: The name of whoever corrected it.
    by: str
    reason: str


def final_minutes(session: LiveSession, user: User) -> int | None:
    """The minutes the person's final attendance credits now (None before attendance is final). Read before a
    correction, for :func:`credit_lowered`."""
    if session.attendance_finalized_at is None:
        return None
    minutes = db.session.execute(
        select(Attendance.minutes).where(Attendance.session_id == session.id, Attendance.user_id == user.id)
    ).scalar_one_or_none()
    return minutes or 0


def credit_lowered(session: LiveSession, user: User, before: int | None, row: Attendance, actor: Any,
                   reason: str) -> CreditLowered | None:
    """The notice to send when a correction took the credited minutes below ``before`` (what
    :func:`final_minutes` read before it); None when they did not go down."""
    if before is None or session.attendance_finalized_at is None or row.minutes >= before:
        return None
    return CreditLowered(session, user, before, row.minutes, getattr(actor, "name", "") or "", (reason or "").strip())


def tell_credit_lowered(notice: CreditLowered, links: dict[str, str]) -> list[str]:
    """Email the person (``links``: ``session``, their page of it, and ``hours``, My hours). Returns the address
    when it could not be emailed ([] when sent, or not sent to a deactivated account)."""
    user = notice.user
    if not user.is_active:
        return []
    with in_language(recipient_locale(user)):
        old, new = format_minutes(notice.old_minutes), format_minutes(notice.new_minutes)
    try:
        send_session_email("attendance_credit_lowered", notice.session, user, links["session"], show_place=False,
                           by=notice.by, reason=notice.reason, old_time=old, new_time=new, hours_link=links["hours"])
    except MailError:
        return [user.email]
    return []
