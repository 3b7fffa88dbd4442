"""Issue certificates: automatically when an enrolment completes, or by hand with a written reason.

Exactly once per trainee and course version: a unique constraint, and a race simply finds the winner's row.
The certificate stores a snapshot of everything it states, so later changes to courses or names never alter it.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from lms import audit, db
from lms.accounts.models import User
from lms.catalog.models import Course, Module, ModuleKind, Text
from lms.certificates.codes import new_code, new_number
from lms.certificates.models import Certificate
from lms.db import utcnow
from lms.enrollment.models import Enrollment, EnrollmentStatus, ModuleCompletion
from lms.errors import DomainError
from lms.i18n import _
from lms.orgs.models import Membership, Organisation
from lms.signals import enrollment_completed


def get_certificate(user: User, course: Course) -> Certificate | None:
    return db.session.execute(
        select(Certificate).where(Certificate.user_id == user.id, Certificate.course_id == course.id,
                                  Certificate.course_version == course.version)
    ).scalar_one_or_none()


def issue_for_enrollment(enrollment: Enrollment, actor: Any = None, reason: str | None = None) -> Certificate:
    """The certificate of a completed enrolment (created once; later calls return the same one)."""
    user = db.session.get(User, enrollment.user_id)
    course = db.session.get(Course, enrollment.course_id)
    existing = get_certificate(user, course)
    if existing is not None:
        return existing
    now = utcnow()
    certificate = Certificate(
        code=new_code(),
        number=new_number(now.year),
        user_id=user.id,
        course_id=course.id,
        course_version=course.version,
        enrollment_id=enrollment.id,
        org_id=_employer_id(user),
        issued_at=now,
        expires_at=_add_months(now, course.certificate_validity_months),
        snapshot=build_snapshot(user, course, enrollment, now),
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
    audit.record("certificate.issued", certificate, actor, org_id=certificate.org_id, reason=reason,
                 code_prefix=certificate.code[:4])
    return certificate


def issue_manually(user: User, course: Course, actor: User, reason: str) -> Certificate:
    """Issue by hand (site admin or trainer), with a written reason; the trainee is enrolled if needed."""
    if not (reason or "").strip():
        raise DomainError(_("Write the reason for issuing this certificate by hand."))
    enrollment = db.session.execute(
        select(Enrollment).where(Enrollment.user_id == user.id, Enrollment.course_id == course.id)
    ).scalar_one_or_none()
    if enrollment is None:
        enrollment = Enrollment(user_id=user.id, course_id=course.id, course_version=course.version,
                                enrolled_by_id=actor.id, status=EnrollmentStatus.ACTIVE)
        db.session.add(enrollment)
        db.session.flush()
    return issue_for_enrollment(enrollment, actor=actor, reason=reason.strip())


def _employer_id(user: User) -> int | None:
    return db.session.execute(
        select(Membership.org_id).where(Membership.user_id == user.id, Membership.employment_end.is_(None))
        .order_by(Membership.employment_start.is_(None), Membership.employment_start)
    ).scalars().first()


def _add_months(moment: datetime, months: int | None) -> datetime | None:
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


def build_snapshot(user: User, course: Course, enrollment: Enrollment, issued_at: datetime) -> dict[str, Any]:
    """Plain data for the PDF, the verification page and the signed credential."""
    titles = dict(db.session.execute(
        select(Text.locale, Text.value).where(Text.owner_type == "course", Text.owner_id == course.id,
                                              Text.field == "title", Text.value != "")
    ).all())
    minutes, by_area = _minutes(enrollment)
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
        "started_on": enrollment.enrolled_at.date().isoformat(),
        "completed_on": (enrollment.completed_at or issued_at).date().isoformat(),
        "issued_on": issued_at.date().isoformat(),
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
