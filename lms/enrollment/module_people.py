"""Who a module's removal would touch, counted for many modules of one course at once: what a course import says before
it archives modules the files no longer list (docs/course-format.md). Read-only; three queries."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select, union

from lms import db
from lms.catalog.models import Course, Lesson, Module, Quiz
from lms.enrollment.models import Enrollment, EnrollmentStatus, LessonProgress, ModuleCompletion, QuizAttempt


@dataclass(frozen=True)
class ModulePeople:
    """Trainees taking the course (enrolments in progress), and the enrolments (any status) that worked on the module
    (:func:`lms.enrollment.queries.module_has_progress`: a lesson opened, a quiz attempt, the module completed),
    of which ``completed`` completed it."""

    enrolled: int = 0
    with_progress: int = 0
    completed: int = 0

    def __bool__(self) -> bool:
        return bool(self.enrolled or self.with_progress)


def count_module_people(course: Course, modules: Sequence[Module]) -> dict[int, ModulePeople]:
    """:class:`ModulePeople` of each of ``modules`` (of ``course``), by module id."""
    if not modules:
        return {}
    ids = [module.id for module in modules]
    enrolled = db.session.scalar(select(func.count(Enrollment.id)).where(
        Enrollment.course_id == course.id, Enrollment.status == EnrollmentStatus.ACTIVE)) or 0
    worked = union(
        select(ModuleCompletion.module_id, ModuleCompletion.enrollment_id).where(ModuleCompletion.module_id.in_(ids)),
        select(Lesson.module_id, LessonProgress.enrollment_id).join(Lesson, Lesson.id == LessonProgress.lesson_id)
        .where(Lesson.module_id.in_(ids)),
        select(Quiz.module_id, QuizAttempt.enrollment_id).join(Quiz, Quiz.id == QuizAttempt.quiz_id)
        .where(Quiz.module_id.in_(ids)),
    ).subquery()
    progress = dict(db.session.execute(select(worked.c.module_id, func.count(worked.c.enrollment_id))
                                       .group_by(worked.c.module_id)).all())
    completed = dict(db.session.execute(select(ModuleCompletion.module_id, func.count(ModuleCompletion.id))
                                        .where(ModuleCompletion.module_id.in_(ids))
                                        .group_by(ModuleCompletion.module_id)).all())
    return {key: ModulePeople(enrolled, progress.get(key, 0), completed.get(key, 0)) for key in ids}
