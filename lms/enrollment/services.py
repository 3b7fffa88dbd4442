"""Enrolment use cases: enrol, withdraw, and the lists and steps the learner pages show. Reading lessons:
:mod:`lms.enrollment.visits`; quizzes: :mod:`lms.enrollment.quiz_attempts`; completing modules and courses (and the
completion rules): :mod:`lms.enrollment.completion`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, and_, bindparam, select
from sqlalchemy.exc import IntegrityError

from lms import audit, db
from lms.accounts.models import User
from lms.catalog.models import Course, CourseStatus, Lesson, Module
from lms.catalog.services import Outline
from lms.db import prepared, utcnow
from lms.enrollment.models import ENROLLMENT_TRANSITIONS, Enrollment, EnrollmentStatus, ModuleCompletion
from lms.errors import DomainError, NotFoundError
from lms.i18n import _


@prepared
def _enrollment_query() -> Select:
    return select(Enrollment).where(Enrollment.user_id == bindparam("user_id"),
                                    Enrollment.course_id == bindparam("course_id"))


def get_enrollment(user: Any, course: Course) -> Enrollment | None:
    return db.session.execute(_enrollment_query(), {"user_id": user.id, "course_id": course.id}).scalar_one_or_none()


@prepared
def _course_and_enrollment_query() -> Select:
    mine = and_(Enrollment.course_id == Course.id, Enrollment.user_id == bindparam("user_id"))
    return select(Course, Enrollment).outerjoin(Enrollment, mine).where(Course.slug == bindparam("slug"))


def find_course_and_enrollment(slug: str, user: Any) -> tuple[Course | None, Enrollment | None]:
    """The course named ``slug`` and ``user``'s enrolment in it (None for what does not exist), in one query: what
    every learner page of a course starts from."""
    row = db.session.execute(_course_and_enrollment_query(), {"slug": slug, "user_id": user.id}).first()
    return (row[0], row[1]) if row is not None else (None, None)


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
        modules are added later (:func:`lms.enrollment.completion.added_after_completion`: optional
        for that trainee)."""
        if self.enrollment.status is EnrollmentStatus.COMPLETED:
            return 100
        if not self.required_modules:
            return 0
        return round(100 * self.completed_required / self.required_modules)


def summarize_enrollments(enrollments: list[Enrollment],
                          modules: dict[int, list[Module]]) -> dict[int, EnrollmentSummary]:
    """Progress of many enrolments, keyed by enrolment id, in one query. ``modules`` maps course id → the modules
    trainees see (``catalog.services.list_modules_of(..., trainee=True)``); percent counts required modules, as
    :attr:`lms.enrollment.completion.Progress.percent` does."""
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
