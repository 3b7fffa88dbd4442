"""Email to a trainee whose credited training time for a live session changed because a trainer corrected their
final attendance (template ``templates/lms/email/attendance_credit_changed.txt``), in their language and time zone:
the session, the time credited before and now (less or more), who corrected it, the reason they gave, and whom to ask.

Any change of the credited minutes after attendance is final is told, down or up: a trainer who corrects a time in
two steps (sets the wrong time aside, then adds the right one) sends two notices, and the last one gives the figure
that stands. A correction that leaves the minutes as they were tells nobody: a status alone never changes them
(attendance credits the minutes a person was connected whatever their status: :mod:`lms.hours.live_attendance`), nor
does a save that changes nothing; nor does a change before attendance is final (nothing is credited yet).
Corrections that change the minutes are a trainer's changes of one person
(:func:`lms.live.attendance_changes.change_attendance`: a time set aside, added or replaced), the time set aside with
an "Absent" on the roster (:mod:`lms.live.absent_time`) and a report imported after finalising
(:func:`lms.live.attendance_credit.final_minutes_changed`). Sent by the caller *after* its commit (a rolled-back
correction told nobody; a mail server that refuses the message cannot undo the correction). The site has no
per-person notification preferences (as for :mod:`lms.hours.rejection_notices`); deactivated accounts are not emailed.
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
class CreditChanged:
    """A correction that changed the minutes a person's final attendance credits."""

    session: LiveSession
    user: User
    old_minutes: int
    new_minutes: int
    #: The name of whoever corrected it.
    by: str
    reason: str

    @property
    def raised(self) -> bool:
        """Whether it credits more time than before."""
        return self.new_minutes > self.old_minutes


def final_minutes(session: LiveSession, user: User) -> int | None:
    """The minutes the person's final attendance credits now (None before attendance is final). Read before a
    correction, for :func:`credit_changed`."""
    if session.attendance_finalized_at is None:
        return None
    minutes = db.session.execute(
        select(Attendance.minutes).where(Attendance.session_id == session.id, Attendance.user_id == user.id)
    ).scalar_one_or_none()
    return minutes or 0


def credit_changed(session: LiveSession, user: User, before: int | None, row: Attendance, actor: Any,
                   reason: str) -> CreditChanged | None:
    """The notice to send when a correction took the credited minutes away from ``before`` (what
    :func:`final_minutes` read before it), down or up; None when they did not change."""
    if before is None or session.attendance_finalized_at is None or row.minutes == before:
        return None
    return CreditChanged(session, user, before, row.minutes, getattr(actor, "name", "") or "", (reason or "").strip())


def tell_credit_changed(notice: CreditChanged, links: dict[str, str]) -> list[str]:
    """Email the person (``links``: ``session``, their page of it, and ``hours``, My hours). Returns the address
    when it could not be emailed ([] when sent, or not sent to a deactivated account)."""
    user = notice.user
    if not user.is_active:
        return []
    with in_language(recipient_locale(user)):
        old, new = format_minutes(notice.old_minutes), format_minutes(notice.new_minutes)
    try:
        send_session_email("attendance_credit_changed", notice.session, user, links["session"], show_place=False,
                           by=notice.by, reason=notice.reason, old_time=old, new_time=new, raised=notice.raised,
                           hours_link=links["hours"])
    except MailError:
        return [user.email]
    return []
