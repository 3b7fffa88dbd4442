"""Reading lessons: a lesson opened (time on task measured on the server, capped per visit) and a lesson done."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Select, bindparam, select

from lms import db
from lms.catalog.models import Lesson
from lms.catalog.services import Outline
from lms.db import prepared
from lms.enrollment.completion import check_completion
from lms.enrollment.models import Enrollment, EnrollmentStatus, LessonProgress
from lms.errors import DomainError
from lms.i18n import _


def _progress(enrollment: Enrollment, lesson_id: int, known: dict[int, LessonProgress] | None = None) -> LessonProgress:
    """The trainee's progress row for a lesson, created on first need. ``known``: rows already loaded by
    :func:`_progress_rows` (a lesson missing from it has no row yet)."""
    if known is None:
        known = _progress_rows(enrollment, [lesson_id])
    row = known.get(lesson_id)
    if row is None:
        row = known[lesson_id] = LessonProgress(enrollment_id=enrollment.id, lesson_id=lesson_id, seconds_spent=0)
        db.session.add(row)
        db.session.flush()
    return row


@prepared
def _progress_rows_query() -> Select:
    return select(LessonProgress).where(LessonProgress.enrollment_id == bindparam("enrollment_id"),
                                        LessonProgress.lesson_id.in_(bindparam("lesson_ids", expanding=True)))


def _progress_rows(enrollment: Enrollment, lesson_ids: list[int]) -> dict[int, LessonProgress]:
    rows = db.session.execute(_progress_rows_query(), {"enrollment_id": enrollment.id, "lesson_ids": lesson_ids})
    return {row.lesson_id: row for row in rows.scalars()}


def _close_visit(enrollment: Enrollment, now: datetime, idle_cap: timedelta,
                 known: dict[int, LessonProgress] | None = None) -> None:
    """Credit the time since the current lesson was opened, capped so an idle tab does not count."""
    if enrollment.current_lesson_id is None or enrollment.current_lesson_started_at is None:
        return
    spent = min(max(now - enrollment.current_lesson_started_at, timedelta(0)), idle_cap)
    _progress(enrollment, enrollment.current_lesson_id, known).seconds_spent += int(spent.total_seconds())
    enrollment.current_lesson_started_at = None


def visit_lesson(enrollment: Enrollment, lesson: Lesson, now: datetime, idle_cap: timedelta) -> LessonProgress:
    """Record that the trainee opened ``lesson`` (and close the previous visit); one query loads both lessons' rows."""
    known = _progress_rows(enrollment, list({lesson.id, enrollment.current_lesson_id} - {None}))
    _close_visit(enrollment, now, idle_cap, known)
    enrollment.current_lesson_id = lesson.id
    enrollment.current_lesson_started_at = now
    return _progress(enrollment, lesson.id, known)


def complete_lesson(enrollment: Enrollment, lesson: Lesson, now: datetime, idle_cap: timedelta,
                    outline: Outline | None = None) -> LessonProgress:
    """Mark ``lesson`` done (once) and record what that completes. ``outline``: the trainee's outline of the course if
    the caller has it (e.g. from :mod:`lms.catalog.outline_cache`), else it is loaded."""
    if enrollment.status is EnrollmentStatus.WITHDRAWN:
        raise DomainError(_("You are not enrolled in this course."))
    if enrollment.current_lesson_id == lesson.id:
        _close_visit(enrollment, now, idle_cap)
        enrollment.current_lesson_started_at = now
    progress = _progress(enrollment, lesson.id)
    if progress.completed_at is None:
        progress.completed_at = now
        db.session.flush()
    # Also when the lesson was done before: a quiz or lesson removed since may have left the module complete,
    # and completion is only ever checked on the trainee's own steps. Also for a completed enrolment: a module added
    # after the course was completed is recorded (and its hours credited) like any other, and the course's
    # completion and certificate stay as they are (:func:`lms.enrollment.completion.check_completion`).
    check_completion(enrollment, outline)
    return progress
