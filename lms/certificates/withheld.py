"""Completed courses without a certificate because the training they credit comes to 0 minutes.

A certificate never states 0 hours (a certificate of no training). When every module a trainee completed in a course
credits 0 minutes, the course is still complete, but no certificate is issued: the ``certificate.withheld`` audit row
(on the enrolment, under the trainee's employer, with the minutes counted) records why. It is issued later:

- automatically, when a module completed afterwards in that enrolment credits time (an optional module, or one added
  to the course since): :func:`lms.certificates.issuance.issue_for_enrollment`, from ``module-completed``;
- or by hand, by a trainer or site admin who states the hours of the training (``/certificates/issue``), which the
  trainers' page of manual issuance lists.

The trainee reads the reason on the course page and on My certificates; the trainer on both steps of manual issuance.
An enrolment counts as withheld while it has the audit row and no certificate (in force or revoked) points at it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import exists, select

from lms import audit, db
from lms.accounts.models import User
from lms.audit import AuditEvent
from lms.catalog.models import Course, CourseStatus
from lms.certificates.models import Certificate
from lms.enrollment.models import Enrollment, EnrollmentStatus

#: The audit action that records a completion without a certificate (written in :func:`withhold`).
ACTION = "certificate.withheld"
#: The most enrolments the trainers' page lists (newest completions first).
LIST_LIMIT = 50


def withhold(enrollment: Enrollment, minutes: dict[str, int], org_id: int | None) -> None:
    """Record (once per enrolment) that its completion issued no certificate, with the minutes counted."""
    if not is_withheld(enrollment):
        audit.record("certificate.withheld", enrollment, None, org_id=org_id, course_id=enrollment.course_id,
                     lms_minutes=minutes)


def is_withheld(enrollment: Enrollment | None) -> bool:
    """Whether the completion of ``enrollment`` issued no certificate for want of credited time, and none was issued
    since."""
    if enrollment is None or enrollment.status is not EnrollmentStatus.COMPLETED:
        return False
    return db.session.execute(_marked().where(Enrollment.id == enrollment.id).limit(1)).first() is not None


@dataclass(frozen=True)
class Withheld:
    """A completed enrolment without a certificate, for lists."""

    enrollment: Enrollment
    course: Course
    user: User

    @property
    def completed_at(self) -> datetime:
        return self.enrollment.completed_at


def list_for_user(user: Any) -> list[Withheld]:
    """The user's completed courses that issued no certificate for want of credited time, newest first (one query)."""
    return _rows(_marked().where(Enrollment.user_id == user.id))


def list_to_issue(limit: int = LIST_LIMIT) -> list[Withheld]:
    """Every trainee's completed enrolments of published courses that wait for a certificate issued by hand, newest
    first, at most ``limit`` (one query)."""
    return _rows(_marked().where(Course.status == CourseStatus.PUBLISHED).limit(limit))


def _marked() -> Any:
    """Completed enrolments with a withholding row and no certificate pointing at them."""
    return (
        select(Enrollment, Course, User)
        .join(Course, Course.id == Enrollment.course_id)
        .join(User, User.id == Enrollment.user_id)
        .where(
            Enrollment.status == EnrollmentStatus.COMPLETED,
            exists().where(AuditEvent.object_type == "Enrollment", AuditEvent.object_id == Enrollment.id,
                           AuditEvent.action == ACTION),
            ~exists().where(Certificate.enrollment_id == Enrollment.id),
        )
        .order_by(Enrollment.completed_at.desc(), Enrollment.id.desc())
    )


def _rows(query: Any) -> list[Withheld]:
    return [Withheld(enrollment, course, user) for enrollment, course, user in db.session.execute(query).all()]
