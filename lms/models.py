"""Imports every model so the metadata is complete (for migrations and tests)."""

from lms.accounts.models import ApiToken, LoginSession, PendingSignup, User  # noqa: F401
from lms.audit import AuditEvent  # noqa: F401
from lms.catalog.models import Course, Lesson, Module, Option, Question, Quiz, Text  # noqa: F401
from lms.certificates.models import Certificate, SigningKey, VerificationLog  # noqa: F401
from lms.enrollment.models import (  # noqa: F401
    Enrollment,
    LessonProgress,
    ModuleCompletion,
    QuizAttempt,
    QuizAttemptGrant,
)
from lms.hours.models import EvidenceFile, HoursEntry, PayrollExport  # noqa: F401
from lms.live.models import (  # noqa: F401
    Attendance,
    AttendanceInterval,
    CalendarFeed,
    LiveSession,
    Registration,
    ReminderSent,
    SessionTrainer,
)
from lms.orgs.models import Invitation, Membership, Organisation  # noqa: F401
