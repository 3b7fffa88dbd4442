"""Enrolment use cases: enrol, read lessons (time on task measured on the server), take quizzes, complete.

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

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.exc import IntegrityError

from lms import audit, db
from lms.accounts.models import User
from lms.catalog.models import Course, CourseStatus, Lesson, Module, ModuleKind, Option, Question, QuestionKind, Quiz
from lms.catalog.quiz_texts import QUIZ_ITEMS
from lms.catalog.services import Outline, load_questions, load_trainee_outline
from lms.catalog.texts import Texts, load_texts
from lms.db import prepared, utcnow
from lms.enrollment.models import (
    ENROLLMENT_TRANSITIONS,
    Enrollment,
    EnrollmentStatus,
    LessonProgress,
    ModuleCompletion,
    QuizAttempt,
    QuizAttemptGrant,
)
from lms.enrollment.quiz_review import snapshot_attempt
from lms.errors import DomainError, NotFoundError
from lms.i18n import _
from lms.signals import enrollment_completed, module_completed


@prepared
def _enrollment_query() -> Select:
    return select(Enrollment).where(Enrollment.user_id == bindparam("user_id"),
                                    Enrollment.course_id == bindparam("course_id"))


def get_enrollment(user: Any, course: Course) -> Enrollment | None:
    return db.session.execute(_enrollment_query(), {"user_id": user.id, "course_id": course.id}).scalar_one_or_none()


def require_enrollment(user: Any, course: Course) -> Enrollment:
    enrollment = get_enrollment(user, course)
    if enrollment is None or enrollment.status is EnrollmentStatus.WITHDRAWN:
        raise NotFoundError(_("You are not enrolled in this course."))
    return enrollment


def transition(enrollment: Enrollment, status: EnrollmentStatus, actor: Any = None) -> None:
    """The one guarded transition for an enrolment's status."""
    if status not in ENROLLMENT_TRANSITIONS[enrollment.status]:
        raise DomainError(_("This enrolment cannot change from %(old)s to %(new)s.", old=enrollment.status.title,
                            new=status.title))
    old, enrollment.status = enrollment.status, status
    if status is EnrollmentStatus.COMPLETED:
        enrollment.completed_at = utcnow()
    audit.record("enrollment.status_changed", enrollment, actor, old=old, new=status)


def enroll(user: User, course: Course, actor: Any = None) -> Enrollment:
    """Enrol ``user`` (idempotent; a withdrawn enrolment is reactivated with its progress)."""
    if course.status is not CourseStatus.PUBLISHED:
        raise DomainError(_("This course is not open for enrolment."))
    enrollment = get_enrollment(user, course)
    if enrollment is not None:
        if enrollment.status is EnrollmentStatus.WITHDRAWN:
            transition(enrollment, EnrollmentStatus.ACTIVE, actor or user)
        return enrollment
    enrollment = Enrollment(user_id=user.id, course_id=course.id, course_version=course.version,
                            enrolled_by_id=getattr(actor or user, "id", None))
    db.session.add(enrollment)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:  # a double click raced us: the other request's enrolment stands
        return get_enrollment(user, course)
    audit.record("enrollment.created", enrollment, actor or user)
    return enrollment


def withdraw(enrollment: Enrollment, actor: Any) -> None:
    transition(enrollment, EnrollmentStatus.WITHDRAWN, actor)


def list_enrollments(user: Any) -> list[Enrollment]:
    return list(db.session.execute(
        select(Enrollment).where(Enrollment.user_id == user.id, Enrollment.status != EnrollmentStatus.WITHDRAWN)
        .order_by(Enrollment.enrolled_at.desc())
    ).scalars())


# ---------------------------------------------------------------- lessons and time on task

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
    # completion and certificate stay as they are (:func:`_maybe_complete_course`).
    check_completion(enrollment, outline)
    return progress


# ---------------------------------------------------------------- quizzes

@dataclass
class QuestionResult:
    question: Question
    options: list[Option]
    chosen: set[int]
    is_right: bool


@dataclass
class QuizResult:
    attempt: QuizAttempt
    questions: list[QuestionResult] = field(default_factory=list)


def attempts_of(enrollment: Enrollment, quiz: Quiz) -> list[QuizAttempt]:
    return list(db.session.execute(
        select(QuizAttempt).where(QuizAttempt.enrollment_id == enrollment.id, QuizAttempt.quiz_id == quiz.id)
        .order_by(QuizAttempt.number)
    ).scalars())


def extra_attempts(enrollment: Enrollment, quiz: Quiz) -> int:
    """Attempts a trainer gave this trainee on top of the quiz's limit (none to look up for an unlimited quiz)."""
    if quiz.max_attempts is None:
        return 0
    return db.session.execute(
        select(func.coalesce(func.sum(QuizAttemptGrant.extra), 0))
        .where(QuizAttemptGrant.enrollment_id == enrollment.id, QuizAttemptGrant.quiz_id == quiz.id)
    ).scalar_one()


def attempts_allowed(quiz: Quiz, extra: int) -> int | None:
    """The trainee's limit: the quiz's, plus the attempts granted to them (None: no limit)."""
    return None if quiz.max_attempts is None else quiz.max_attempts + extra


def attempts_left(enrollment: Enrollment, quiz: Quiz, attempts: list[QuizAttempt],
                  extra: int | None = None) -> int | None:
    """Attempts the trainee may still make (None: no limit), counting granted ones. ``extra``: the granted attempts
    if already loaded (:func:`extra_attempts`), else they are looked up."""
    if quiz.max_attempts is None:
        return None
    if extra is None:
        extra = extra_attempts(enrollment, quiz)
    return max(quiz.max_attempts + extra - len(attempts), 0)


def submit_quiz(enrollment: Enrollment, quiz: Quiz, answers: dict[int, set[int]], *, locale: str | None = None,
                outline: Outline | None = None, questions: list[tuple[Question, list[Option]]] | None = None,
                texts: Texts | None = None) -> QuizResult:
    """Score an attempt. ``answers`` maps question id → chosen option ids; every question must be answered.
    The attempt keeps what was asked and how it was marked, in ``locale`` (the language the trainee read the quiz
    in; the course's source language if not given), for its result page (:mod:`lms.enrollment.quiz_review`).
    What the caller loaded in this transaction may be given instead of loaded again: the trainee's ``outline`` of
    the course, the quiz's live ``questions`` (:func:`load_questions`) and its ``texts`` in ``locale`` (with
    ``source_when_stale`` of :data:`lms.catalog.quiz_texts.QUIZ_ITEMS`, as :func:`_quiz_texts` loads them)."""
    if enrollment.status is EnrollmentStatus.WITHDRAWN:
        raise DomainError(_("You are not enrolled in this course."))
    attempts = attempts_of(enrollment, quiz)
    if any(a.passed for a in attempts):
        raise DomainError(_("You have already passed this quiz."))
    # The limit holds exactly under concurrency: an attempt's number is the count so far + 1 and is unique per
    # enrolment and quiz, so two submissions racing for the last attempt cannot both be saved (the second fails on
    # the unique key). Grants are only ever added: one committed after this read can only refuse an attempt that
    # would have been allowed, never allow one too many.
    if attempts_left(enrollment, quiz, attempts) == 0:
        raise DomainError(_("You have used every attempt for this quiz. Ask your trainer for another attempt."))
    questions = load_questions(quiz) if questions is None else questions
    results = []
    for question, options in questions:
        valid = {o.id for o in options}
        chosen = answers.get(question.id, set()) & valid
        if not chosen or (question.kind is not QuestionKind.MULTIPLE and len(chosen) != 1):
            raise DomainError(_("Please answer every question."))
        right = {o.id for o in options if o.is_correct}
        results.append(QuestionResult(question, options, chosen, chosen == right))
    score = round(100 * sum(r.is_right for r in results) / len(results)) if results else 0
    by_id = {o.id: o.slug for _, options in questions for o in options}
    attempt = QuizAttempt(
        enrollment_id=enrollment.id, quiz_id=quiz.id, number=len(attempts) + 1, score_percent=score,
        passed=score >= quiz.pass_mark,
        answers={r.question.slug: sorted(by_id[i] for i in r.chosen) for r in results},
        snapshot=snapshot_attempt(results, texts if texts is not None else _quiz_texts(quiz, questions, locale),
                                  quiz.pass_mark),
    )
    db.session.add(attempt)
    db.session.flush()
    if attempt.passed:
        check_completion(enrollment, outline)
    return QuizResult(attempt, results)


def _quiz_texts(quiz: Quiz, questions: list[tuple[Question, list[Option]]], locale: str | None) -> Texts:
    course = db.session.get(Course, quiz.course_id)  # usually in the session already: no query
    owners = [("question", q.id) for q, _ in questions] + [("option", o.id) for _, opts in questions for o in opts]
    return load_texts(course, locale or course.source_locale, owners=owners, source_when_stale=QUIZ_ITEMS)


# ---------------------------------------------------------------- completion

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


# ---------------------------------------------------------------- lists and resuming (learner pages)

@dataclass
class EnrollmentSummary:
    """An enrolment and how far along it is, for lists (dashboard, catalog badges, API)."""

    enrollment: Enrollment
    required_modules: int
    completed_required: int
    completed_modules: int

    @property
    def percent(self) -> int:
        """Required modules completed, in percent; 100 for a completed enrolment, whose completion stands when required
        modules are added later (:func:`added_after_completion`: optional for that trainee)."""
        if self.enrollment.status is EnrollmentStatus.COMPLETED:
            return 100
        if not self.required_modules:
            return 0
        return round(100 * self.completed_required / self.required_modules)


def summarize_enrollments(enrollments: list[Enrollment],
                          modules: dict[int, list[Module]]) -> dict[int, EnrollmentSummary]:
    """Progress of many enrolments, keyed by enrolment id, in one query. ``modules`` maps course id → the modules
    trainees see (``catalog.services.list_modules_of(..., trainee=True)``); percent counts required modules, as
    :attr:`Progress.percent` does."""
    done: dict[int, set[int]] = {e.id: set() for e in enrollments}
    if done:
        for enrollment_id, module_id in db.session.execute(
            select(ModuleCompletion.enrollment_id, ModuleCompletion.module_id)
            .where(ModuleCompletion.enrollment_id.in_(list(done)))
        ):
            done[enrollment_id].add(module_id)
    result = {}
    for enrollment in enrollments:
        live = modules.get(enrollment.course_id, [])
        required = {m.id for m in live if m.is_required}
        result[enrollment.id] = EnrollmentSummary(
            enrollment, len(required), len(required & done[enrollment.id]),
            len({m.id for m in live} & done[enrollment.id]),
        )
    return result


def list_course_enrollments(course: Course, user_ids: list[int]) -> dict[int, Enrollment]:
    """The enrolments (any status) of these users in ``course``, keyed by user id, in one query."""
    if not user_ids:
        return {}
    return {e.user_id: e for e in db.session.execute(
        select(Enrollment).where(Enrollment.course_id == course.id, Enrollment.user_id.in_(user_ids))
    ).scalars()}


@dataclass(frozen=True)
class Step:
    """A place in a course: a lesson, or a module's quiz when ``lesson`` is None."""

    module: Module
    lesson: Lesson | None = None


def steps(outline: Outline) -> list[Step]:
    """Every lesson of the course in reading order, each module's quiz after its lessons (which of them to do next:
    :mod:`lms.enrollment.next_steps`)."""
    result = []
    for module in outline.modules:
        result.extend(Step(module, lesson) for lesson in outline.lessons.get(module.id, []))
        if module.id in outline.quizzes:
            result.append(Step(module))
    return result


def list_enrollments_with_courses(user: Any) -> list[tuple[Enrollment, Course]]:
    """The user's current and completed enrolments with their courses, newest first, in one query."""
    return [(e, c) for e, c in db.session.execute(
        select(Enrollment, Course).join(Course, Course.id == Enrollment.course_id)
        .where(Enrollment.user_id == user.id, Enrollment.status != EnrollmentStatus.WITHDRAWN)
        .order_by(Enrollment.enrolled_at.desc(), Enrollment.id.desc())
    ).all()]


def can_view_course(user: Any, course: Course, enrollment: Enrollment | None) -> bool:
    """Published courses are public; others only for trainers and admins, and for trainees still enrolled."""
    if course.status is CourseStatus.PUBLISHED or getattr(user, "is_trainer", False):
        return True
    return enrollment is not None and enrollment.status is not EnrollmentStatus.WITHDRAWN
