"""Signal receivers that append ledger entries automatically (imported by :mod:`lms.listeners` when the extension
starts, so they are connected in the standalone app, a host app and the CLI alike).

- ``module-completed`` → a ``self_paced`` entry for the module's credited minutes, once per completion
  (``source_ref="module-completion:<id>"``). Only self-paced completions: live modules are paid through attendance
  and field modules through the field logs that complete them.
- ``pay-schedule-changed`` → approved entries not yet exported are paid in the organisation's new periods
  (:func:`lms.hours.schedule_change.repay_unexported`).
- ``employment-began`` → the person's pending own records dated within the employment go to the organisation
  (:func:`lms.hours.adoption.adopt_own_records`; returns how many).
- ``attendance-finalized`` → a ``live`` entry for the attended minutes, once per attendance row
  (``source_ref="attendance:<id>"``; nothing for zero minutes), dated like self-paced hours on the person's calendar:
  the day the session started in their time zone (their profile's, else ``LMS_DEFAULT_TIMEZONE``), not in the
  session's (``docs/hours.md``, "The date of an entry"). An online session from 00:30 to 02:00 in New York is worked on
  5 December from 21:30 by someone in Los Angeles, and dated that day. Entries made before this rule keep the
  session's date: the ledger is never rewritten. With ``correction=True`` the ledger is brought to
  the corrected minutes by :mod:`lms.hours.attendance_corrections`: earlier corrections' pending adjustments are
  withdrawn, a still-pending live entry is replaced by one of the corrected minutes, and an approved one gets one
  pending adjustment for the difference (``source_ref="attendance:<id>:correction:<n>"``), each with the date of
  the entry it follows; no entry is ever edited.
  Once a manager rejected the live entry there is nothing to correct: the decision stands, and a manager who wants
  to pay the corrected time adds an adjustment.

Both run inside the sender's unit of work (flush only). The organisation is the person's employer on the activity
date; with several, the earliest-started one (:func:`lms.hours.entry_orgs.resolve_org`).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app

from lms import db
from lms.accounts.models import User
from lms.catalog.models import Course, Module
from lms.catalog.texts import load_texts
from lms.enrollment.models import Enrollment
from lms.hours import attendance_corrections, entry_orgs, ledger
from lms.hours.adoption import adopt_own_records
from lms.hours.live_attendance import live_activity_date
from lms.hours.models import EntrySource, EntryStatus, HoursEntry
from lms.hours.schedule_change import repay_unexported
from lms.signals import attendance_finalized, employment_began, module_completed, pay_schedule_changed


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
        module_id=module.id, source_ref=ref, org_id=entry_orgs.resolve_org(user.id, day, must_choose=False),
    )
    return ledger.append_once(entry, None)[0]


def record_attendance(attendance: Any, session: Any, correction: bool = False, actor: Any = None) -> HoursEntry | None:
    """Attendance was finalised: append a live entry once (``attendance:<id>``). A correction brings the ledger of
    that attendance to the corrected minutes (:func:`lms.hours.attendance_corrections.record_correction`)."""
    ref = f"attendance:{attendance.id}"
    original = ledger.find_by_ref(ref)
    if original is None:
        return _live_entry(attendance, session, ref, actor) if attendance.minutes > 0 else None
    if not correction:
        return original
    return attendance_corrections.record_correction(ref, attendance.minutes, actor)


def _live_entry(attendance: Any, session: Any, ref: str, actor: Any = None) -> HoursEntry:
    module = db.session.get(Module, session.module_id)
    day = live_activity_date(session, db.session.get(User, attendance.user_id))
    entry = HoursEntry(
        user_id=attendance.user_id, source=EntrySource.LIVE, status=EntryStatus.PENDING, activity_date=day,
        minutes=attendance.minutes, measured_minutes=attendance.minutes, title=_module_title(module),
        competency_areas=list(module.competency_areas or []), course_id=session.course_id, module_id=module.id,
        session_id=session.id, source_ref=ref, org_id=entry_orgs.resolve_org(attendance.user_id, day, must_choose=False),
    )
    return ledger.append_once(entry, actor)[0]


def on_module_completed(completion: Any, enrollment: Any = None, module: Any = None, **_: Any) -> None:
    record_module_completion(completion, enrollment, module)


def on_attendance_finalized(attendance: Any, session: Any = None, correction: bool = False, actor: Any = None,
                            **_: Any) -> None:
    record_attendance(attendance, session, correction=correction, actor=actor)


def on_pay_schedule_changed(org: Any, actor: Any = None, **_: Any) -> int:
    return repay_unexported(org, actor)


def on_employment_began(membership: Any, actor: Any = None, **_: Any) -> int:
    return adopt_own_records(membership, actor)


module_completed.connect(on_module_completed)
attendance_finalized.connect(on_attendance_finalized)
pay_schedule_changed.connect(on_pay_schedule_changed)
employment_began.connect(on_employment_began)
