"""Whose attendance a session's trainers may record, and who attendance may enrol.

A trainer records attendance by hand (the person page, the roster, ``PUT /api/v1/sessions/<id>/attendance/<user>``)
only for people with a link to the session:

- a registration in any state: a seat, the waitlist or a cancelled one (people who came anyway);
- time recorded in it (they checked in with the code, used the Join button, or were in a meeting report), even time
  set aside since, or an attendance record;
- an enrolment in the session's course (not withdrawn): a walk-in who takes the course but did not register.

Anyone else is *not found*, exactly like an unknown user id, so the API never confirms that an account exists. A
walk-in with no link checks in with the code (it proves they are in the room) or enrols in the course first.

Never the session's own trainers (hosting is not attending: a meeting report skips them too and they cannot check
in), and never oneself: both are refused with a clear message.

Attendance enrols nobody on a trainer's word. When finalising or a correction completes the live module for someone
who is not enrolled (or withdrew), they are enrolled only if they asked for the session themselves, by registering,
checking in or using the Join button, and a ``live.enrolled_by_attendance`` audit row says so. Otherwise their minutes
still count (and reach the hours ledger) but the module waits until they enrol; a correction then completes it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from lms import audit, db
from lms.accounts.models import User
from lms.accounts.services import get_confirmed_user_by_email
from lms.catalog.models import Course
from lms.db import is_id
from lms.enrollment import services as enrollment_services
from lms.enrollment.models import Enrollment, EnrollmentStatus
from lms.errors import DomainError, NotFoundError, PermissionDenied
from lms.i18n import _
from lms.live.models import Attendance, AttendanceInterval, IntervalSource, LiveSession, Registration
from lms.live.roster import is_session_host

#: Interval sources that the person recorded themselves (they asked to be counted).
SELF_RECORDED = (IntervalSource.CHECK_IN, IntervalSource.JOIN_BUTTON)


def _not_linked() -> NotFoundError:
    return NotFoundError(
        _("This person is not on this session: they have not registered or checked in, and are not enrolled in its course.")
    )


def _exists(query: Any) -> bool:
    return db.session.execute(query.limit(1)).first() is not None


def is_linked(session: LiveSession, user: Any) -> bool:
    """Whether ``user`` registered (any state), has time or a record in the session, or is enrolled in its course."""
    if _exists(select(Registration.id).where(Registration.session_id == session.id, Registration.user_id == user.id)):
        return True
    if _exists(
        select(AttendanceInterval.id).where(AttendanceInterval.session_id == session.id, AttendanceInterval.user_id == user.id)
    ):
        return True
    if _exists(select(Attendance.id).where(Attendance.session_id == session.id, Attendance.user_id == user.id)):
        return True
    return _exists(
        select(Enrollment.id).where(
            Enrollment.user_id == user.id,
            Enrollment.course_id == session.course_id,
            Enrollment.status != EnrollmentStatus.WITHDRAWN,
        )
    )


def get_person(session: LiveSession, user_id: int) -> User:
    """The person a trainer's page or API call is about: one of the session's trainers (to be told that hosting is not
    attending) or someone linked to it; anyone else, or no such user, is *not found* with the same message."""
    user = db.session.get(User, user_id) if is_id(user_id) else None
    if user is None or not (is_session_host(session, user) or is_linked(session, user)):
        raise _not_linked()
    return user


def find_by_email(session: LiveSession, email: str, actor: Any) -> User:
    """A person a trainer names by email on the roster (a walk-in without a phone, someone from the waitlist): as
    :func:`get_person`, only people linked to the session are found, and an unknown email gets the same *not found*,
    so the form never tells whether an account exists. Each find is audited (``live.attendee_found``)."""
    user = get_confirmed_user_by_email(email.strip())  # never an account made with someone else's address
    if user is None or not (is_session_host(session, user) or is_linked(session, user)):
        raise _not_linked()
    audit.record("live.attendee_found", session, actor, user_id=user.id)
    return user


def require_attendee(session: LiveSession, user: Any, actor: Any) -> None:
    """Refuse to record attendance by hand for the session's trainers, for oneself and for people with no link."""
    if is_session_host(session, user):
        raise PermissionDenied(_("Trainers of this session cannot be recorded as attending it: hosting is not attending."))
    if user.id == getattr(actor, "id", None):
        raise PermissionDenied(_("You cannot record your own attendance. Another trainer of the session can."))
    if not is_linked(session, user):
        raise _not_linked()


def _asked_for_session(session: LiveSession, user: Any) -> str | None:
    """How the person asked for this session themselves (``registration`` or ``check_in``), or None."""
    if _exists(select(Registration.id).where(Registration.session_id == session.id, Registration.user_id == user.id)):
        return "registration"
    own = select(AttendanceInterval.id).where(
        AttendanceInterval.session_id == session.id,
        AttendanceInterval.user_id == user.id,
        AttendanceInterval.source.in_(SELF_RECORDED),
    )
    return "check_in" if _exists(own) else None


def enrollment_for_completion(session: LiveSession, user: Any, course: Course, actor: Any) -> Enrollment | None:
    """The enrolment whose live module attendance completes: the person's own, or a new one (audited) when they asked
    for the session themselves; None when they are not enrolled and did not, or the course is not open."""
    enrollment = enrollment_services.get_enrollment(user, course)
    if enrollment is not None and enrollment.status is not EnrollmentStatus.WITHDRAWN:
        return enrollment
    via = _asked_for_session(session, user)
    if via is None:
        return None
    try:
        enrollment = enrollment_services.enroll(user, course, actor)
    except DomainError:  # the course is not open for enrolment (draft or archived): nothing to complete
        return None
    audit.record("live.enrolled_by_attendance", enrollment, actor, session_id=session.id, user_id=user.id, via=via)
    return enrollment
