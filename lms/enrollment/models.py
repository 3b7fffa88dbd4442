"""Enrolment models: who is taking which course, what they have done, their quiz attempts and extra attempts."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.accounts.models import User
from lms.catalog.models import Course
from lms.db import Model, UTCDateTime, created_at_column, enum_type
from lms.i18n import _l


class EnrollmentStatus(enum.Enum):
    ACTIVE = "active"
    COMPLETED = "completed"
    WITHDRAWN = "withdrawn"

    @property
    def title(self) -> str:
        return str(_STATUS_TITLES[self])


_STATUS_TITLES = {
    EnrollmentStatus.ACTIVE: _l("In progress"),
    EnrollmentStatus.COMPLETED: _l("Completed"),
    EnrollmentStatus.WITHDRAWN: _l("Withdrawn"),
}

#: The one guarded transition table for enrolments.
ENROLLMENT_TRANSITIONS = {
    EnrollmentStatus.ACTIVE: {EnrollmentStatus.COMPLETED, EnrollmentStatus.WITHDRAWN},
    EnrollmentStatus.WITHDRAWN: {EnrollmentStatus.ACTIVE},
    EnrollmentStatus.COMPLETED: set(),
}


class Enrollment(Model):
    __tablename__ = "lms_enrollments"
    __table_args__ = (UniqueConstraint("user_id", "course_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("lms_users.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("lms_courses.id", ondelete="CASCADE"), index=True)
    course_version: Mapped[str] = mapped_column(String(32))
    status: Mapped[EnrollmentStatus] = mapped_column(enum_type(EnrollmentStatus), default=EnrollmentStatus.ACTIVE)
    enrolled_at: Mapped[datetime] = created_at_column()
    enrolled_by_id: Mapped[int | None] = mapped_column(ForeignKey("lms_users.id", ondelete="SET NULL"))
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Resume where you left off, and the start of the current lesson visit (server-side time on task).
    current_lesson_id: Mapped[int | None] = mapped_column(ForeignKey("lms_lessons.id", ondelete="SET NULL"))
    current_lesson_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="raise")
    course: Mapped[Course] = relationship(lazy="raise")


class LessonProgress(Model):
    __tablename__ = "lms_lesson_progress"
    __table_args__ = (UniqueConstraint("enrollment_id", "lesson_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("lms_enrollments.id", ondelete="CASCADE"))
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lms_lessons.id", ondelete="CASCADE"), index=True)
    first_viewed_at: Mapped[datetime] = created_at_column()
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    seconds_spent: Mapped[int] = mapped_column(default=0)


class ModuleCompletion(Model):
    """A module completed within an enrolment (once). ``measured_seconds`` is time on its lessons, for reports;
    the paid credit is the module's ``credited_minutes``."""

    __tablename__ = "lms_module_completions"
    __table_args__ = (UniqueConstraint("enrollment_id", "module_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("lms_enrollments.id", ondelete="CASCADE"))
    module_id: Mapped[int] = mapped_column(ForeignKey("lms_modules.id", ondelete="CASCADE"), index=True)
    completed_at: Mapped[datetime] = created_at_column()
    measured_seconds: Mapped[int] = mapped_column(default=0)
    credited_minutes: Mapped[int] = mapped_column(default=0)
    source: Mapped[str] = mapped_column(String(16), default="self_paced")


class QuizAttempt(Model):
    __tablename__ = "lms_quiz_attempts"
    __table_args__ = (
        UniqueConstraint("enrollment_id", "quiz_id", "number"),
        Index("ix_lms_quiz_attempts_enrollment_quiz", "enrollment_id", "quiz_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("lms_enrollments.id", ondelete="CASCADE"))
    quiz_id: Mapped[int] = mapped_column(ForeignKey("lms_quizzes.id", ondelete="CASCADE"))
    number: Mapped[int]
    submitted_at: Mapped[datetime] = created_at_column()
    score_percent: Mapped[int]
    passed: Mapped[bool]
    #: question slug → list of chosen option slugs
    answers: Mapped[dict[str, list[str]]] = mapped_column(JSON, default=dict)
    #: What was asked and how it was marked, as graded (see :mod:`lms.enrollment.quiz_review`); None for attempts
    #: graded before it was kept, whose result can only be shown against today's questions.
    snapshot: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class QuizAttemptGrant(Model):
    """Extra attempts at a limited quiz, given to one trainee by a trainer after they used every attempt without
    passing. Rows are only added: the trainee's limit is the quiz's ``max_attempts`` plus the sum of ``extra``."""

    __tablename__ = "lms_quiz_attempt_grants"
    __table_args__ = (
        CheckConstraint("extra >= 1", name="extra_positive"),
        Index("ix_lms_quiz_attempt_grants_enrollment_quiz", "enrollment_id", "quiz_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("lms_enrollments.id", ondelete="CASCADE"))
    quiz_id: Mapped[int] = mapped_column(ForeignKey("lms_quizzes.id", ondelete="CASCADE"), index=True)
    extra: Mapped[int] = mapped_column(default=1)
    #: Why (for the audit log and other trainers; the trainee is not shown it).
    reason: Mapped[str] = mapped_column(Text)
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("lms_users.id", ondelete="SET NULL"))
    granted_at: Mapped[datetime] = created_at_column()
