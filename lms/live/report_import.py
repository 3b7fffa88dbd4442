"""Applying a participant report (read by :mod:`lms.live.report_parsing`) to a session.

Applying (:func:`apply_report`) is not all-or-nothing: every good row whose email matches an account is imported as an
interval; rows that match nobody, rows without an email, unreadable rows and rows entirely outside the session are
reported with their line numbers and skipped, and so are the rows of the session's own trainers (hosting is not
attending) and of people with no link to the session (not registered, no time recorded in it, not enrolled in its
course: :func:`lms.live.attendees.is_linked`), so a guest in the meeting never gets paid training hours. Importing the
same file twice adds nothing (identical intervals are skipped). A file of first joins and last leaves (the roster's own
download, Teams' "2. Participants": :attr:`ParsedReport.first_and_last_only`) adds nothing to anyone who already has
time in the session (:func:`_recorded`): its row would span the gaps between their stretches; the row is reported,
unless their time covers it already (then a duplicate). The report replaces the Join-button estimate of the
people it lists: their Join-button intervals (which know when a person joined, never when they left) are voided: kept,
but no longer counted. After attendance is final, an import is a correction: a reason is required.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from lms import audit, db
from lms.accounts.models import User
from lms.errors import DomainError
from lms.i18n import _
from lms.live import attendees
from lms.live.attendance_credit import final_minutes_changed
from lms.live.models import AttendanceInterval, IntervalSource, SessionTrainer
from lms.live.report_parsing import ParsedReport, ReportRow, RowProblem
from lms.reasons import required_reason


@dataclass
class ImportResult:
    kind: str
    imported: int = 0
    duplicates: int = 0
    people: int = 0
    unmatched: list[RowProblem] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    #: After finalising: the emails to send, after the commit, to the people whose credited time changed.
    credit_notices: list[Any] = field(default_factory=list)


def apply_report(session: Any, report: ParsedReport, actor: Any, now: datetime, min_share: int,
                 reason: str = "", filename: str = "") -> ImportResult:
    """Add the report's rows to ``session`` as intervals (see the module docstring for the rules)."""
    final = session.attendance_finalized_at is not None
    if report.error:
        raise DomainError(report.error)
    reason = (required_reason(reason, _("Attendance is final: give a reason for this correction."))
              if final else (reason or "").strip())
    result = ImportResult(kind=report.kind, problems=list(report.problems))
    users = _users_by_email({row.email for row in report.rows})
    result.unmatched = list(report.no_email) + [
        RowProblem(row.line, _("No account has this email."), row.name, row.email)
        for row in report.rows if row.email not in users
    ]
    trainers = set(db.session.execute(select(SessionTrainer.user_id).where(SessionTrainer.session_id == session.id))
                   .scalars())
    rows = []
    linked: dict[int, bool] = {}
    for row in report.rows:
        user = users.get(row.email)
        if user is None:
            continue
        if user.id in trainers:
            result.problems.append(RowProblem(row.line, _("A trainer of this session: not counted as attendance."),
                                              row.name, row.email))
        elif not linked.setdefault(user.id, attendees.is_linked(session, user)):
            result.problems.append(RowProblem(
                row.line, _("Not on this session: not registered, not checked in and not enrolled in its course. Not "
                            "counted; if they did attend, enrol them in the course and import the file again."),
                row.name, row.email))
        else:
            rows.append(row)
    rows = _inside(session, rows, result)
    seen = _existing(session)
    recorded = _recorded(session, report.kind == "teams") if report.first_and_last_only else {}
    touched: dict[int, Any] = {}
    for row in rows:
        user = users[row.email]
        if (user.id, row.joined_at, row.left_at) not in seen and user.id in recorded:
            if _covered(recorded[user.id], row):
                result.duplicates += 1
            else:
                result.problems.append(RowProblem(row.line, _(
                    "Already has time in this session: this file shows only the first arrival and the last departure, "
                    "so it would count the time in between. Change their times on their attendance page."),
                    row.name, row.email))
            continue
        touched[user.id] = user
        if (user.id, row.joined_at, row.left_at) in seen:
            result.duplicates += 1
            continue
        seen.add((user.id, row.joined_at, row.left_at))
        db.session.add(AttendanceInterval(session_id=session.id, user_id=user.id, joined_at=row.joined_at,
                                          left_at=row.left_at, source=IntervalSource.IMPORT,
                                          created_by_id=getattr(actor, "id", None)))
        result.imported += 1
    _void_join_estimates(session, list(touched))
    result.people = len(touched)
    result.problems.sort(key=lambda p: p.line)
    result.unmatched.sort(key=lambda p: p.line)
    audit.record("live.report_imported", session, actor, reason=reason or None, kind=report.kind,
                 filename=filename[:200], imported=result.imported, duplicates=result.duplicates,
                 unmatched=len(result.unmatched), problems=len(result.problems))
    db.session.flush()
    if final and touched:
        result.credit_notices = final_minutes_changed(session, list(touched.values()), actor, now, min_share, reason,
                                                      "report_import")
    return result


def _users_by_email(emails: set[str]) -> dict[str, Any]:
    if not emails:
        return {}
    found = db.session.execute(select(User).where(func.lower(User.email).in_(sorted(emails)),
                                                  User.email_confirmed_at.is_not(None))).scalars()  # theirs for sure
    return {user.email.lower(): user for user in found}


def _inside(session: Any, rows: list[ReportRow], result: ImportResult) -> list[ReportRow]:
    """Rows that overlap the session; the others are reported (a wrong file or a time-zone mix-up)."""
    kept = []
    for row in rows:
        if row.left_at <= session.starts_at or row.joined_at >= session.ends_at:
            result.problems.append(RowProblem(row.line, _("This time is not during the session (is it the report "
                                                          "of another meeting?)."), row.name, row.email))
        else:
            kept.append(row)
    return kept


def _existing(session: Any) -> set[tuple[int, datetime, datetime | None]]:
    return {
        (user_id, joined, left) for user_id, joined, left in db.session.execute(
            select(AttendanceInterval.user_id, AttendanceInterval.joined_at, AttendanceInterval.left_at).where(
                AttendanceInterval.session_id == session.id, AttendanceInterval.source == IntervalSource.IMPORT,
                AttendanceInterval.is_void.is_(False))
        ).all()
    }


def _recorded(session: Any, replaces_estimates: bool) -> dict[int, list[tuple[datetime, datetime]]]:
    """Everyone's time counted in ``session`` before a file of first joins and last leaves is imported, by user: every
    interval not set aside, but for Join-button estimates when the file is a meeting report, which replaces them."""
    query = select(AttendanceInterval.user_id, AttendanceInterval.joined_at, AttendanceInterval.left_at).where(
        AttendanceInterval.session_id == session.id, AttendanceInterval.is_void.is_(False))
    if replaces_estimates:
        query = query.where(AttendanceInterval.source != IntervalSource.JOIN_BUTTON)
    recorded: dict[int, list[tuple[datetime, datetime]]] = {}
    for user_id, joined, left in db.session.execute(query).all():
        recorded.setdefault(user_id, []).append((joined, left or joined))  # still there: covers nothing yet
    return recorded


def _covered(times: list[tuple[datetime, datetime]], row: ReportRow) -> bool:
    """Whether ``times`` already cover all of ``row`` but its first minute (the roster's download writes times to the
    minute, cut down): then the row adds nothing, else it would count the gaps between someone's stretches."""
    start = row.joined_at + timedelta(minutes=1)
    for joined, left in sorted(times):
        if start >= row.left_at or joined > start:
            break
        start = max(start, left)
    return start >= row.left_at


def _void_join_estimates(session: Any, user_ids: list[int]) -> None:
    if not user_ids:
        return
    for interval in db.session.execute(
        select(AttendanceInterval).where(
            AttendanceInterval.session_id == session.id, AttendanceInterval.user_id.in_(user_ids),
            AttendanceInterval.source == IntervalSource.JOIN_BUTTON, AttendanceInterval.is_void.is_(False))
    ).scalars():
        interval.is_void = True
