"""Live-session models. Times are stored in UTC; attendance is kept as intervals so minutes are real, not a checkbox."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lms.db import Model, UTCDateTime, created_at_column, enum_type
from lms.enums import TitledEnum
from lms.i18n import _l


class SessionMode(TitledEnum):
    IN_PERSON = "in_person"
    ONLINE = "online"
    HYBRID = "hybrid"


class SessionStatus(TitledEnum):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"
    COMPLETED = "completed"


class RegistrationStatus(TitledEnum):
    REGISTERED = "registered"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"


class AttendanceStatus(TitledEnum):
    PRESENT = "present"
    LATE = "late"
    ABSENT = "absent"
    EXCUSED = "excused"


class IntervalSource(TitledEnum):
    CHECK_IN = "check_in"
    JOIN_BUTTON = "join_button"
    IMPORT = "import"
    TRAINER = "trainer"


TITLES = {
    SessionMode.IN_PERSON: _l("In person"),
    SessionMode.ONLINE: _l("Online"),
    SessionMode.HYBRID: _l("In person and online"),
    SessionStatus.SCHEDULED: _l("Scheduled"),
    SessionStatus.CANCELLED: _l("Cancelled"),
    # i18n: the status of a live session that took place (its attendance is final), on badges and lists. Not
    # "Completed", which is said of courses and modules a person finishes.
    SessionStatus.COMPLETED: _l("Held"),
    RegistrationStatus.REGISTERED: _l("Registered"),
    RegistrationStatus.WAITLISTED: _l("On the waitlist"),
    RegistrationStatus.CANCELLED: _l("Cancelled"),
    AttendanceStatus.PRESENT: _l("Present"),
    AttendanceStatus.LATE: _l("Late"),
    AttendanceStatus.ABSENT: _l("Absent"),
    AttendanceStatus.EXCUSED: _l("Excused"),
    IntervalSource.CHECK_IN: _l("Check-in code"),
    IntervalSource.JOIN_BUTTON: _l("Join button"),
    IntervalSource.IMPORT: _l("Meeting report"),
    IntervalSource.TRAINER: _l("Entered by trainer"),
}

#: The one guarded transition table for a session's status.
SESSION_TRANSITIONS = {
    SessionStatus.SCHEDULED: {SessionStatus.CANCELLED, SessionStatus.COMPLETED},
    SessionStatus.CANCELLED: set(),
    SessionStatus.COMPLETED: set(),
}


class LiveSession(Model):
    """One scheduled meeting of a live module. ``sequence`` counts the changes a calendar app must take over (time,
    place or join link, cancelling): it is the events' iCalendar ``SEQUENCE``; ``updated_at`` is the last edit."""

    __tablename__ = "lms_live_sessions"
    __table_args__ = (
        Index("ix_lms_live_sessions_status_starts_at", "status", "starts_at"),
        Index("ix_lms_live_sessions_checkin_code", "checkin_code"),
        # A unique index rather than a table constraint: SQLite adds it without copying the table.
        Index("uq_lms_live_sessions_created_by_id_idempotency_key", "created_by_id", "idempotency_key", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("lms_modules.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("lms_courses.id", ondelete="CASCADE"), index=True)
    series_key: Mapped[str | None] = mapped_column(String(32), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    timezone: Mapped[str] = mapped_column(String(64), default="America/Los_Angeles")
    locale: Mapped[str] = mapped_column(String(16), default="en")
    mode: Mapped[SessionMode] = mapped_column(enum_type(SessionMode), default=SessionMode.IN_PERSON)
    address: Mapped[str | None] = mapped_column(Text)
    join_url: Mapped[str | None] = mapped_column(String(500))
    notes: Mapped[str | None] = mapped_column(Text)
    capacity: Mapped[int] = mapped_column(default=20)
    registration_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cost_cents: Mapped[int | None]
    status: Mapped[SessionStatus] = mapped_column(enum_type(SessionStatus), default=SessionStatus.SCHEDULED)
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancelled_by_id: Mapped[int | None] = mapped_column(ForeignKey("lms_users.id", ondelete="SET NULL"))
    checkin_code: Mapped[str | None] = mapped_column(String(12))
    attendance_finalized_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: When the session really ended, if the trainer finalised it as having ended early (before ``ends_at``):
    #: minutes and each person's share are then measured to this time (see :attr:`counted_end`).
    ended_early_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finalized_by_id: Mapped[int | None] = mapped_column(ForeignKey("lms_users.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("lms_users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = created_at_column()
    sequence: Mapped[int] = mapped_column(default=0, server_default="0")
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: The one-time key of the form that scheduled it, on the first session of the form's plan only (the others of a
    #: series share its ``series_key``): the same form sent twice schedules once.
    idempotency_key: Mapped[str | None] = mapped_column(String(80))

    @property
    def counted_end(self) -> datetime:
        """The end that attendance is measured to: when it really ended if it ended early, else the scheduled end."""
        return self.ended_early_at or self.ends_at


class SessionTrainer(Model):
    __tablename__ = "lms_session_trainers"
    __table_args__ = (UniqueConstraint("session_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("lms_live_sessions.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("lms_users.id", ondelete="CASCADE"), index=True)


class Registration(Model):
    """A seat (or a place on the waitlist). Cancelled registrations are kept as history."""

    __tablename__ = "lms_registrations"
    __table_args__ = (
        UniqueConstraint("session_id", "user_id"),
        Index("ix_lms_registrations_session_status", "session_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("lms_live_sessions.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("lms_users.id", ondelete="CASCADE"), index=True)
    status: Mapped[RegistrationStatus] = mapped_column(enum_type(RegistrationStatus))
    registered_at: Mapped[datetime] = created_at_column()
    registered_by_id: Mapped[int | None] = mapped_column(ForeignKey("lms_users.id", ondelete="SET NULL"))
    waitlisted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    promoted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class AttendanceInterval(Model):
    """A stretch of time a person was in the session (check-in to check-out, a join/leave row of a meeting report).
    Overlaps are normal; minutes are computed from the union of intervals clipped to the session window."""

    __tablename__ = "lms_attendance_intervals"
    __table_args__ = (Index("ix_lms_attendance_intervals_session_user", "session_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("lms_live_sessions.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("lms_users.id", ondelete="CASCADE"))
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime())
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    source: Mapped[IntervalSource] = mapped_column(enum_type(IntervalSource))
    is_void: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = created_at_column()
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("lms_users.id", ondelete="SET NULL"))


class Attendance(Model):
    """The trainer's record for one person in one session; ``minutes`` is fixed when attendance is finalised and
    changed afterwards only by audited corrections."""

    __tablename__ = "lms_attendance"
    __table_args__ = (UniqueConstraint("session_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("lms_live_sessions.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("lms_users.id", ondelete="CASCADE"), index=True)
    status: Mapped[AttendanceStatus | None] = mapped_column(enum_type(AttendanceStatus))
    minutes: Mapped[int] = mapped_column(default=0)
    completed_module: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = created_at_column()


class CalendarFeed(Model):
    """A personal iCalendar feed. The URL token is signed with the site key and carries ``version``; bumping the
    version revokes every older link."""

    __tablename__ = "lms_calendar_feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("lms_users.id", ondelete="CASCADE"), unique=True)
    version: Mapped[int] = mapped_column(default=1)
    is_enabled: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = created_at_column()


class ReminderSent(Model):
    """One reminder of one kind sent to one person for one session: the unique key makes sending exactly-once."""

    __tablename__ = "lms_reminders_sent"
    __table_args__ = (UniqueConstraint("session_id", "user_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("lms_live_sessions.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("lms_users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    sent_at: Mapped[datetime] = created_at_column()
