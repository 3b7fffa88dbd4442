"""What a trainer is told after changing attendance: for finalising, how many completed the module, whose hours were
recorded and, for a session that ran too short, why nobody completed it; for one person's change or correction, what
it did for them (the module, their training hours as the ledger now holds them) and whether time still counts for
someone marked absent or excused. The texts follow the trainee's own session page (templates/lms/live/detail.html).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lms.hours.live_attendance import SessionHours, session_hours
from lms.i18n import _, format_minutes, ngettext
from lms.live import attendance as services
from lms.live.models import Attendance, AttendanceStatus, LiveSession

#: Statuses that say the person did not attend, though time may still be counted for them (``docs/hours.md``).
NOT_ATTENDING = (AttendanceStatus.ABSENT, AttendanceStatus.EXCUSED)


@dataclass(frozen=True)
class Before:
    """A person's attendance as it was before a change: the module mark and their training hours for the session."""

    completed_module: bool
    hours: SessionHours | None


def before(session: LiveSession, user: Any, row: Attendance | None) -> Before:
    final = session.attendance_finalized_at is not None
    return Before(bool(row and row.completed_module), session_hours(user.id, session.id) if final else None)


def finalised(session: LiveSession, rows: list[Attendance]) -> str:
    """The flash after finalising: people, module completions (and why none, for a session that ran too short) and
    how many people's minutes went to the training hours."""
    done = sum(1 for row in rows if row.completed_module)
    paid = sum(1 for row in rows if row.minutes > 0)  # the ledger makes an entry for each (lms.hours.listeners)
    parts = [
        ngettext("Attendance is final for %(num)d person.", "Attendance is final for %(num)d people.", len(rows)),
        ngettext("%(num)d completed the module.", "%(num)d completed the module.", done),
    ]
    if not services.ran_long_enough(session):
        parts.append(_("The session ran less than %(num)d%% of its scheduled time, so attending it completes nobody's "
                       "module; a make-up session can complete it.", num=services.MIN_RUN_PERCENT))
    parts.append(ngettext("Training hours were recorded for %(num)d person, for their employer to approve.",
                          "Training hours were recorded for %(num)d people, for their employers to approve.", paid))
    return " ".join(parts)


def changed(session: LiveSession, user: Any, row: Attendance, was: Before, seconds: int, min_share: int) -> str:
    """The flash after one person's change: "Saved.", then, once attendance is final, what the correction did for
    them; in any case a warning when someone marked absent or excused still has time counted."""
    parts = [_("Saved.")]
    final = session.attendance_finalized_at is not None
    if final:
        parts.extend(_module_notes(session, user, row, was, seconds, min_share))
        parts.append(hours_text(user.name, session_hours(user.id, session.id), was.hours))
    minutes = row.minutes if final else seconds // 60
    warning = credited_while_absent(user.name, row.status, minutes)
    if warning:
        parts.append(warning)
    return " ".join(parts)


def _module_notes(session: LiveSession, user: Any, row: Attendance, was: Before, seconds: int, min_share: int) -> list[str]:
    if row.completed_module and not was.completed_module:
        # i18n: %(name)s is a person's name.
        return [_("%(name)s has now completed the module.", name=user.name)]
    if was.completed_module and services.shortfall(session, row.status, seconds, min_share) is not None:
        return [_("The module stays completed for %(name)s: a correction never takes back a completed module. If it "
                  "should not have been completed, tell the program administrator.", name=user.name)]
    return []


def hours_text(name: str, hours: SessionHours | None, was: SessionHours | None) -> str:
    """A person's training hours for the session as the ledger holds them, in the words of the trainee's page."""
    if hours is None or (hours.total <= 0 and not hours.is_rejected):
        if was is not None and was.total > 0:
            return _("The training hours of %(name)s for this session were withdrawn.", name=name)
        return _("No time is counted for %(name)s: nothing goes to their training hours.", name=name)
    if hours.is_rejected:
        return _("A manager rejected the training hours of %(name)s for this session: they are not paid.", name=name)
    if not hours.has_org:
        return _("%(name)s: %(time)s in their own training records only: no organisation approves or pays it.",
                 name=name, time=format_minutes(hours.total))
    if not hours.is_approved:
        return _("%(name)s: %(time)s in their training hours, waiting for approval.", name=name,
                 time=format_minutes(hours.total))
    if hours.pending:
        return _("%(name)s: %(approved)s approved in their training hours; a correction to %(total)s is waiting for "
                 "approval.", name=name, approved=format_minutes(hours.approved), total=format_minutes(hours.total))
    return _("%(name)s: %(time)s approved in their training hours.", name=name, time=format_minutes(hours.approved))


def credited_while_absent(name: str, status: AttendanceStatus | None, minutes: int) -> str | None:
    """Marked absent or excused with time still counted: by design the time stays in the training hours (the approver
    sees a warning, ``docs/hours.md``); the trainer is told, and how to leave it out."""
    if status not in NOT_ATTENDING or minutes <= 0:
        return None
    # i18n: %(status)s is "Absent" or "Excused absence"; “Set aside” is the button beside each time on the person's page.
    return _("%(name)s is marked “%(status)s”, yet %(time)s in the session still count as training hours (their "
             "approver sees a warning). To leave that time out, use “Set aside” beside each time on their page.",
             name=name, status=status.title, time=format_minutes(minutes))
