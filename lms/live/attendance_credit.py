"""What a person's attendance row credits: its minutes and status, the live module it completes, and the audit row
of a correction. Shared by a trainer's changes (:mod:`lms.live.attendance_changes`), finalising
(:mod:`lms.live.finalizing`) and report imports (:mod:`lms.live.report_import`); the rules are in
:mod:`lms.live.attendance`.
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from lms import audit, db
from lms.accounts.models import User
from lms.catalog.models import Course, Module
from lms.enrollment import completion as enrollment_completion
from lms.live import attendees
from lms.live import intervals as spans
from lms.live.credit_notices import CreditChanged, credit_changed
from lms.live.models import Attendance, AttendanceInterval, AttendanceStatus, LiveSession
from lms.live.roster import seconds_of
from lms.signals import attendance_finalized

#: Statuses that can complete the live module (given enough minutes).
ATTENDED = {AttendanceStatus.PRESENT, AttendanceStatus.LATE}
#: The share of its scheduled length a session must have run for attending it to complete the live module.
MIN_RUN_PERCENT = 50


def ran_long_enough(session: LiveSession) -> bool:
    """Whether the session ran at least ``MIN_RUN_PERCENT`` of its scheduled length (always, if it did not end early)."""
    return spans.reaches_share(spans.window_seconds(session.starts_at, session.counted_end), session.starts_at,
                               session.ends_at, MIN_RUN_PERCENT)


def earns_module(session: LiveSession, status: AttendanceStatus | None, seconds: int, min_share: int) -> bool:
    """Whether ``seconds`` there with ``status`` complete the live module: present or late, for at least
    ``min_share`` percent of the time the session ran, in a session that ran long enough."""
    return (status in ATTENDED and ran_long_enough(session)
            and spans.reaches_share(seconds, session.starts_at, session.counted_end, min_share))


class Shortfall(Enum):
    """Why a person's attendance does not complete the live module."""

    STATUS = "status"  # marked absent or excused
    SHORT_RUN = "short_run"  # the session ended early, before ``MIN_RUN_PERCENT`` of its scheduled length
    SHARE = "share"  # there for less than ``min_share`` percent of the time the session ran


def shortfall(session: LiveSession, status: AttendanceStatus | None, seconds: int, min_share: int) -> Shortfall | None:
    """Why ``seconds`` there with ``status`` do not (or, before finalising, will not) complete the module; None when
    they do (:func:`earns_module`). A status not set yet counts as present, as finalising sets it for anyone with time."""
    if (status or AttendanceStatus.PRESENT) not in ATTENDED:
        return Shortfall.STATUS
    if not ran_long_enough(session):
        return Shortfall.SHORT_RUN
    if not spans.reaches_share(seconds, session.starts_at, session.counted_end, min_share):
        return Shortfall.SHARE
    return None


def attendance_row(session: LiveSession, user: User) -> Attendance:
    """The person's attendance row of the session, added (flushed) when there is none yet."""
    row = db.session.execute(
        select(Attendance).where(Attendance.session_id == session.id, Attendance.user_id == user.id)
    ).scalar_one_or_none()
    if row is not None:
        return row
    row = Attendance(session_id=session.id, user_id=user.id, minutes=0)
    db.session.add(row)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:  # another trainer's request created it first
        return db.session.execute(
            select(Attendance).where(Attendance.session_id == session.id, Attendance.user_id == user.id)
        ).scalar_one()
    return row


def settle(session: LiveSession, user: User, row: Attendance, actor: Any, now: datetime, min_share: int) -> None:
    """Recompute a final row's minutes from its intervals, fill in the status, complete the module if earned."""
    own = list(
        db.session.execute(
            select(AttendanceInterval).where(AttendanceInterval.session_id == session.id, AttendanceInterval.user_id == user.id)
        ).scalars()
    )
    seconds = seconds_of(session, own, now)
    row.minutes = seconds // 60
    if row.status is None:
        row.status = AttendanceStatus.PRESENT if seconds else AttendanceStatus.ABSENT
    if earns_module(session, row.status, seconds, min_share) and not row.completed_module:
        complete_module(session, user, row, seconds, actor)


def complete_module(session: LiveSession, user: User, row: Attendance, seconds: int, actor: Any) -> bool:
    """Complete the session's module in the person's enrolment (enrolling them only if they asked for the session
    themselves: :func:`lms.live.attendees.enrollment_for_completion`) and mark ``row``, their attendance, as
    completing the module: it earned the module (also when an earlier session already completed it, so the roster, the
    API and the person's own page say "Module completed" / "Attended" for every session they attended long enough).
    Returns the mark: False when there is no course or enrolment to complete it in.

    The mark is set and flushed before the completion is recorded: the completion may complete the course and issue
    its certificate in the same unit of work, and the certificate names the session that completed each live module,
    the earliest marked one (:func:`lms.certificates.training.live_basis`). Called for a row not marked yet."""
    course = db.session.get(Course, session.course_id)
    module = db.session.get(Module, session.module_id)
    if course is None or module is None:
        return False
    enrollment = attendees.enrollment_for_completion(session, user, course, actor)
    if enrollment is None:
        return False
    row.completed_module = True
    db.session.flush()
    enrollment_completion.complete_module(enrollment, module, "live", seconds)
    return True


def final_minutes_changed(
    session: LiveSession, users: list[User], actor: Any, now: datetime, min_share: int, reason: str, action: str, **data: Any
) -> list[CreditChanged]:
    """After intervals were added to a final session in bulk (a report import): correct each person's row. Returns
    the notices for the people whose credited minutes changed, to send after the commit
    (:func:`lms.live.credit_notices.tell_credit_changed`)."""
    notices = []
    for user in users:
        row = attendance_row(session, user)
        old_minutes, old_status = row.minutes, row.status
        settle(session, user, row, actor, now, min_share)
        row.updated_at = now
        audit_correction(row, actor, reason, session, user, old_minutes, old_status, via=action, **data)
        db.session.flush()
        if (old_minutes, old_status) != (row.minutes, row.status):
            attendance_finalized.send(row, session=session, correction=True, actor=actor)
        notice = credit_changed(session, user, old_minutes, row, actor, reason)
        if notice is not None:
            notices.append(notice)
    return notices


def audit_correction(row: Attendance, actor: Any, reason: str, session: LiveSession, user: User, old_minutes: int,
                     old_status: Any, **data: Any) -> None:
    """One ``live.attendance_corrected`` row: who, why, and the minutes and status before and after."""
    audit.record("live.attendance_corrected", row, actor, reason=reason, session_id=session.id, user_id=user.id,
                 old_minutes=old_minutes, new_minutes=row.minutes, old_status=old_status, new_status=row.status, **data)
