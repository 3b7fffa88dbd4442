"""Hours models. The ledger is append-only: an entry's minutes never change; a correction is a new entry pointing at
the one it corrects. Workflow state (pending → approved / rejected, or pending → withdrawn when a later attendance
correction replaces a pending entry: :mod:`lms.hours.withdrawals`) is the only thing that moves, and every move is
audited; besides it, a pending entry of no organisation (an own record) is given the organisation whose employment
comes to cover its date, once, by a conditional update with its audit row (:mod:`lms.hours.adoption`)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column

from lms.db import Model, UTCDateTime, created_at_column, enum_type
from lms.enums import TitledEnum
from lms.i18n import _l


class EntrySource(TitledEnum):
    LIVE = "live"
    SELF_PACED = "self_paced"
    EXTERNAL = "external"
    FIELD = "field"
    ADJUSTMENT = "adjustment"


class EntryStatus(TitledEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    #: Replaced before anyone decided it (a later correction of the same attendance): kept, never paid or counted.
    WITHDRAWN = "withdrawn"


TITLES = {
    EntrySource.LIVE: _l("Live session"),
    EntrySource.SELF_PACED: _l("Self-paced module"),
    EntrySource.EXTERNAL: _l("External training"),
    EntrySource.FIELD: _l("Supervised field experience"),
    EntrySource.ADJUSTMENT: _l("Adjustment"),
    EntryStatus.PENDING: _l("Pending"),
    EntryStatus.APPROVED: _l("Approved"),
    EntryStatus.REJECTED: _l("Rejected"),
    EntryStatus.WITHDRAWN: _l("Withdrawn"),
}

#: The one guarded transition table for an entry's status. Approved, rejected and withdrawn entries are final.
ENTRY_TRANSITIONS = {
    EntryStatus.PENDING: {EntryStatus.APPROVED, EntryStatus.REJECTED, EntryStatus.WITHDRAWN},
    EntryStatus.APPROVED: set(),
    EntryStatus.REJECTED: set(),
    EntryStatus.WITHDRAWN: set(),
}

PAY_CODE = "TRAINING"


class EvidenceFile(Model):
    """An uploaded certificate or sign-in sheet, stored outside the web root under the storage directory."""

    __tablename__ = "lms_evidence_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("lms_users.id", ondelete="CASCADE"), index=True)
    storage_key: Mapped[str] = mapped_column(String(200), unique=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = created_at_column()


class HoursEntry(Model):
    __tablename__ = "lms_hours_entries"
    __table_args__ = (
        UniqueConstraint("user_id", "idempotency_key"),
        UniqueConstraint("source_ref"),
        Index("ix_lms_hours_entries_org_status_date", "org_id", "status", "activity_date"),
        # With the status last, "does this pay period pay any approved entry" is one index step (lms/hours/unexported.py);
        # without it SQLite answered it from the (org_id, status, ...) index, reading every approved entry of the
        # organisation for each period (migration 0018).
        Index("ix_lms_hours_entries_org_paid_period_status", "org_id", "paid_period_start", "status"),
        Index("ix_lms_hours_entries_user_date", "user_id", "activity_date"),
        CheckConstraint("source = 'adjustment' OR minutes > 0", name="minutes_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("lms_users.id", ondelete="RESTRICT"))
    org_id: Mapped[int | None] = mapped_column(ForeignKey("lms_organisations.id", ondelete="RESTRICT"))
    source: Mapped[EntrySource] = mapped_column(enum_type(EntrySource))
    status: Mapped[EntryStatus] = mapped_column(enum_type(EntryStatus), default=EntryStatus.PENDING)
    activity_date: Mapped[date]
    minutes: Mapped[int]
    measured_minutes: Mapped[int | None]
    title: Mapped[str] = mapped_column(String(300))
    provider: Mapped[str | None] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    competency_areas: Mapped[list[str]] = mapped_column(JSON, default=list)
    course_id: Mapped[int | None] = mapped_column(ForeignKey("lms_courses.id", ondelete="SET NULL"))
    module_id: Mapped[int | None] = mapped_column(ForeignKey("lms_modules.id", ondelete="SET NULL"))
    session_id: Mapped[int | None] = mapped_column(ForeignKey("lms_live_sessions.id", ondelete="SET NULL"))
    #: A unique reference to what produced the entry (e.g. ``module-completion:12``), so it is created once.
    source_ref: Mapped[str | None] = mapped_column(String(80))
    idempotency_key: Mapped[str | None] = mapped_column(String(80))
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("lms_hours_entries.id", ondelete="RESTRICT"), index=True)
    supervisor_name: Mapped[str | None] = mapped_column(String(200))
    supervisor_title: Mapped[str | None] = mapped_column(String(200))
    evidence_id: Mapped[int | None] = mapped_column(ForeignKey("lms_evidence_files.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = created_at_column()
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("lms_users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("lms_users.id", ondelete="SET NULL"))
    rejection_reason: Mapped[str | None] = mapped_column(Text)
    #: Set on approval: the hourly rate in force and the (open) pay period the entry is paid in.
    rate_cents: Mapped[int | None]
    paid_period_start: Mapped[date | None]


#: Columns that may change after an entry is written (workflow only); anything else is a ledger violation.
MUTABLE_COLUMNS = {"status", "decided_at", "decided_by_id", "rejection_reason", "rate_cents", "paid_period_start"}


class LedgerViolation(RuntimeError):
    """Raised when code tries to edit or delete a ledger entry instead of appending a correction."""


@event.listens_for(HoursEntry, "before_update")
def _guard_append_only(_mapper, connection, target: HoursEntry) -> None:
    from sqlalchemy import inspect

    changed = {attr.key for attr in inspect(target).attrs if attr.history.has_changes()}
    illegal = changed - MUTABLE_COLUMNS
    if illegal:
        raise LedgerViolation(f"hours entries are append-only; tried to change {sorted(illegal)}")


@event.listens_for(HoursEntry, "before_delete")
def _guard_no_delete(_mapper, connection, target: HoursEntry) -> None:
    raise LedgerViolation("hours entries are never deleted; add a correcting adjustment instead")


class PayrollExport(Model):
    """An exported (and so locked) pay period of one organisation, with the exact file, so a re-export is identical."""

    __tablename__ = "lms_payroll_exports"
    __table_args__ = (UniqueConstraint("org_id", "period_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("lms_organisations.id", ondelete="RESTRICT"))
    period_start: Mapped[date]
    period_end: Mapped[date]
    exported_at: Mapped[datetime] = created_at_column()
    exported_by_id: Mapped[int | None] = mapped_column(ForeignKey("lms_users.id", ondelete="SET NULL"))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    row_count: Mapped[int]
