"""Catalog models. Structure lives here; every human text lives in :class:`Text`, one row per field per locale."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy import Text as TextType
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.db import Model, UTCDateTime, column_now, created_at_column, enum_type
from lms.enums import TitledEnum
from lms.i18n import _l


class CourseKind(TitledEnum):
    CORE = "core"
    CONTINUING = "continuing"
    SPECIALTY = "specialty"


class CourseStatus(TitledEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    ARCHIVED = "archived"


class ModuleKind(TitledEnum):
    SELF_PACED = "self_paced"
    LIVE = "live"
    FIELD = "field"


class QuestionKind(TitledEnum):
    SINGLE = "single"
    MULTIPLE = "multiple"
    TRUE_FALSE = "true_false"


TITLES = {
    CourseKind.CORE: _l("Core certificate"),
    CourseKind.CONTINUING: _l("Continuing education"),
    CourseKind.SPECIALTY: _l("Specialty"),
    CourseStatus.DRAFT: _l("Draft"),
    CourseStatus.PUBLISHED: _l("Published"),
    CourseStatus.ARCHIVED: _l("Archived"),
    ModuleKind.SELF_PACED: _l("Self-paced"),
    ModuleKind.LIVE: _l("Live session"),
    ModuleKind.FIELD: _l("Supervised field experience"),
    QuestionKind.SINGLE: _l("One answer"),
    QuestionKind.MULTIPLE: _l("Several answers"),
    QuestionKind.TRUE_FALSE: _l("True or false"),
}

#: Allowed transitions of a course's status (the one guarded transition table).
COURSE_TRANSITIONS = {
    CourseStatus.DRAFT: {CourseStatus.PUBLISHED, CourseStatus.ARCHIVED},
    CourseStatus.PUBLISHED: {CourseStatus.ARCHIVED, CourseStatus.DRAFT},
    CourseStatus.ARCHIVED: {CourseStatus.PUBLISHED, CourseStatus.DRAFT},
}


class Course(Model):
    __tablename__ = "lms_courses"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    version: Mapped[str] = mapped_column(String(32), default="1")
    kind: Mapped[CourseKind] = mapped_column(enum_type(CourseKind), default=CourseKind.CONTINUING)
    source_locale: Mapped[str] = mapped_column(String(16), default="en")
    competency_areas: Mapped[list[str]] = mapped_column(JSON, default=list)
    specialties: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[CourseStatus] = mapped_column(enum_type(CourseStatus), default=CourseStatus.DRAFT, index=True)
    certificate_validity_months: Mapped[int | None]
    #: The organisation (training provider) that issues this course's certificates; the site default if empty.
    issuer_org_id: Mapped[int | None] = mapped_column(ForeignKey("lms_organisations.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=column_now, onupdate=column_now)

    modules: Mapped[list[Module]] = relationship(
        back_populates="course", order_by="Module.position", lazy="raise", cascade="all, delete-orphan"
    )


class Module(Model):
    __tablename__ = "lms_modules"
    __table_args__ = (UniqueConstraint("course_id", "slug"), Index("ix_lms_modules_course_position", "course_id", "position"))

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("lms_courses.id", ondelete="CASCADE"))
    slug: Mapped[str] = mapped_column(String(64))
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[ModuleKind] = mapped_column(enum_type(ModuleKind), default=ModuleKind.SELF_PACED)
    credited_minutes: Mapped[int] = mapped_column(default=0)
    is_required: Mapped[bool] = mapped_column(default=True)
    is_archived: Mapped[bool] = mapped_column(default=False)
    competency_areas: Mapped[list[str]] = mapped_column(JSON, default=list)
    specialties: Mapped[list[str]] = mapped_column(JSON, default=list)

    course: Mapped[Course] = relationship(back_populates="modules", lazy="raise")


class Lesson(Model):
    __tablename__ = "lms_lessons"
    __table_args__ = (UniqueConstraint("module_id", "slug"), Index("ix_lms_lessons_module_position", "module_id", "position"))

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("lms_modules.id", ondelete="CASCADE"))
    course_id: Mapped[int] = mapped_column(ForeignKey("lms_courses.id", ondelete="CASCADE"), index=True)
    slug: Mapped[str] = mapped_column(String(64))
    position: Mapped[int] = mapped_column(default=0)
    estimated_minutes: Mapped[int] = mapped_column(default=10)
    is_archived: Mapped[bool] = mapped_column(default=False)


class Quiz(Model):
    """A module's quiz (at most one per module; an archived one is kept, with its attempts, and can be restored)."""

    __tablename__ = "lms_quizzes"

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("lms_modules.id", ondelete="CASCADE"), unique=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("lms_courses.id", ondelete="CASCADE"), index=True)
    pass_mark: Mapped[int] = mapped_column(default=80)
    max_attempts: Mapped[int | None]
    is_archived: Mapped[bool] = mapped_column(default=False)


class Question(Model):
    __tablename__ = "lms_questions"
    __table_args__ = (UniqueConstraint("quiz_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("lms_quizzes.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("lms_courses.id", ondelete="CASCADE"), index=True)
    slug: Mapped[str] = mapped_column(String(64))
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[QuestionKind] = mapped_column(enum_type(QuestionKind), default=QuestionKind.SINGLE)
    is_archived: Mapped[bool] = mapped_column(default=False)


class Option(Model):
    __tablename__ = "lms_options"
    __table_args__ = (UniqueConstraint("question_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("lms_questions.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("lms_courses.id", ondelete="CASCADE"), index=True)
    slug: Mapped[str] = mapped_column(String(64))
    position: Mapped[int] = mapped_column(default=0)
    is_correct: Mapped[bool] = mapped_column(default=False)
    is_archived: Mapped[bool] = mapped_column(default=False)


class Text(Model):
    """One field of one catalog object in one locale. ``source_hash`` records which version of the source-language
    text a translation was made from: when the source changes, the hashes differ and the translation is stale.
    ``source_value`` keeps that text itself, so the translation editor can show what changed since (None for
    source-language rows and for translations last saved before it was kept)."""

    __tablename__ = "lms_texts"
    __table_args__ = (
        UniqueConstraint("owner_type", "owner_id", "field", "locale"),
        Index("ix_lms_texts_course_locale", "course_id", "locale"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("lms_courses.id", ondelete="CASCADE"))
    owner_type: Mapped[str] = mapped_column(String(16))
    owner_id: Mapped[int]
    field: Mapped[str] = mapped_column(String(16))
    locale: Mapped[str] = mapped_column(String(16))
    value: Mapped[str] = mapped_column(TextType, default="")
    html: Mapped[str | None] = mapped_column(TextType)
    source_hash: Mapped[str | None] = mapped_column(String(16))
    # Deferred: only the translation editor reads it, and a lesson body may be 100,000 characters.
    source_value: Mapped[str | None] = mapped_column(TextType, deferred=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=column_now, onupdate=column_now)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("lms_users.id", ondelete="SET NULL"))
