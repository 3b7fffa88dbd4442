"""Helpers for the tests of field experience toward a course: a published course with a field module, the trainee of
``tests.test_hours_ledger.make_staff`` enrolled in it."""

from __future__ import annotations

from typing import Any

from lms import db
from lms.accounts.models import SiteRole
from lms.catalog.models import Course, Module, ModuleKind
from lms.enrollment import services as enrollment_services
from tests.test_hours_ledger import Staff, make_course


def enrolled_field_course(make_user: Any, staff: Staff, field_minutes: int) -> tuple[Course, dict[str, Module]]:
    """A published course (``core``) by a new trainer, with the field module ``field`` crediting ``field_minutes`` and
    the self-paced module ``reading`` (30 minutes, one lesson); ``staff.trainee`` enrolled; committed. Returns the
    course and its modules by slug."""
    trainer = make_user(role=SiteRole.TRAINER)
    course, modules = make_course(trainer, field=(ModuleKind.FIELD, field_minutes), reading=(ModuleKind.SELF_PACED, 30))
    enrollment_services.enroll(staff.trainee, course)
    db.session.commit()
    return course, modules
