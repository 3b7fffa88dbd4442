"""A staff member's hours at a glance, for their page (managers): approved and pending time in the current pay period
(as the person's timesheet counts it) and in their current continuing-education (CE) year (as the CE dashboard
counts it). A few queries, whatever the person's history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from lms import db
from lms.accounts.models import User
from lms.hours.ce_standing import CEStatus
from lms.hours.models import EntryStatus, HoursEntry
from lms.hours.timesheets import get_timesheet
from lms.orgs.models import Organisation


@dataclass(frozen=True)
class HoursSummary:
    period_start: date
    period_end: date
    #: Approved minutes paid in the period, and minutes awaiting approval listed on its timesheet.
    period_approved: int
    period_pending: int
    #: The CE year and its minutes; None for people not on the CE list (managers, former staff).
    ce_start: date | None = None
    ce_end: date | None = None
    ce_approved: int = 0
    ce_pending: int = 0


def hours_summary(org: Organisation, user: User, today: date, ce: CEStatus | None) -> HoursSummary:
    """``user``'s hours in ``org`` in the pay period holding ``today`` (their timesheet,
    :func:`lms.hours.timesheets.get_timesheet`) and, given their CE standing (:func:`lms.hours.compliance.ce_status`),
    in that CE year: the approved minutes it counts and the minutes done in it still awaiting approval (at most four
    queries)."""
    sheet = get_timesheet(org, user, today)
    summary = {"period_start": sheet.start, "period_end": sheet.end, "period_approved": sheet.total_minutes,
               "period_pending": sheet.pending_minutes}
    if ce is None or not ce.has_started:
        return HoursSummary(**summary)
    pending = db.session.scalar(
        select(func.coalesce(func.sum(HoursEntry.minutes), 0)).where(
            HoursEntry.org_id == org.id, HoursEntry.user_id == user.id, HoursEntry.status == EntryStatus.PENDING,
            HoursEntry.activity_date.between(ce.year_start, ce.year_end))
    )
    return HoursSummary(**summary, ce_start=ce.year_start, ce_end=ce.year_end, ce_approved=ce.done_minutes,
                        ce_pending=int(pending or 0))
