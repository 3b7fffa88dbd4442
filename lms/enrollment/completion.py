"""Completing modules and courses, and where a trainee stands in a course.

Completion rules:
- a self-paced module is complete when every lesson in it is complete and its quiz (if any, and if it has a live
  question: :func:`lms.catalog.services.load_trainee_outline`) is passed;
- a live module is complete by attendance, a field module by approved field experience
  (:func:`complete_module` is called by those features);
- the course is complete when every required module trainees see is complete (a self-paced module with nothing in
  it to do is not in the trainee's outline, so it is not needed). ``enrollment-completed`` is then sent once;
  a module completed afterwards (one added to the course since) is still recorded and credited, and the course's
  completion stays as it was (:func:`added_after_completion`).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from lms import db
from lms.catalog.models import Course, Module, ModuleKind
from lms.catalog.services import Outline, load_trainee_outline
from lms.enrollment.models import Enrollment, EnrollmentStatus, LessonProgress, ModuleCompletion, QuizAttempt
from lms.enrollment.services import transition
from lms.signals import enrollment_completed, module_completed


@dataclass
class Progress:
    """Where a trainee stands in a course, computed in a fixed number of queries."""

    outline: Outline
    completed_lessons: set[int]
    seconds: dict[int, int]
    completed_modules: dict[int, ModuleCompletion]
    passed_quizzes: set[int]

    def module_done(self, module: Module) -> bool:
        return module.id in self.completed_modules

    def lessons_done(self, module: Module) -> int:
        return sum(1 for lesson in self.outline.lessons.get(module.id, []) if lesson.id in self.completed_lessons)

    @property
    def started(self) -> bool:
        """Anything done yet (a lesson read, a quiz passed or a module completed, however it was completed)."""
        return bool(self.completed_lessons or self.passed_quizzes or self.completed_modules)

    @property
    def percent(self) -> int:
        required = [m for m in self.outline.modules if m.is_required]
        if not required:
            return 0
        return round(100 * sum(1 for m in required if self.module_done(m)) / len(required))


def load_progress(enrollment: Enrollment, outline: Outline | None = None) -> Progress:
    """Where ``enrollment`` stands in the course's ``outline``: the trainee's
    (:func:`lms.catalog.services.load_trainee_outline`, loaded when not given)."""
    outline = outline or load_trainee_outline(_course(enrollment))
    rows = db.session.execute(
        select(LessonProgress.lesson_id, LessonProgress.completed_at, LessonProgress.seconds_spent)
        .where(LessonProgress.enrollment_id == enrollment.id)
    ).all()
    completions = db.session.execute(
        select(ModuleCompletion).where(ModuleCompletion.enrollment_id == enrollment.id)
    ).scalars()
    passed = db.session.execute(
        select(QuizAttempt.quiz_id).where(QuizAttempt.enrollment_id == enrollment.id, QuizAttempt.passed.is_(True))
    ).scalars()
    return Progress(
        outline=outline,
        completed_lessons={lesson_id for lesson_id, done, _ in rows if done is not None},
        seconds={lesson_id: seconds for lesson_id, _, seconds in rows},
        completed_modules={c.module_id: c for c in completions},
        passed_quizzes=set(passed),
    )


def _course(enrollment: Enrollment) -> Course:
    return db.session.get(Course, enrollment.course_id)


def steps_count(module: Module) -> bool:
    """Whether ``module``'s lessons and quiz count toward completing it: only in a self-paced module. A live module
    is completed by attendance and a field module by approved field experience (:func:`check_completion` records
    self-paced modules only, and a quiz passed elsewhere completes nothing), so their lessons and quiz are optional
    reading and practice: the course page presents them so, and the authoring page tells trainers."""
    return module.kind is ModuleKind.SELF_PACED


def self_paced_done(progress: Progress, module: Module) -> bool:
    """All lessons read and the quiz passed. The outline is the trainee's (:func:`load_progress`): a quiz with no
    live question yet is not in it, so it does not count (nobody could pass it)."""
    lessons = progress.outline.lessons.get(module.id, [])
    quiz = progress.outline.quizzes.get(module.id)
    return all(lesson.id in progress.completed_lessons for lesson in lessons) and (
        quiz is None or quiz.id in progress.passed_quizzes
    ) and bool(lessons or quiz)


def check_completion(enrollment: Enrollment, outline: Outline | None = None) -> Progress:
    """Record newly completed self-paced modules, then the course if every required module is complete (in the
    trainee's ``outline`` of the course, loaded when not given: :func:`load_progress`)."""
    progress = load_progress(enrollment, outline)
    for module in progress.outline.modules:
        if steps_count(module) and not progress.module_done(module) and self_paced_done(progress, module):
            seconds = sum(progress.seconds.get(lesson.id, 0) for lesson in progress.outline.lessons.get(module.id, []))
            _record_module(enrollment, module, progress, "self_paced", seconds)
    _maybe_complete_course(enrollment, progress)
    return progress


def complete_module(enrollment: Enrollment, module: Module, source: str, measured_seconds: int = 0) -> bool:
    """Complete a live or field module from outside (attendance, field experience). Returns False if already done."""
    progress = load_progress(enrollment)
    if progress.module_done(module):
        return False
    _record_module(enrollment, module, progress, source, measured_seconds)
    _maybe_complete_course(enrollment, progress)
    return True


def _record_module(enrollment: Enrollment, module: Module, progress: Progress, source: str, seconds: int) -> None:
    completion = ModuleCompletion(enrollment_id=enrollment.id, module_id=module.id, measured_seconds=seconds,
                                  credited_minutes=module.credited_minutes, source=source)
    db.session.add(completion)
    db.session.flush()
    progress.completed_modules[module.id] = completion
    module_completed.send(completion, enrollment=enrollment, module=module)


def _maybe_complete_course(enrollment: Enrollment, progress: Progress) -> None:
    if enrollment.status is not EnrollmentStatus.ACTIVE:  # a completed course stays completed as it was
        return
    required = [m for m in progress.outline.modules if m.is_required]
    if required and all(progress.module_done(m) for m in required):
        transition(enrollment, EnrollmentStatus.COMPLETED)
        enrollment_completed.send(enrollment)


def added_after_completion(enrollment: Enrollment, progress: Progress) -> set[int]:
    """The required modules a completed enrolment's completion did not include: added (or made required) after the
    trainee completed the course. They are optional for that trainee; one they complete is recorded and credited
    like any module, and changes nothing about the course's completion or its certificate. Empty while the
    enrolment is not completed. The course completes in the same unit of work as its last module, so a module
    completed before or at ``completed_at`` was part of it."""
    if enrollment.status is not EnrollmentStatus.COMPLETED or enrollment.completed_at is None:
        return set()
    return {m.id for m in progress.outline.modules if m.is_required and not (
        m.id in progress.completed_modules
        and progress.completed_modules[m.id].completed_at <= enrollment.completed_at)}
