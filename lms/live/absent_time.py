"""Marking someone absent on the roster of final attendance while time of theirs still counts: setting that time
aside in the same step.

Attendance credits the minutes a person was connected whatever their status (:mod:`lms.hours.live_attendance`), so a
person marked "Absent" keeps the time recorded for them unless a trainer sets it aside. The roster asks, when a save
of statuses would newly mark someone absent who has credited time, whether to set that time aside too (the default)
or keep it counted; the decision is the trainer's, as before, but taken where the status is chosen
(:mod:`lms.web.live.absent_step`). Setting aside is the person page's "Set aside" of each of their times
(:func:`lms.live.attendance_changes.change_attendance` with ``void_interval_id``): one audited correction each, with
the roster's reason, re-signalled so the ledger corrects the hours as for any correction (a pending entry is replaced,
an approved one gets a pending adjustment: :mod:`lms.hours.attendance_corrections`). "Absent" means nothing new for
someone with no time, and "Excused absence" is left as it is (an excused person's time may well be meant to count).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from lms.accounts.models import User
from lms.live.attendance_changes import Change, RosterChoice, change_attendance
from lms.live.credit_notices import CreditChanged, credit_changed, final_minutes
from lms.live.models import AttendanceStatus, LiveSession
from lms.live.roster import Roster, load_person


@dataclass(frozen=True)
class AbsentWithTime:
    """Someone a save of the roster would newly mark absent, whose final attendance credits ``minutes``."""

    user: User
    minutes: int


def list_absent_with_time(roster: Roster, choices: Mapping[int, RosterChoice]) -> list[AbsentWithTime]:
    """The people ``choices`` (the roster as sent) newly mark "Absent" who have credited time, in roster order; none
    before attendance is final (nothing is credited yet: finalising credits the minutes whatever the status)."""
    if not roster.is_final:
        return []
    found = []
    for line in roster.lines:
        choice = choices.get(line.user.id)
        if line.is_host or choice is None or choice.status is not AttendanceStatus.ABSENT:
            continue
        if line.status is not AttendanceStatus.ABSENT and line.minutes > 0 and line.live_intervals:
            found.append(AbsentWithTime(line.user, line.minutes))
    return found


def set_aside_absent_time(session: LiveSession, people: Iterable[User], actor: Any, now: datetime, min_share: int,
                          reason: str) -> list[CreditChanged]:
    """Set aside every time still counted for each of ``people`` now marked absent (anyone whose status is not
    "Absent", e.g. a row the roster left alone as changed by someone else meanwhile, keeps their time). Returns the
    notices for the people whose credited time went down, to send after the commit
    (:func:`lms.live.credit_notices.tell_credit_changed`)."""
    notices = []
    for user in people:
        line = load_person(session, user, now)
        if line.status is not AttendanceStatus.ABSENT or not line.live_intervals:
            continue
        before, row = final_minutes(session, user), None
        for interval in line.live_intervals:
            row = change_attendance(session, user, Change(void_interval_id=interval.id), actor, now, min_share, reason)
        notice = credit_changed(session, user, before, row, actor, reason) if row is not None else None
        if notice is not None:
            notices.append(notice)
    return notices
