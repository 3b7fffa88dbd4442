"""Extra quiz attempts: a trainer lets one trainee who used every attempt without passing try once more.

A grant adds to that trainee's limit only (:func:`lms.enrollment.quiz_attempts.attempts_left` counts grants); the quiz's
``max_attempts`` stays as it is for everyone else. Grants are only added, each with who, when and why, and an audit
row ``quiz.attempt_granted``. Two trainers granting at the same moment give two grants: harmless, the trainee simply
has one attempt more. Submitting an attempt still respects the limit exactly (see ``submit_quiz``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, select

from lms import audit, db
from lms.accounts.models import User
from lms.catalog.models import Course, Quiz
from lms.enrollment.models import Enrollment, EnrollmentStatus, ModuleCompletion, QuizAttempt, QuizAttemptGrant
from lms.enrollment.quiz_attempts import attempts_left, attempts_of
from lms.errors import DomainError, NotFoundError
from lms.i18n import _, ngettext
from lms.reasons import required_reason


@dataclass(frozen=True)
class LockedOut:
    """A trainee who used every attempt at a quiz (granted ones included) without passing."""

    user_id: int
    name: str
    email: str
    attempts_used: int
    best_score: int
    last_attempt_at: datetime
    extra: int


def list_locked_out(quiz: Quiz) -> list[LockedOut]:
    """Trainees enrolled in the quiz's course (not withdrawn, account active) who used every attempt without passing,
    by name, in one query. Empty for a quiz without a limit. Left out: those who completed the course, or the quiz's
    module (another way, or before the quiz's settings changed): not passing keeps them from nothing."""
    if quiz.max_attempts is None:
        return []
    tries = (
        select(QuizAttempt.enrollment_id, func.count(QuizAttempt.id).label("used"),
               func.max(QuizAttempt.score_percent).label("best"), func.max(QuizAttempt.submitted_at).label("last"),
               func.max(case((QuizAttempt.passed.is_(True), 1), else_=0)).label("passed"))
        .where(QuizAttempt.quiz_id == quiz.id).group_by(QuizAttempt.enrollment_id).subquery()
    )
    granted = (
        select(QuizAttemptGrant.enrollment_id, func.sum(QuizAttemptGrant.extra).label("extra"))
        .where(QuizAttemptGrant.quiz_id == quiz.id).group_by(QuizAttemptGrant.enrollment_id).subquery()
    )
    extra = func.coalesce(granted.c.extra, 0)
    completed = select(ModuleCompletion.enrollment_id).where(ModuleCompletion.module_id == quiz.module_id)
    rows = db.session.execute(
        select(User.id, User.name, User.email, tries.c.used, tries.c.best, tries.c.last, extra)
        .select_from(Enrollment)
        .join(tries, tries.c.enrollment_id == Enrollment.id)
        .join(User, User.id == Enrollment.user_id)
        .outerjoin(granted, granted.c.enrollment_id == Enrollment.id)
        .where(Enrollment.course_id == quiz.course_id, Enrollment.status == EnrollmentStatus.ACTIVE,
               Enrollment.id.not_in(completed), User.is_active.is_(True), tries.c.passed == 0,
               tries.c.used >= quiz.max_attempts + extra)
        .order_by(func.lower(User.name), User.id)
    ).all()
    return [LockedOut(*row) for row in rows]


def get_trainee(course: Course, user_id: int) -> tuple[Enrollment, User]:
    """A trainee's current enrolment in ``course`` and their account (not found: not enrolled, or withdrawn)."""
    row = db.session.execute(
        select(Enrollment, User).join(User, User.id == Enrollment.user_id)
        .where(Enrollment.course_id == course.id, Enrollment.user_id == user_id,
               Enrollment.status != EnrollmentStatus.WITHDRAWN)
    ).one_or_none()
    if row is None:
        raise NotFoundError(_("This person is not enrolled in this course."))
    return row[0], row[1]


def grant_attempt(enrollment: Enrollment, quiz: Quiz, actor: Any, reason: str, extra: int = 1) -> QuizAttemptGrant:
    """Give the trainee ``extra`` more attempts at ``quiz``, with an audit row. Refused (:class:`DomainError`) when the
    quiz has no limit, the trainee already passed it, or still has attempts left, and when ``actor`` is the trainee
    (nobody decides their own); ``reason`` is required."""
    if quiz.course_id != enrollment.course_id or enrollment.status is EnrollmentStatus.WITHDRAWN:
        raise NotFoundError(_("This person is not enrolled in this course."))
    if getattr(actor, "id", None) == enrollment.user_id:
        raise DomainError(_("You cannot give yourself more attempts. Another trainer must do it."))
    reason = required_reason(reason, _("Give a reason for the extra attempt."), field=None)
    if extra < 1:
        raise DomainError(_("Give at least one more attempt."))
    if quiz.max_attempts is None:
        raise DomainError(_("This quiz has no limit on attempts."))
    attempts = attempts_of(enrollment, quiz)
    if any(a.passed for a in attempts):
        raise DomainError(_("This trainee has already passed this quiz."))
    left = attempts_left(enrollment, quiz, attempts)
    if left:
        raise DomainError(ngettext("This trainee still has %(num)d attempt left.",
                                   "This trainee still has %(num)d attempts left.", left))
    grant = QuizAttemptGrant(enrollment_id=enrollment.id, quiz_id=quiz.id, extra=extra, reason=reason,
                             granted_by_id=getattr(actor, "id", None))
    db.session.add(grant)
    db.session.flush()
    audit.record("quiz.attempt_granted", grant, actor, reason=reason, user_id=enrollment.user_id,
                 course_id=enrollment.course_id, quiz_id=quiz.id, extra=extra, attempts_used=len(attempts))
    return grant
