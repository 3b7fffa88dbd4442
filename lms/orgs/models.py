"""Organisation models: the organisation and its settings, memberships and invitations."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import CheckConstraint, ColumnElement, ForeignKey, Index, String, UniqueConstraint, and_
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.accounts.models import User
from lms.db import Model, UTCDateTime, created_at_column, enum_type, utcnow
from lms.enums import TitledEnum
from lms.i18n import _l


class OrgKind(TitledEnum):
    EMPLOYER = "employer"
    TRAINING_PROVIDER = "training_provider"
    BOTH = "both"


class PayPeriod(TitledEnum):
    WEEKLY = "weekly"
    BIWEEKLY = "biweekly"
    SEMIMONTHLY = "semimonthly"
    MONTHLY = "monthly"


class CEYearBasis(TitledEnum):
    CALENDAR = "calendar"
    FISCAL = "fiscal"
    ANNIVERSARY = "anniversary"


class EmploymentType(TitledEnum):
    EMPLOYEE = "employee"
    CONTRACTOR = "contractor"
    VOLUNTEER = "volunteer"


class MemberRole(TitledEnum):
    MEMBER = "member"
    MANAGER = "manager"


TITLES = {
    OrgKind.EMPLOYER: _l("Employer"),
    OrgKind.TRAINING_PROVIDER: _l("Training provider"),
    OrgKind.BOTH: _l("Employer and training provider"),
    PayPeriod.WEEKLY: _l("Weekly"),
    PayPeriod.BIWEEKLY: _l("Every two weeks"),
    PayPeriod.SEMIMONTHLY: _l("Twice a month (1st–15th, 16th–end)"),
    PayPeriod.MONTHLY: _l("Monthly"),
    CEYearBasis.CALENDAR: _l("Calendar year (January to December)"),
    CEYearBasis.FISCAL: _l("Fiscal year"),
    CEYearBasis.ANNIVERSARY: _l("Each person's employment anniversary"),
    EmploymentType.EMPLOYEE: _l("Employee"),
    EmploymentType.CONTRACTOR: _l("Contractor"),
    EmploymentType.VOLUNTEER: _l("Volunteer"),
    MemberRole.MEMBER: _l("Staff member"),
    MemberRole.MANAGER: _l("Manager"),
}


class Organisation(Model):
    __tablename__ = "lms_organisations"
    __table_args__ = (
        CheckConstraint("training_pay_rate_cents >= 0", name="pay_rate_not_negative"),
        CheckConstraint("ce_fiscal_start_month BETWEEN 1 AND 12", name="fiscal_month_valid"),
        CheckConstraint("ce_annual_minimum_minutes >= 0", name="ce_minimum_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[OrgKind] = mapped_column(enum_type(OrgKind), default=OrgKind.EMPLOYER)
    timezone: Mapped[str] = mapped_column(String(64), default="America/Los_Angeles")
    pay_period: Mapped[PayPeriod] = mapped_column(enum_type(PayPeriod), default=PayPeriod.BIWEEKLY)
    pay_period_anchor: Mapped[date] = mapped_column(default=date(2026, 1, 5))
    training_pay_rate_cents: Mapped[int] = mapped_column(default=0)
    ce_year_basis: Mapped[CEYearBasis] = mapped_column(enum_type(CEYearBasis), default=CEYearBasis.CALENDAR)
    ce_fiscal_start_month: Mapped[int] = mapped_column(default=7)
    ce_annual_minimum_minutes: Mapped[int] = mapped_column(default=360)
    #: Who signs this organisation's certificates of completion.
    signatory_name: Mapped[str | None] = mapped_column(String(200))
    signatory_title: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = created_at_column()

    memberships: Mapped[list[Membership]] = relationship(back_populates="organisation", lazy="raise")

    def today(self) -> date:
        """Today's date where the organisation is (pay periods, CE years and employment dates follow its calendar)."""
        return utcnow().astimezone(ZoneInfo(self.timezone)).date()


class Membership(Model):
    """A person's place in an organisation: employment details that payroll and compliance exports need."""

    __tablename__ = "lms_memberships"
    __table_args__ = (
        UniqueConstraint("org_id", "user_id"),
        Index("ix_lms_memberships_user_id_org_id", "user_id", "org_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("lms_organisations.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("lms_users.id", ondelete="CASCADE"))
    role: Mapped[MemberRole] = mapped_column(enum_type(MemberRole), default=MemberRole.MEMBER)
    employee_id: Mapped[str | None] = mapped_column(String(64))
    job_title: Mapped[str | None] = mapped_column(String(200))
    employment_start: Mapped[date | None]
    employment_end: Mapped[date | None]
    employment_type: Mapped[EmploymentType] = mapped_column(
        enum_type(EmploymentType), default=EmploymentType.EMPLOYEE
    )
    created_at: Mapped[datetime] = created_at_column()

    organisation: Mapped[Organisation] = relationship(back_populates="memberships", lazy="joined")
    user: Mapped[User] = relationship(lazy="joined")

    @hybrid_property
    def is_current(self) -> bool:
        """Current staff: no end of employment is recorded. The end can only be recorded once the last day has come
        (the organisation's calendar, ``lms.orgs.employment.remove_member``), so any recorded end means they have left,
        and from that moment they are former staff everywhere (staff lists, CE, manager rights)."""
        return self.employment_end is None

    @is_current.inplace.expression
    @classmethod
    def _is_current_expression(cls) -> ColumnElement[bool]:
        return cls.employment_end.is_(None)

    @hybrid_property
    def is_manager(self) -> bool:
        """Whether this membership gives manager rights now: the manager role *and* current staff. Every check of
        "manages this organisation" (access policies, sign-in sessions, API tokens, certificates, evidence) goes
        through this, in Python or as SQL (``Membership.is_manager``), so an ended membership never grants them,
        whatever its role column says."""
        return self.role is MemberRole.MANAGER and self.employment_end is None

    @is_manager.inplace.expression
    @classmethod
    def _is_manager_expression(cls) -> ColumnElement[bool]:
        return and_(cls.role == MemberRole.MANAGER, cls.employment_end.is_(None))


class Invitation(Model):
    """An emailed invitation to join an organisation; the link carries a random token stored hashed."""

    __tablename__ = "lms_invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("lms_organisations.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    name: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[MemberRole] = mapped_column(enum_type(MemberRole), default=MemberRole.MEMBER)
    employee_id: Mapped[str | None] = mapped_column(String(64))
    job_title: Mapped[str | None] = mapped_column(String(200))
    employment_start: Mapped[date | None]
    employment_type: Mapped[EmploymentType] = mapped_column(
        enum_type(EmploymentType), default=EmploymentType.EMPLOYEE
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("lms_users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = created_at_column()
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    organisation: Mapped[Organisation] = relationship(lazy="joined")

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None


class EmploymentPeriod(Model):
    """An earlier period of someone's employment in an organisation, kept when they join it again: the membership
    then holds the new period, and this row what the ended one was (``lms.orgs.history``). Written once, never
    changed. ``ended_by_id``/``ended_at``: who recorded the end, and when (from the audit log)."""

    __tablename__ = "lms_employment_periods"
    __table_args__ = (CheckConstraint("employment_start IS NULL OR employment_start <= employment_end",
                                      name="start_not_after_end"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    membership_id: Mapped[int] = mapped_column(ForeignKey("lms_memberships.id", ondelete="CASCADE"), index=True)
    employee_id: Mapped[str | None] = mapped_column(String(64))
    job_title: Mapped[str | None] = mapped_column(String(200))
    employment_type: Mapped[EmploymentType] = mapped_column(enum_type(EmploymentType))
    employment_start: Mapped[date | None]
    employment_end: Mapped[date]
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("lms_users.id", ondelete="SET NULL"))
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = created_at_column()

    ended_by: Mapped[User | None] = relationship(lazy="raise")
