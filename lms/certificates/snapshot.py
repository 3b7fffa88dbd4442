"""The snapshot of a certificate: plain data for the PDF, the verification page and the signed credential, frozen at
issue time so that later changes to the course, its translations, the issuer or the trainee's name never alter it."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select

from lms import db
from lms.accounts.models import User
from lms.catalog.models import Course, Text
from lms.certificates import dates
from lms.certificates.delivery import delivery_languages
from lms.enrollment.models import Enrollment
from lms.orgs.models import Organisation


def build_snapshot(
    user: User,
    course: Course,
    issued_at: datetime,
    minutes: dict[str, int],
    by_area: dict[str, int],
    *,
    started: date,
    completed: date,
    expires_at: datetime | None = None,
    live_basis: dict[str, int] | None = None,
    field_basis: dict[str, int] | None = None,
    enrollment: Enrollment | None = None,
) -> dict[str, Any]:
    """The snapshot of a certificate issued at ``issued_at``: ``minutes`` is the training time it states (live,
    self_paced, field, total), ``by_area`` the credited minutes per competency area, ``started`` and ``completed`` the
    days of its training and ``expires_at`` its expiry (on the trainee's calendar, :mod:`lms.certificates.dates`);
    ``live_basis`` the attendance its live time rests on (:class:`lms.certificates.training.LiveBasis`) and
    ``field_basis`` the approved field minutes its field time rests on (:class:`lms.certificates.training.FieldBasis`),
    each kept only when there is one; ``enrollment`` the enrolment whose recorded work tells the language(s) of
    delivery (:mod:`lms.certificates.delivery`)."""
    zone = dates.holder_zone(user)
    titles = dict(
        db.session.execute(
            select(Text.locale, Text.value).where(
                Text.owner_type == "course", Text.owner_id == course.id, Text.field == "title", Text.value != ""
            )
        ).all()
    )
    delivery = delivery_languages(user, course.source_locale, set(titles), _stretch(started, completed, issued_at, zone),
                                  enrollment)
    snapshot = {
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
        "issuer": _issuer(course),
        "delivery_languages": delivery,
    }
    if live_basis is not None:
        snapshot["live_basis"] = live_basis
    if field_basis is not None:
        snapshot["field_basis"] = field_basis
    return snapshot


def _stretch(started: date, completed: date, issued_at: datetime, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The training's time: from the start of its first day to the end of its completion day (or the issue, if
    earlier), on the holder's calendar."""
    start = datetime.combine(started, time.min, tzinfo=zone)
    end = min(datetime.combine(completed + timedelta(days=1), time.min, tzinfo=zone), issued_at)
    return start, max(start, end)


def add_months(moment: datetime, months: int | None) -> datetime | None:
    """``months`` later on the calendar of ``moment``'s zone (the trainee's), so the expiry day matches the issue day
    (the last day of a shorter month for the 31st); None for no months (a certificate that never expires)."""
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


def _issuer(course: Course) -> dict[str, str]:
    config = current_app.config
    org = db.session.get(Organisation, course.issuer_org_id) if course.issuer_org_id else None
    return {
        "name": org.name if org else config["LMS_CERT_ISSUER_NAME"],
        "signatory_name": (org.signatory_name if org and org.signatory_name else config["LMS_CERT_SIGNATORY_NAME"]),
        "signatory_title": (org.signatory_title if org and org.signatory_title else config["LMS_CERT_SIGNATORY_TITLE"]),
        "url": config.get("LMS_BASE_URL") or "",
    }
