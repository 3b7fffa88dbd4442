"""Completing trainees at once when an author's change leaves them nothing more to do.

Completion is checked on a trainee's own steps (:func:`lms.enrollment.completion.check_completion`, when they complete a
lesson or pass a quiz). An author's change can complete them too: removing a module, or a lesson, quiz or question so
that a module needs only what they have done, or has nothing left in it to do and so is neither shown nor needed
(:mod:`lms.catalog.visibility`); changing a module's kind can hide it the same way. A trainee who had done every real
step would otherwise wait for a next step they may not have. :func:`complete_finished` is called in the author's unit
of work (removal, module settings, course import) and completes, through ``check_completion`` itself, every enrolment
in progress that the course as it now stands completes: module completions (and their hours), the course's
completion with its audit row, and the certificate (or its withholding) are exactly those of the trainee's own last
step, in the same transaction as the change.

Bounded: the trainee's outline is loaded once (three queries), then the progress of :data:`BATCH` enrolments at a
time (three queries a batch). Only the enrolments something now completes are loaded and passed to
``check_completion`` (a fixed number of queries each, as on a trainee's own step); nothing is read again or written
for the others.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select

from lms import db
from lms.catalog.models import Course
from lms.catalog.services import Outline, load_trainee_outline
from lms.enrollment.completion import Progress, check_completion, self_paced_done, steps_count
from lms.enrollment.models import Enrollment, EnrollmentStatus, LessonProgress, ModuleCompletion, QuizAttempt

#: Enrolments whose progress is read per batch of queries.
BATCH = 500


def complete_finished(course: Course) -> int:
    """Complete what ``course`` as it now stands completes for its enrolments in progress (see the module's
    docstring): newly complete self-paced modules, then the course when every required module trainees see is
    complete, as :func:`lms.enrollment.completion.check_completion` does. Flushes, never commits. Returns how many
    enrolments had something completed."""
    db.session.flush()  # the author's change first: the outline read below must see it
    ids = list(db.session.execute(
        select(Enrollment.id).where(Enrollment.course_id == course.id, Enrollment.status == EnrollmentStatus.ACTIVE)
        .order_by(Enrollment.id)).scalars())
    if not ids:
        return 0
    outline = load_trainee_outline(course)
    changed = 0
    for start in range(0, len(ids), BATCH):
        due = _due(outline, ids[start:start + BATCH])
        if due:
            for enrollment in db.session.execute(
                    select(Enrollment).where(Enrollment.id.in_(due)).order_by(Enrollment.id)).scalars():
                check_completion(enrollment)
            changed += len(due)
    return changed


def _due(outline: Outline, ids: list[int]) -> list[int]:
    """Of the enrolments ``ids``, those ``outline`` now completes something for (three queries)."""
    lessons: dict[int, set[int]] = defaultdict(set)
    passed: dict[int, set[int]] = defaultdict(set)
    modules: dict[int, set[int]] = defaultdict(set)
    for enrollment_id, lesson_id in db.session.execute(select(LessonProgress.enrollment_id, LessonProgress.lesson_id)
                                                       .where(LessonProgress.enrollment_id.in_(ids),
                                                              LessonProgress.completed_at.is_not(None))):
        lessons[enrollment_id].add(lesson_id)
    for enrollment_id, quiz_id in db.session.execute(select(QuizAttempt.enrollment_id, QuizAttempt.quiz_id).distinct()
                                                     .where(QuizAttempt.enrollment_id.in_(ids),
                                                            QuizAttempt.passed.is_(True))):
        passed[enrollment_id].add(quiz_id)
    for enrollment_id, module_id in db.session.execute(select(ModuleCompletion.enrollment_id, ModuleCompletion.module_id)
                                                       .where(ModuleCompletion.enrollment_id.in_(ids))):
        modules[enrollment_id].add(module_id)
    # Only which modules are completed is read of ``completed_modules`` here, so their ids stand for the rows.
    return [i for i in ids if _completes_something(Progress(outline, lessons[i], {}, dict.fromkeys(modules[i]),
                                                            passed[i]))]


def _completes_something(progress: Progress) -> bool:
    """Whether :func:`lms.enrollment.completion.check_completion` would record a module or complete the course, by its
    own rules (:func:`lms.enrollment.completion.steps_count`, :func:`lms.enrollment.completion.self_paced_done`)."""
    modules = progress.outline.modules
    if any(steps_count(m) and not progress.module_done(m) and self_paced_done(progress, m) for m in modules):
        return True
    required = [m for m in modules if m.is_required]
    return bool(required) and all(progress.module_done(m) for m in required)
