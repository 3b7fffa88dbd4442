"""Completed courses without a certificate because the training they credit comes to 0 minutes.

A certificate never states 0 hours (a certificate of no training). When every module a trainee completed in a course
credits 0 minutes, the course is still complete, but no certificate is issued: the ``certificate.withheld`` audit row
(on the enrolment, under the trainee's employer, with the minutes counted) records why. It is issued later:

- automatically, when a module completed afterwards in that enrolment credits time (an optional module, or one added
  to the course since): :func:`lms.certificates.issuance.issue_for_enrollment`, from ``module-completed``;
- or by hand, by a trainer or site admin who states the hours of the training (``/certificates/issue``), which the
  trainers' page of manual issuance lists.

The trainee reads the reason on the course page and on My certificates; the trainer on both steps of manual issuance;
the trainee's employer (its managers, while the trainee works there now, as for certificates:
:mod:`lms.certificates.queries`) on the staff member's page, the staff certificates list, the staff list and the
continuing-education dashboard. An enrolment counts as withheld while it has the audit row and no certificate (in
force or revoked) points at it. Trainers are warned before it happens: the authoring page of a course whose required
modules credit 0 minutes in all says so, and so does the confirmation of publishing it (:func:`withholds_on_completion`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import exists, select

from lms import audit, db
from lms.accounts.models import User
from lms.audit import AuditEvent
from lms.catalog.models import Course, CourseStatus, Module
from lms.catalog.texts import load_course_titles
from lms.certificates import dates
from lms.certificates.models import Certificate
from lms.enrollment.models import Enrollment, EnrollmentStatus
from lms.orgs.models import Membership

#: The audit action that records a completion without a certificate (written in :func:`withhold`).
ACTION = "certificate.withheld"
#: The most enrolments the trainers' page lists (newest completions first).
LIST_LIMIT = 50


def withholds_on_completion(modules: Iterable[Module]) -> bool:
    """Whether completing a course whose modules are ``modules`` (those trainees see and need: a self-paced module
    with nothing in it to do is neither, :mod:`lms.catalog.visibility`) issues no certificate by itself: it has
    required modules and they credit 0 minutes in all. Its required modules alone complete it, so a trainee who
    completes nothing else completes it without a certificate (:func:`withhold`). What the course's authoring page
    and its publishing confirmation warn about."""
    required = [module for module in modules if module.is_required and not module.is_archived]
    return bool(required) and sum(module.credited_minutes or 0 for module in required) == 0


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


def list_for_org(org_id: int, limit: int = LIST_LIMIT) -> list[Withheld]:
    """The completed courses without a certificate of the organisation's current staff (wherever they completed
    them, as its managers see their certificates), newest first, at most ``limit`` (one query)."""
    return _rows(_marked().where(Enrollment.user_id.in_(_current_staff(org_id))).limit(limit))


def staff_ids_for_org(org_id: int) -> set[int]:
    """The organisation's current staff (user ids) with a completed course without a certificate: what its staff
    list marks (one query)."""
    query = select(Enrollment.user_id).where(*_withheld_conditions(), Enrollment.user_id.in_(_current_staff(org_id)))
    return set(db.session.execute(query.distinct()).scalars())


def _current_staff(org_id: int) -> Any:
    return select(Membership.user_id).where(Membership.org_id == org_id, Membership.employment_end.is_(None))


def list_for_staff_member(membership: Membership) -> list[Withheld] | None:
    """What the organisation sees of one staff member's completed courses without a certificate: all of them while
    they work there now; None once their employment ended (as :func:`lms.certificates.queries.list_for_staff_member`)."""
    return list_for_user(membership.user) if membership.is_current else None


def list_to_issue(limit: int = LIST_LIMIT) -> list[Withheld]:
    """Every trainee's completed enrolments of published courses that wait for a certificate issued by hand, newest
    first, at most ``limit`` (one query)."""
    return _rows(_marked().where(Course.status == CourseStatus.PUBLISHED).limit(limit))


def _marked() -> Any:
    """Completed enrolments with a withholding row and no certificate pointing at them, with course and trainee."""
    return (
        select(Enrollment, Course, User)
        .join(Course, Course.id == Enrollment.course_id)
        .join(User, User.id == Enrollment.user_id)
        .where(*_withheld_conditions())
        .order_by(Enrollment.completed_at.desc(), Enrollment.id.desc())
    )


def _withheld_conditions() -> tuple[Any, ...]:
    return (
        Enrollment.status == EnrollmentStatus.COMPLETED,
        exists().where(AuditEvent.object_type == "Enrollment", AuditEvent.object_id == Enrollment.id,
                       AuditEvent.action == ACTION),
        ~exists().where(Certificate.enrollment_id == Enrollment.id),
    )


def _rows(query: Any) -> list[Withheld]:
    return [Withheld(enrollment, course, user) for enrollment, course, user in db.session.execute(query).all()]


@dataclass(frozen=True)
class Shown:
    """A completion without a certificate as the pages list it: the course's title in the viewer's language (or its
    source language, ``title_lang``) and the day it was completed, on the trainee's calendar."""

    user: User
    course: Course
    title: str
    title_lang: str
    completed_on: date


def shown(rows: list[Withheld], locale: str) -> list[Shown]:
    """:class:`Shown` for each of ``rows``, in order: one query for the titles (none without rows)."""
    titles = load_course_titles([row.course for row in rows], locale)
    found = []
    for row in rows:
        title = titles[row.course.id].get(row.course, "title")
        found.append(Shown(row.user, row.course, title.value or row.course.slug,
                           title.locale or row.course.source_locale, dates.completion_day(row.user, row.completed_at)))
    return found
