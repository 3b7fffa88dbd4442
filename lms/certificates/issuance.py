"""Issue certificates: automatically when an enrolment completes, or by hand with a written reason.

Exactly one certificate in force per trainee and course version: a unique index over the certificates not revoked,
and a race simply finds the winner's row. A revoked certificate (issued in error, with a misspelt name) stays as it is,
and a new one may replace it: the audit row of the new one names the number it replaces.
The certificate stores a snapshot of everything it states, so later changes to courses or names never alter it.
Automatically, its training time is the credited minutes of the completed modules; by hand, it is the time the issuer
states (the training may have been done outside the LMS), and the audit row keeps both.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from flask import current_app
from flask_babel import format_date, format_decimal
from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError

from lms import audit, db
from lms.accounts.models import User
from lms.catalog.models import Course, CourseStatus, Module, ModuleKind, Text
from lms.certificates import dates
from lms.certificates.codes import new_code, new_number
from lms.certificates.models import Certificate
from lms.db import utcnow
from lms.enrollment.models import Enrollment, EnrollmentStatus, ModuleCompletion
from lms.errors import DomainError
from lms.i18n import _, ngettext
from lms.orgs.models import Membership, Organisation
from lms.signals import enrollment_completed

#: The most hours a certificate issued by hand may state in each category (live, self-paced, field experience). Real
#: programs are far below it: the paused HCAI draft asks for 80 hours in all, and long college CHW certificates come to
#: a few hundred contact hours. It is there to refuse slips such as minutes typed as hours (2400 for 40 hours).
MAX_STATED_HOURS = 500

#: The earliest day a certificate issued by hand may state as the completion of its training (as the hours ledger).
EARLIEST_COMPLETION = date(2000, 1, 1)


@dataclass(frozen=True)
class TrainingMinutes:
    """Training time in minutes per category: what a certificate issued by hand states, or what the LMS credited."""

    live: int = 0
    self_paced: int = 0
    field: int = 0

    @property
    def total(self) -> int:
        return self.live + self.self_paced + self.field

    def as_dict(self) -> dict[str, int]:
        """The snapshot's ``minutes``: the same keys the automatic certificates have."""
        return {"live": self.live, "self_paced": self.self_paced, "field": self.field, "total": self.total}


def stated_minutes_problem(stated: TrainingMinutes) -> str | None:
    """Why a certificate may not state this training time (None when it may)."""
    if any(not 0 <= value <= MAX_STATED_HOURS * 60 for value in (stated.live, stated.self_paced, stated.field)):
        return ngettext(
            "Each kind of training time must be between 0 and %(max)s hour.",
            "Each kind of training time must be between 0 and %(max)s hours.",
            MAX_STATED_HOURS,
            max=format_decimal(MAX_STATED_HOURS),
        )
    if stated.total == 0:
        return _(
            "A certificate cannot state 0 hours of training: enter the live, self-paced or field-experience "
            "hours the trainee completed."
        )
    return None


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
) -> Certificate:
    """The certificate of a completed enrolment (created once; later calls return the same one). It states the
    credited minutes of the completed modules, or ``stated`` (a manual issue), which the audit row keeps beside them.
    ``now`` is the moment of issue (default: the current time); ``completed_on`` the day the training was completed,
    when the issuer states it (a manual issue for training done elsewhere)."""
    user = db.session.get(User, enrollment.user_id)
    course = db.session.get(Course, enrollment.course_id)
    existing = get_certificate(user, course)
    if existing is not None:
        return existing
    now = now or utcnow()
    zone = dates.holder_zone(user)
    expires_at = _add_months(now.astimezone(zone), course.certificate_validity_months)
    credited, by_area = _minutes(enrollment)
    states = stated.as_dict() if stated is not None else credited
    certificate = Certificate(
        code=new_code(),
        number=new_number(dates.local_day(now, zone).year),
        user_id=user.id,
        course_id=course.id,
        course_version=course.version,
        enrollment_id=enrollment.id,
        org_id=_employer_id(user),
        issued_at=now,
        expires_at=expires_at.astimezone(UTC) if expires_at else None,
        snapshot=build_snapshot(user, course, enrollment, now, states, by_area, expires_at=expires_at, completed_on=completed_on),
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
    details: dict[str, Any] = {"lms_minutes": credited, "stated_minutes": stated.as_dict()} if stated is not None else {}
    replaced = get_revoked(user, course)
    if replaced is not None:
        details["replaces"] = replaced.number
    if completed_on is not None:
        details["completed_on"] = completed_on.isoformat()
    audit.record(
        "certificate.issued", certificate, actor, org_id=certificate.org_id, reason=reason, code_prefix=certificate.code[:4], **details
    )
    return certificate


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
    trainee's calendar (default: the day the LMS recorded the completion, else the issue day). Every refusal is a
    :class:`DomainError` raised before anything is written; a certificate already in force is returned as it is.
    """
    if not (reason or "").strip():
        raise DomainError(_("Write the reason for issuing this certificate by hand."))
    problem = stated_minutes_problem(stated) if stated is not None else None
    problem = problem or (completed_day_problem(completed_on, user) if completed_on is not None else None)
    if problem:
        raise DomainError(problem)
    enrollment = _enrollment(user, course)
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
    return issue_for_enrollment(
        enrollment,
        actor=actor,
        reason=reason.strip(),
        stated=stated,
        completed_on=completed_on,
    )


def _credited_to_state(user: User, course: Course, enrollment: Enrollment | None) -> TrainingMinutes:
    """What a manual issue that states no training time states: the credited minutes of the modules completed in the
    LMS. None credited is refused (a new certificate would state 0 hours), unless the trainee already has a
    certificate of this course version, which the issue then returns unchanged."""
    credited = _credited(enrollment) if enrollment is not None else TrainingMinutes()
    if credited.total == 0 and get_certificate(user, course) is None:
        raise DomainError(
            # i18n: refusal of a certificate issued by hand (by code, without hours) for a trainee who completed nothing
            _(
                "The trainee has completed no training in this course that the LMS credits, so the certificate would "
                "state 0 hours: state the hours of training done outside the LMS (live, self-paced or field experience)."
            )
        )
    return credited


def completed_day_problem(day: date, user: User) -> str | None:
    """Why a certificate may not state this day of completion (None when it may): not after today on the trainee's
    calendar, and not before the earliest date the LMS records training for."""
    if day > dates.local_day(utcnow(), dates.holder_zone(user)):
        return _("The training cannot have been completed after today.")
    if day < EARLIEST_COMPLETION:
        return _("Enter a date on or after %(date)s.", date=format_date(EARLIEST_COMPLETION, "long"))
    return None


def get_credited_minutes(user: User, course: Course) -> TrainingMinutes:
    """The credited minutes of the modules of ``course`` the trainee has completed in the LMS (none if not enrolled)."""
    enrollment = _enrollment(user, course)
    return _credited(enrollment) if enrollment is not None else TrainingMinutes()


def _credited(enrollment: Enrollment) -> TrainingMinutes:
    minutes = _minutes(enrollment)[0]
    return TrainingMinutes(live=minutes["live"], self_paced=minutes["self_paced"], field=minutes["field"])


def _enrollment(user: User, course: Course) -> Enrollment | None:
    return db.session.execute(
        select(Enrollment).where(Enrollment.user_id == user.id, Enrollment.course_id == course.id)
    ).scalar_one_or_none()


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


def _add_months(moment: datetime, months: int | None) -> datetime | None:
    """``months`` later on the calendar of ``moment``'s zone (the trainee's), so the expiry day matches the issue day
    (the last day of a shorter month for the 31st)."""
    if not months:
        return None
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    for day in (moment.day, 30, 29, 28):
        try:
            return moment.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def build_snapshot(
    user: User,
    course: Course,
    enrollment: Enrollment,
    issued_at: datetime,
    minutes: dict[str, int],
    by_area: dict[str, int],
    expires_at: datetime | None = None,
    completed_on: date | None = None,
) -> dict[str, Any]:
    """Plain data for the PDF, the verification page and the signed credential; ``minutes`` is the training time it
    states (live, self_paced, field, total) and ``by_area`` the credited minutes per competency area. Its dates are days
    on the trainee's calendar (:mod:`lms.certificates.dates`); ``completed_on``, stated by a manual issuer, replaces the
    day the LMS recorded, and the start is never after it."""
    zone = dates.holder_zone(user)
    completed = completed_on or dates.local_day(enrollment.completed_at or issued_at, zone)
    started = min(dates.local_day(enrollment.enrolled_at, zone), completed)
    titles = dict(
        db.session.execute(
            select(Text.locale, Text.value).where(
                Text.owner_type == "course", Text.owner_id == course.id, Text.field == "title", Text.value != ""
            )
        ).all()
    )
    issuer = _issuer(course)
    delivery = sorted({user.locale or course.source_locale} & set(titles) or {course.source_locale})
    return {
        "holder_name": user.name,
        "course_slug": course.slug,
        "course_titles": titles,
        "source_locale": course.source_locale,
        "course_version": course.version,
        "course_kind": course.kind.value,
        "competency_areas": sorted({a for a in course.competency_areas} | set(by_area)),
        "specialties": list(course.specialties),
        "minutes": minutes,
        "minutes_by_area": by_area,
        "started_on": started.isoformat(),
        "completed_on": completed.isoformat(),
        "issued_on": dates.local_day(issued_at, zone).isoformat(),
        "expires_on": dates.local_day(expires_at, zone).isoformat() if expires_at else None,
        "time_zone": zone.key,
        "issuer": issuer,
        "delivery_languages": delivery,
    }


def _minutes(enrollment: Enrollment) -> tuple[dict[str, int], dict[str, int]]:
    rows = db.session.execute(
        select(ModuleCompletion.credited_minutes, Module.kind, Module.competency_areas)
        .join(Module, Module.id == ModuleCompletion.module_id)
        .where(ModuleCompletion.enrollment_id == enrollment.id)
    ).all()
    minutes = {"live": 0, "self_paced": 0, "field": 0}
    by_area: dict[str, int] = {}
    for credited, kind, areas in rows:
        minutes[{ModuleKind.LIVE: "live", ModuleKind.FIELD: "field"}.get(kind, "self_paced")] += credited
        for area in areas or []:
            by_area[area] = by_area.get(area, 0) + credited
    minutes["total"] = minutes["live"] + minutes["self_paced"] + minutes["field"]
    return minutes, by_area


def _issuer(course: Course) -> dict[str, str]:
    config = current_app.config
    org = db.session.get(Organisation, course.issuer_org_id) if course.issuer_org_id else None
    return {
        "name": org.name if org else config["LMS_CERT_ISSUER_NAME"],
        "signatory_name": (org.signatory_name if org and org.signatory_name else config["LMS_CERT_SIGNATORY_NAME"]),
        "signatory_title": (org.signatory_title if org and org.signatory_title else config["LMS_CERT_SIGNATORY_TITLE"]),
        "url": config.get("LMS_BASE_URL") or "",
    }


def _on_enrollment_completed(enrollment: Enrollment, **_: Any) -> None:
    issue_for_enrollment(enrollment)


enrollment_completed.connect(_on_enrollment_completed)
