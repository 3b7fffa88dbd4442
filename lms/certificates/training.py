"""What a certificate counts: the training of the modules completed in an enrolment, its time and its first day.

An automatic certificate states the credited minutes of every module completed in the enrolment (each completion
keeps the credit its module had then): live (synchronous), self-paced (asynchronous) and supervised field
experience, and per competency area. It certifies the program's training, so every kind follows the same rule: a
self-paced module is credited however long the reading took; a live module is credited in full once attendance
completes it (at least ``LMS_ATTENDANCE_MIN_SHARE`` percent of a session), while the hours ledger pays the minutes
attended; a field module is credited at its credited minutes once approved field experience reaches them, while the
ledger holds every approved field log (more, when the logs went past the module's time or came after). So that the
trainee can see how the two meet, the certificate also keeps what the attendance behind its live modules was
(:class:`LiveBasis`) and the approved field minutes that completed its field modules (:class:`FieldBasis`). A
certificate issued by hand states the time the issuer states instead (:class:`TrainingMinutes`).

The training starts on the earliest day of the training counted (:func:`first_day`): the first lesson opened or
quiz answered in a self-paced module, the session whose attendance completed a live module, the first approved field
log of a field module (which may be dated before the enrolment), or the completion itself. Reading the live and
hours records here keeps every rule of what a certificate counts in one module.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import format_decimal
from sqlalchemy import func, select

from lms import db
from lms.catalog.models import Lesson, Module, ModuleKind, Quiz
from lms.certificates import dates
from lms.enrollment.models import Enrollment, LessonProgress, ModuleCompletion, QuizAttempt
from lms.hours.models import EntrySource, EntryStatus, HoursEntry
from lms.i18n import _, ngettext
from lms.live.models import Attendance, LiveSession

#: The most hours a certificate issued by hand may state in each category (live, self-paced, field experience). Real
#: programs are far below it: the paused HCAI draft asks for 80 hours in all, and long college CHW certificates come to
#: a few hundred contact hours. It is there to refuse slips such as minutes typed as hours (2400 for 40 hours).
MAX_STATED_HOURS = 500

_KEYS = {ModuleKind.LIVE: "live", ModuleKind.FIELD: "field", ModuleKind.SELF_PACED: "self_paced"}


@dataclass(frozen=True)
class TrainingMinutes:
    """Training time in minutes per category: what a certificate issued by hand states, or what the LMS credited."""

    live: int = 0
    self_paced: int = 0
    field: int = 0

    @property
    def total(self) -> int:
        return self.live + self.self_paced + self.field

    def as_dict(self) -> dict[str, int]:
        """The snapshot's ``minutes``: the same keys the automatic certificates have."""
        return {"live": self.live, "self_paced": self.self_paced, "field": self.field, "total": self.total}


def stated_minutes_problem(stated: TrainingMinutes) -> str | None:
    """Why a certificate may not state this training time (None when it may)."""
    if any(not 0 <= value <= MAX_STATED_HOURS * 60 for value in (stated.live, stated.self_paced, stated.field)):
        return ngettext(
            "Each kind of training time must be between 0 and %(max)s hour.",
            "Each kind of training time must be between 0 and %(max)s hours.",
            MAX_STATED_HOURS,
            max=format_decimal(MAX_STATED_HOURS),
        )
    if stated.total == 0:
        return _(
            "A certificate cannot state 0 hours of training: enter the live, self-paced or field-experience "
            "hours the trainee completed."
        )
    return None


@dataclass(frozen=True)
class LiveBasis:
    """What the live time of an automatic certificate rests on: the number of live modules, the minutes attended in
    the sessions whose attendance completed them (:func:`live_basis`) and those sessions' scheduled minutes, and the
    share of a session that completed a live module at issue time. Frozen in the snapshot (``live_basis``)."""

    modules: int
    attended: int
    scheduled: int
    min_share: int

    def as_dict(self) -> dict[str, int]:
        return {"modules": self.modules, "attended": self.attended, "scheduled": self.scheduled, "min_share": self.min_share}


@dataclass(frozen=True)
class FieldBasis:
    """What the field-experience time of an automatic certificate rests on: the number of field modules and the
    approved field minutes (with corrections) each had when it completed, added up (:func:`field_basis`). Frozen in
    the snapshot (``field_basis``)."""

    modules: int
    approved: int

    def as_dict(self) -> dict[str, int]:
        return {"modules": self.modules, "approved": self.approved}


@dataclass
class Counted:
    """The training an enrolment's completions add up to: minutes per category (with the total), minutes per
    competency area, the completed modules by kind and the moment of each completion."""

    minutes: dict[str, int]
    by_area: dict[str, int]
    modules: dict[ModuleKind, list[int]] = field(default_factory=dict)
    completed_at: list[datetime] = field(default_factory=list)
    #: Module id → the seconds measured with its completion (for a live module: attended in the session completing it).
    measured: dict[int, int] = field(default_factory=dict)

    @property
    def time(self) -> TrainingMinutes:
        return TrainingMinutes(live=self.minutes["live"], self_paced=self.minutes["self_paced"], field=self.minutes["field"])


def count(enrollment: Enrollment | None) -> Counted:
    """The credited minutes of the modules completed in ``enrollment`` (nothing for None), one query."""
    rows = [] if enrollment is None else db.session.execute(
        select(ModuleCompletion.credited_minutes, ModuleCompletion.completed_at, ModuleCompletion.measured_seconds,
               Module.id, Module.kind, Module.competency_areas)
        .join(Module, Module.id == ModuleCompletion.module_id)
        .where(ModuleCompletion.enrollment_id == enrollment.id)
    ).all()
    by_kind = {"live": 0, "self_paced": 0, "field": 0}
    counted = Counted(by_kind, {})
    for credited, completed_at, measured, module_id, kind, areas in rows:
        by_kind[_KEYS.get(kind, "self_paced")] += credited
        counted.modules.setdefault(kind, []).append(module_id)
        counted.completed_at.append(completed_at)
        counted.measured[module_id] = measured or 0
        for area in areas or []:
            counted.by_area[area] = counted.by_area.get(area, 0) + credited
    by_kind["total"] = sum(by_kind.values())
    return counted


def live_basis(user_id: int, counted: Counted) -> tuple[LiveBasis | None, list[datetime]]:
    """The attendance behind the counted live modules, and the start of the session that completed each.

    That session is the earliest one whose attendance row is marked as completing the module (every session
    attended long enough is marked; the first completed it): the mark is set before the completion is recorded
    (:func:`lms.live.attendance_credit.complete_module`), so it is there when the completion issues the certificate
    in the same unit of work. A live module's completion keeps the seconds attended in that
    session, whose whole minutes are the minutes that attendance credits to the ledger. The basis is None unless every
    counted live module has its session (modules completed another way, e.g. in demo or imported data, leave it
    unexplained)."""
    wanted = counted.modules.get(ModuleKind.LIVE, [])
    if not wanted:
        return None, []
    rows = db.session.execute(
        select(LiveSession.module_id, LiveSession.starts_at, LiveSession.ends_at)
        .join(Attendance, Attendance.session_id == LiveSession.id)
        .where(Attendance.user_id == user_id, LiveSession.module_id.in_(wanted), Attendance.completed_module.is_(True))
        .order_by(LiveSession.starts_at, LiveSession.id)
    ).all()
    found: dict[int, Any] = {}
    for row in rows:
        found.setdefault(row.module_id, row)
    starts = [row.starts_at for row in found.values()]
    if len(found) < len(wanted):
        return None, starts
    attended = sum(counted.measured[module_id] // 60 for module_id in wanted)
    scheduled = sum(int((row.ends_at - row.starts_at).total_seconds() // 60) for row in found.values())
    share = int(current_app.config["LMS_ATTENDANCE_MIN_SHARE"])
    return LiveBasis(len(found), attended, scheduled, share), starts


def field_basis(counted: Counted) -> FieldBasis | None:
    """The approved field minutes that completed the counted field modules: each completion keeps them
    (:func:`lms.hours.approvals._complete_field_module`). None without field modules, or when one has none kept
    (completed another way, e.g. in demo or imported data: left unexplained). No query."""
    wanted = counted.modules.get(ModuleKind.FIELD, [])
    if not wanted or not all(counted.measured[module_id] for module_id in wanted):
        return None
    return FieldBasis(len(wanted), sum(counted.measured[module_id] // 60 for module_id in wanted))


def first_day(enrollment: Enrollment, counted: Counted, live_starts: list[datetime], zone: ZoneInfo) -> date | None:
    """The earliest day, on the calendar of ``zone`` (the trainee's), of the dated training ``counted`` holds (None when
    it holds none): the first lesson opened or quiz answered in a completed self-paced module, the start of a session
    that completed a live module, the first approved field log of a completed field module (dated by the trainee, as
    in the ledger), or any completion."""
    moments: list[datetime | None] = [*counted.completed_at, *live_starts]
    self_paced = counted.modules.get(ModuleKind.SELF_PACED, [])
    if self_paced:
        moments += db.session.execute(
            select(func.min(LessonProgress.first_viewed_at)).join(Lesson, Lesson.id == LessonProgress.lesson_id)
            .where(LessonProgress.enrollment_id == enrollment.id, Lesson.module_id.in_(self_paced))
        ).scalars()
        moments += db.session.execute(
            select(func.min(QuizAttempt.submitted_at)).join(Quiz, Quiz.id == QuizAttempt.quiz_id)
            .where(QuizAttempt.enrollment_id == enrollment.id, Quiz.module_id.in_(self_paced))
        ).scalars()
    days = [dates.local_day(moment, zone) for moment in moments if moment is not None]
    fields = counted.modules.get(ModuleKind.FIELD, [])
    if fields:
        days += db.session.execute(
            select(func.min(HoursEntry.activity_date)).where(
                HoursEntry.user_id == enrollment.user_id, HoursEntry.module_id.in_(fields),
                HoursEntry.source == EntrySource.FIELD, HoursEntry.status == EntryStatus.APPROVED)
        ).scalars()
    return min((day for day in days if day is not None), default=None)


def enrollment_of(user: Any, course: Any) -> Enrollment | None:
    """The trainee's enrolment in ``course`` (any status), if any."""
    return db.session.execute(
        select(Enrollment).where(Enrollment.user_id == user.id, Enrollment.course_id == course.id)
    ).scalar_one_or_none()


def get_credited_minutes(user: Any, course: Any) -> TrainingMinutes:
    """The credited minutes of the modules of ``course`` the trainee has completed in the LMS (none if not enrolled)."""
    return count(enrollment_of(user, course)).time


@dataclass(frozen=True)
class HoursBasis:
    """How a certificate's training time was worked out, for its holder's page: stated by a manual issuer, or credited
    for the completed modules, with the attendance behind the live time and the approved field minutes behind the
    field time when the certificate kept them (those issued automatically since each is kept)."""

    is_stated: bool
    live: LiveBasis | None = None
    field: FieldBasis | None = None


def hours_basis(cert: Any) -> HoursBasis:
    """What :class:`HoursBasis` a certificate's row and frozen snapshot tell (no query)."""
    if cert.issue_reason is not None or cert.issued_by_id is not None:
        return HoursBasis(is_stated=True)
    snapshot = cert.snapshot or {}
    live, field_ = snapshot.get("live_basis"), snapshot.get("field_basis")
    return HoursBasis(is_stated=False, live=LiveBasis(**live) if live else None,
                      field=FieldBasis(**field_) if field_ else None)
