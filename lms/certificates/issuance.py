"""Issue certificates: automatically when an enrolment completes, or by hand with a written reason.

Exactly one certificate in force per trainee and course version: a unique index over the certificates not revoked,
and a race simply finds the winner's row. A revoked certificate (issued in error, with a misspelt name) stays as it is,
and a new one may replace it: the audit row of the new one names the number it replaces.
The certificate stores a snapshot of everything it states (:mod:`lms.certificates.snapshot`), so later changes to
courses or names never alter it. Automatically, its training time is the credited minutes of the completed modules
(:mod:`lms.certificates.training`); by hand, it is the time the issuer states (the training may have been done outside
the LMS), and the audit row keeps both. Its days are the trainee's (:mod:`lms.certificates.dates`): it starts on the
earliest day of the training it counts and ends on the day the course was completed (or the day a manual issuer
states). A completion that credits 0 minutes issues no certificate (:mod:`lms.certificates.withheld`).
"""

from __future__ import annotations

import secrets
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError

from lms import audit, db
from lms.accounts.models import User
from lms.accounts.services import unconfirmed_message
from lms.catalog.models import Course, CourseStatus
from lms.certificates import dates, training, withheld
from lms.certificates.codes import new_code, new_number
from lms.certificates.models import Certificate
from lms.certificates.snapshot import add_months, build_snapshot
from lms.certificates.training import Counted, TrainingMinutes, stated_minutes_problem
from lms.db import utcnow
from lms.enrollment.models import Enrollment, EnrollmentStatus
from lms.errors import DomainError
from lms.i18n import _
from lms.orgs.models import Membership
from lms.reasons import required_reason
from lms.signals import enrollment_completed, module_completed


def get_certificate(user: User, course: Course) -> Certificate | None:
    """The trainee's certificate in force (not revoked) for the course's current version, if any."""
    return db.session.execute(
        _of_version(user, course).where(Certificate.revoked_at.is_(None))
    ).scalar_one_or_none()


def get_revoked(user: User, course: Course) -> Certificate | None:
    """The trainee's most recently revoked certificate for the course's current version, if any: a new one replaces it."""
    return (
        db.session.execute(
            _of_version(user, course).where(Certificate.revoked_at.is_not(None)).order_by(Certificate.revoked_at.desc())
        )
        .scalars()
        .first()
    )


def replacement_course(cert: Certificate) -> Course | None:
    """The course a replacement of ``cert`` would be issued for (at its current version): its own, while the course
    is published; None otherwise (a course withdrawn or archived issues nothing)."""
    course = db.session.get(Course, cert.course_id)
    return course if course is not None and course.status is CourseStatus.PUBLISHED else None


def replacement_problem(cert: Certificate, actor: Any) -> str | None:
    """Why ``actor`` cannot issue a replacement of the revoked ``cert`` yet, as :func:`issue_manually` would refuse it
    (their own certificate; a holder who has not confirmed their address, whose step 2 is not found); None when
    nothing stands in the way but the course (:func:`replacement_course`)."""
    holder = db.session.get(User, cert.user_id)
    if holder is None:
        return None
    if getattr(actor, "id", None) == holder.id:
        return _own_message()
    if not holder.is_email_confirmed:
        return _("A replacement cannot be issued yet: %(name)s has not confirmed their email address. Once they "
                 "confirm it (when they sign in, they can ask for a new confirmation email), you can issue it from "
                 "this page.", name=holder.name)
    return None


def _of_version(user: User, course: Course) -> Select:
    return select(Certificate).where(
        Certificate.user_id == user.id, Certificate.course_id == course.id, Certificate.course_version == course.version
    )


def issue_for_enrollment(
    enrollment: Enrollment,
    actor: Any = None,
    reason: str | None = None,
    stated: TrainingMinutes | None = None,
    now: datetime | None = None,
    completed_on: date | None = None,
) -> Certificate | None:
    """The certificate of a completed enrolment (created once; later calls return the same one). It states the
    credited minutes of the completed modules, or ``stated`` (a manual issue), which the audit row keeps beside them.
    ``now`` is the moment of issue (default: the current time); ``completed_on`` the day the training was completed,
    when the issuer states it (a manual issue for training done elsewhere).

    Without ``stated``, completed modules that credit 0 minutes in all issue nothing: None is returned and the
    withholding recorded (:func:`lms.certificates.withheld.withhold`)."""
    user = db.session.get(User, enrollment.user_id)
    course = db.session.get(Course, enrollment.course_id)
    existing = get_certificate(user, course)
    if existing is not None:
        return existing
    counted = training.count(enrollment)
    if stated is None and counted.minutes["total"] == 0:
        withheld.withhold(enrollment, counted.minutes, _employer_id(user))
        return None
    return _issue(user, course, enrollment, counted, actor, reason, stated, now or utcnow(), completed_on)


def _issue(
    user: User,
    course: Course,
    enrollment: Enrollment,
    counted: Counted,
    actor: Any,
    reason: str | None,
    stated: TrainingMinutes | None,
    now: datetime,
    completed_on: date | None,
) -> Certificate:
    zone = dates.holder_zone(user)
    # the stated day is months on from the issue day; the certificate is valid until that day ends where they are
    expires_at = add_months(now.astimezone(zone), course.certificate_validity_months)
    basis, live_starts = training.live_basis(user.id, counted)
    field = training.field_basis(counted) if stated is None else None
    completed = completed_on or dates.local_day(enrollment.completed_at or now, zone)
    started = min(training.first_day(enrollment, counted, live_starts, zone) or completed, completed)
    certificate = Certificate(
        code=new_code(),
        number=new_number(dates.local_day(now, zone).year),
        user_id=user.id,
        course_id=course.id,
        course_version=course.version,
        enrollment_id=enrollment.id,
        org_id=_employer_id(user),
        issued_at=now,
        expires_at=dates.end_of_day(expires_at.date(), zone) if expires_at else None,
        snapshot=build_snapshot(
            user, course, now, stated.as_dict() if stated is not None else counted.minutes, counted.by_area,
            started=started, completed=completed, expires_at=expires_at,
            live_basis=basis.as_dict() if basis is not None and stated is None else None,
            field_basis=field.as_dict() if field is not None else None, enrollment=enrollment,
        ),
        issued_by_id=getattr(actor, "id", None),
        issue_reason=reason,
        recipient_salt=secrets.token_hex(16),
    )
    try:
        with db.session.begin_nested():
            db.session.add(certificate)
            db.session.flush()
    except IntegrityError:  # a simultaneous completion won the race: there is still exactly one
        return get_certificate(user, course)
    details: dict[str, Any] = {"lms_minutes": counted.minutes, "stated_minutes": stated.as_dict()} if stated is not None else {}
    replaced = get_revoked(user, course)
    if replaced is not None:
        details["replaces"] = replaced.number
    if completed_on is not None:
        details["completed_on"] = completed_on.isoformat()
    audit.record(
        "certificate.issued", certificate, actor, org_id=certificate.org_id, reason=reason, code_prefix=certificate.code[:4], **details
    )
    return certificate


def check_not_own(user: User, actor: Any) -> None:
    """Nobody issues a certificate to themself by hand, site admins included: as with hours
    (:func:`lms.hours.approvals.transition`), someone else decides. Raises :class:`DomainError`."""
    if actor is None or getattr(actor, "id", None) == user.id:
        raise DomainError(_own_message())


def _own_message() -> str:
    return _("You cannot issue a certificate to yourself. Another trainer or a site admin must do it.")


def issue_manually(
    user: User,
    course: Course,
    actor: User,
    reason: str,
    stated: TrainingMinutes | None = None,
    completed_on: date | None = None,
) -> Certificate:
    """Issue by hand (site admin or trainer), with a written reason; the trainee is enrolled if needed.

    ``stated`` is the training time the certificate states (the web form asks for it: the training may have been done
    outside the LMS); without it, the credited minutes of the modules completed in the LMS, as an automatic issue,
    which must not be 0 (a certificate of no training). ``completed_on`` is the day the training was completed, on the
    trainee's calendar (default: the day the LMS recorded the completion, else the issue day). Nobody issues to
    themself (:func:`check_not_own`), nor to an account whose owner has not confirmed its address. Every refusal is a
    :class:`DomainError` raised before anything is written; a certificate already in force is returned as it is.
    """
    check_not_own(user, actor)
    if not user.is_email_confirmed:  # never to an account made with someone else's address
        raise DomainError(unconfirmed_message())
    reason = required_reason(reason, _("Write the reason for issuing this certificate by hand."), field=None)
    problem = stated_minutes_problem(stated) if stated is not None else None
    problem = problem or (dates.completed_day_problem(completed_on, user) if completed_on is not None else None)
    if problem:
        raise DomainError(problem)
    enrollment = training.enrollment_of(user, course)
    if stated is None:
        stated = _credited_to_state(user, course, enrollment)
    if enrollment is None:
        enrollment = Enrollment(
            user_id=user.id,
            course_id=course.id,
            course_version=course.version,
            enrolled_by_id=actor.id,
            status=EnrollmentStatus.ACTIVE,
        )
        db.session.add(enrollment)
        db.session.flush()
        # The enrolment is a record of its own (the trainee's course list, their manager's reports): its row says who
        # made it and why, as the certificate's does.
        audit.record("enrollment.created", enrollment, actor, reason=reason, via="manual_certificate")
    existing = get_certificate(user, course)
    if existing is not None:
        return existing
    return _issue(user, course, enrollment, training.count(enrollment), actor, reason, stated, utcnow(), completed_on)


def _credited_to_state(user: User, course: Course, enrollment: Enrollment | None) -> TrainingMinutes:
    """What a manual issue that states no training time states: the credited minutes of the modules completed in the
    LMS. None credited is refused (a new certificate would state 0 hours), unless the trainee already has a
    certificate of this course version, which the issue then returns unchanged."""
    credited = training.count(enrollment).time
    if credited.total == 0 and get_certificate(user, course) is None:
        raise DomainError(
            # i18n: refusal of a certificate issued by hand (by code, without hours) for a trainee who completed nothing
            _(
                "The trainee has completed no training in this course that the LMS credits, so the certificate would "
                "state 0 hours: state the hours of training done outside the LMS (live, self-paced or field experience)."
            )
        )
    return credited


def _employer_id(user: User) -> int | None:
    return (
        db.session.execute(
            select(Membership.org_id)
            .where(Membership.user_id == user.id, Membership.employment_end.is_(None))
            .order_by(Membership.employment_start.is_(None), Membership.employment_start)
        )
        .scalars()
        .first()
    )


def _on_enrollment_completed(enrollment: Enrollment, **_: Any) -> None:
    issue_for_enrollment(enrollment)


def _on_module_completed(completion: Any, enrollment: Enrollment | None = None, **_: Any) -> None:
    """A module that credits time, completed in a course completed without a certificate for want of credited time,
    issues it now; the training it counts ends that day."""
    if enrollment is None or completion.credited_minutes <= 0 or not withheld.is_withheld(enrollment):
        return
    zone = dates.holder_zone(db.session.get(User, enrollment.user_id))
    issue_for_enrollment(enrollment, completed_on=dates.local_day(completion.completed_at, zone))


enrollment_completed.connect(_on_enrollment_completed)
module_completed.connect(_on_module_completed)
