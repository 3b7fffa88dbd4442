"""Read-only counts of enrolments, for pages that sum up a course (what changing its status would affect)."""

from __future__ import annotations

from sqlalchemy import func, select

from lms import db
from lms.catalog.models import Course, Lesson, Module, Quiz
from lms.enrollment.models import Enrollment, EnrollmentStatus, LessonProgress, ModuleCompletion, QuizAttempt


def count_course_enrollments(course: Course) -> dict[EnrollmentStatus, int]:
    """How many of ``course``'s enrolments are in each status (every status present, 0 where none), in one query."""
    counts = dict.fromkeys(EnrollmentStatus, 0)
    counts.update(
        db.session.execute(
            select(Enrollment.status, func.count(Enrollment.id)).where(Enrollment.course_id == course.id).group_by(Enrollment.status)
        ).all()
    )
    return counts


def module_has_progress(module: Module) -> bool:
    """Whether any trainee has worked on ``module``: a lesson opened, a quiz attempt, or the module completed."""
    checks = (
        select(ModuleCompletion.id).where(ModuleCompletion.module_id == module.id),
        select(LessonProgress.id).join(Lesson, Lesson.id == LessonProgress.lesson_id).where(Lesson.module_id == module.id),
        select(QuizAttempt.id).join(Quiz, Quiz.id == QuizAttempt.quiz_id).where(Quiz.module_id == module.id),
    )
    return any(db.session.execute(check.limit(1)).first() is not None for check in checks)

