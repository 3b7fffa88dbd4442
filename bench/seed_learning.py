"""The learning half of the large seed (bench/seed.py): the courses of ``courses/``, and for the first ``count``
trainees a completed enrolment in the core course with its certificate (95% valid, 3% revoked, 2% expired).

Codes and numbers come from the seeded random generator, so a run with the same ``--seed`` makes the same codes.
Certificates and enrolments go in with the same bulk ``insert`` as the ledger (COPY on PostgreSQL).
"""

from __future__ import annotations

import json
import random
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from lms import db
from lms.catalog.models import Course, Text
from lms.certificates.codes import ALPHABET, LENGTH
from lms.certificates.models import Certificate
from lms.content import import_courses, read_courses
from lms.enrollment.models import Enrollment

COURSES = Path(__file__).resolve().parent.parent / "courses"
CORE = "chw-core"


def ensure_courses() -> Course:
    """Import ``courses/`` unless the core course is already there; the core course."""
    course = db.session.execute(select(Course).where(Course.slug == CORE)).scalar_one_or_none()
    if course is None:
        reading = read_courses(COURSES)
        if reading.problems:
            raise SystemExit("courses/ has problems: " + "; ".join(str(p) for p in list(reading.problems)[:3]))
        import_courses(reading.courses)
        db.session.flush()
        course = db.session.execute(select(Course).where(Course.slug == CORE)).scalar_one()
    return course


def seed_certificates(rng: random.Random, course: Course, people: list[tuple[int, dict]], count: int,
                      names: dict[int, str], now: datetime,
                      insert: Callable[[Any, list[dict]], None], next_id: Callable[[type], int]) -> int:
    """Completed enrolments and certificates for the first ``count`` people; returns how many were made."""
    titles = dict(db.session.execute(select(Text.locale, Text.value).where(
        Text.owner_type == "course", Text.owner_id == course.id, Text.field == "title")).all())
    is_pg = db.session.connection().dialect.name == "postgresql"
    enrollments, certificates = [], []
    for n, (uid, org) in enumerate(people[:count]):
        issued = now - timedelta(days=rng.randrange(1, 700), minutes=rng.randrange(0, 1440))
        enrollment_id = next_id(Enrollment)
        enrollments.append({
            "id": enrollment_id, "user_id": uid, "course_id": course.id, "course_version": course.version,
            "status": "completed", "enrolled_at": issued - timedelta(days=60), "enrolled_by_id": None,
            "completed_at": issued, "current_lesson_id": None, "current_lesson_started_at": None,
        })
        roll = rng.random()
        snapshot = _snapshot(names[uid], course, titles, issued)
        certificates.append({
            "id": next_id(Certificate), "code": "".join(rng.choice(ALPHABET) for _ in range(LENGTH)),
            "number": f"CHW-B{issued.year}-{n:07d}", "user_id": uid, "course_id": course.id,
            "course_version": course.version, "enrollment_id": enrollment_id, "org_id": org["id"],
            "status": "revoked" if roll < 0.03 else "valid", "issued_at": issued,
            "expires_at": now - timedelta(days=1) if 0.03 <= roll < 0.05 else issued + timedelta(days=730),
            "snapshot": json.dumps(snapshot) if is_pg else snapshot, "issued_by_id": None, "issue_reason": None,
            "recipient_salt": secrets.token_hex(16), "revoked_at": now if roll < 0.03 else None,
            "revoked_by_id": None, "revocation_reason": "Issued in error (bench seed)" if roll < 0.03 else None,
        })
    for chunk in range(0, len(certificates), 50_000):
        insert(Enrollment.__table__, enrollments[chunk:chunk + 50_000])
        insert(Certificate.__table__, certificates[chunk:chunk + 50_000])
    return len(certificates)


def _snapshot(name: str, course: Course, titles: dict[str, str], issued: datetime) -> dict[str, Any]:
    """What lms.certificates.snapshot.build_snapshot stores, for a trainee who did every module of the core course."""
    areas = sorted(course.competency_areas)
    return {
        "holder_name": name, "course_slug": course.slug, "course_titles": titles,
        "source_locale": course.source_locale, "course_version": course.version, "course_kind": course.kind.value,
        "competency_areas": areas, "specialties": list(course.specialties),
        "minutes": {"live": 240, "self_paced": 1320, "field": 480, "total": 2040},
        "minutes_by_area": {area: 120 for area in areas},
        "started_on": (issued - timedelta(days=60)).date().isoformat(),
        "completed_on": issued.date().isoformat(), "issued_on": issued.date().isoformat(),
        "issuer": {"name": "CHW Learn", "signatory_name": "Training Director", "signatory_title": "CHW Training Program",
                   "url": ""},
        "delivery_languages": ["en"],
    }
