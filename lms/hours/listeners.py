"""Signal receivers that append ledger entries automatically (imported by :mod:`lms.listeners` when the extension
starts, so they are connected in the standalone app, a host app and the CLI alike).

- ``module-completed`` → a ``self_paced`` entry for the module's credited minutes, once per completion
  (``source_ref="module-completion:<id>"``). Only self-paced completions: live modules are paid through attendance
  and field modules through the field logs that complete them.
- ``pay-schedule-changed`` → approved entries not yet exported are paid in the organisation's new periods
  (:func:`lms.hours.approvals.repay_unexported`).
- ``attendance-finalized`` → a ``live`` entry for the attended minutes, once per attendance row
  (``source_ref="attendance:<id>"``; nothing for zero minutes). With ``correction=True`` an ``adjustment`` for the
  difference between the corrected minutes and what attendance has put in the ledger so far (rejected corrections
  left out), pointing at the original entry (``source_ref="attendance:<id>:correction:<n>"``); the original is never
  edited. Once a manager rejected the original there is nothing to correct: the decision stands, and a manager who
  wants to pay the corrected time adds an adjustment.

Both run inside the sender's unit of work (flush only). The organisation is the person's employer on the activity
date; with several, the earliest-started one (:func:`lms.hours.ledger.resolve_org`).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import case, func, select

from lms import db
from lms.accounts.models import User
from lms.catalog.models import Course, Module
from lms.catalog.texts import load_texts
from lms.enrollment.models import Enrollment
from lms.hours import ledger
from lms.hours.approvals import repay_unexported
from lms.hours.models import EntrySource, EntryStatus, HoursEntry
from lms.i18n import _
from lms.signals import attendance_finalized, module_completed, pay_schedule_changed


def _local_date(moment: datetime, zone: str | None) -> date:
    return moment.astimezone(ZoneInfo(zone or current_app.config["LMS_DEFAULT_TIMEZONE"])).date()


def _module_title(module: Module) -> str:
    course = db.session.get(Course, module.course_id)
    texts = load_texts(course, course.source_locale, owners=[("module", module.id)], fields=["title"])
    return (texts(module) or module.slug)[:300]


def record_module_completion(completion: Any, enrollment: Enrollment, module: Module) -> HoursEntry | None:
    """A self-paced module was completed: append its credited minutes once (``module-completion:<id>``)."""
    if completion.source != "self_paced" or completion.credited_minutes <= 0:
        return None
    ref = f"module-completion:{completion.id}"
    if (existing := ledger.find_by_ref(ref)) is not None:
        return existing
    user = db.session.get(User, enrollment.user_id)
    day = _local_date(completion.completed_at, user.timezone)
    entry = HoursEntry(
        user_id=user.id, source=EntrySource.SELF_PACED, status=EntryStatus.PENDING, activity_date=day,
        minutes=completion.credited_minutes, measured_minutes=completion.measured_seconds // 60,
        title=_module_title(module), competency_areas=list(module.competency_areas or []), course_id=module.course_id,
        module_id=module.id, source_ref=ref, org_id=ledger.resolve_org(user.id, day, must_choose=False),
    )
    return ledger.append_once(entry, None)[0]


def record_attendance(attendance: Any, session: Any, correction: bool = False) -> HoursEntry | None:
    """Attendance was finalised: append a live entry once (``attendance:<id>``). A correction appends an adjustment
    for the difference between the corrected minutes and what attendance has put in the ledger so far."""
    ref = f"attendance:{attendance.id}"
    original = ledger.find_by_ref(ref)
    if original is None:
        return _live_entry(attendance, session, ref) if attendance.minutes > 0 else None
    if not correction or original.status is EntryStatus.REJECTED:
        return original
    is_counted = HoursEntry.status != EntryStatus.REJECTED
    so_far = db.session.execute(
        select(func.coalesce(func.sum(case((is_counted, HoursEntry.minutes), else_=0)), 0), func.count(HoursEntry.id))
        .where(HoursEntry.corrects_id == original.id, HoursEntry.source_ref.like(ref + ":%"))
    ).one()
    difference = attendance.minutes - (original.minutes + int(so_far[0]))
    if difference == 0:
        return None
    entry = HoursEntry(
        user_id=original.user_id, org_id=original.org_id, source=EntrySource.ADJUSTMENT, status=EntryStatus.PENDING,
        activity_date=original.activity_date, minutes=difference, measured_minutes=attendance.minutes,
        title=original.title, description=_("Attendance corrected to %(num)d minutes.", num=attendance.minutes),
        competency_areas=list(original.competency_areas), course_id=original.course_id, module_id=original.module_id,
        session_id=original.session_id, corrects_id=original.id, source_ref=f"{ref}:correction:{so_far[1] + 1}",
    )
    return ledger.append_once(entry, None)[0]


def _live_entry(attendance: Any, session: Any, ref: str) -> HoursEntry:
    module = db.session.get(Module, session.module_id)
    day = _local_date(session.starts_at, session.timezone)
    entry = HoursEntry(
        user_id=attendance.user_id, source=EntrySource.LIVE, status=EntryStatus.PENDING, activity_date=day,
        minutes=attendance.minutes, measured_minutes=attendance.minutes, title=_module_title(module),
        competency_areas=list(module.competency_areas or []), course_id=session.course_id, module_id=module.id,
        session_id=session.id, source_ref=ref, org_id=ledger.resolve_org(attendance.user_id, day, must_choose=False),
    )
    return ledger.append_once(entry, None)[0]


def on_module_completed(completion: Any, enrollment: Any = None, module: Any = None, **_: Any) -> None:
    record_module_completion(completion, enrollment, module)


def on_attendance_finalized(attendance: Any, session: Any = None, correction: bool = False, **_: Any) -> None:
    record_attendance(attendance, session, correction=correction)


def on_pay_schedule_changed(org: Any, actor: Any = None, **_: Any) -> int:
    return repay_unexported(org, actor)


module_completed.connect(on_module_completed)
attendance_finalized.connect(on_attendance_finalized)
pay_schedule_changed.connect(on_pay_schedule_changed)
