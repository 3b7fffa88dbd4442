"""A session's attendance as a spreadsheet for its trainers (the roster's "Download attendance (CSV)"): one row per
person on the roster, as the roster shows them (:func:`lms.live.roster.load_roster`), times in the session's time zone.

Columns: name, email, status, joined (the first time not set aside), left (the last; empty while someone is still
there), credited minutes (the stored, audited minutes once attendance is final, else the minutes so far), notes
(registration, several times, times set aside, module complete, a trainer of the session). The file is written by
the web layer, with every text cell neutralised against spreadsheet formulas (:mod:`lms.web.live.attendance_export`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from lms.i18n import _, ngettext
from lms.live.models import LiveSession
from lms.live.roster import RosterLine, load_roster
from lms.live.times import to_zone


@dataclass(frozen=True)
class AttendanceRow:
    name: str
    email: str
    status: str
    joined: str
    left: str
    minutes: int | None
    notes: str


def header(session: LiveSession) -> list[str]:
    """The column names, in the reader's language; times say their zone."""
    # i18n: column headers of the attendance file (CSV); %(zone)s is a time zone name, e.g. America/Los_Angeles
    return [_("Name"), _("Email"), _("Status"), _("Joined (%(zone)s)", zone=session.timezone),
            _("Left (%(zone)s)", zone=session.timezone), _("Credited minutes"), _("Notes")]


def list_rows(session: LiveSession, now: datetime) -> list[AttendanceRow]:
    """A row per person on the roster, sorted by name as the roster is."""
    return [_row(session, line) for line in load_roster(session, now).lines]


def _local(session: LiveSession, value: datetime | None) -> str:
    return to_zone(value, session.timezone).strftime("%Y-%m-%d %H:%M") if value else ""


def _row(session: LiveSession, line: RosterLine) -> AttendanceRow:
    times = line.live_intervals
    still_there = any(i.left_at is None for i in times)
    left = None if still_there or not times else max(i.left_at for i in times if i.left_at)
    return AttendanceRow(
        line.user.name, line.user.email, line.status.title if line.status else "",
        _local(session, min((i.joined_at for i in times), default=None)), _local(session, left),
        None if line.is_host else line.minutes, "; ".join(_notes(line, len(times), still_there)),
    )


def _notes(line: RosterLine, counted: int, still_there: bool) -> list[str]:
    if line.is_host:
        return [_("Trainer of this session: not counted")]
    notes = [_("Registered") if line.is_registered else _("Came without a seat") if line.came_without_seat
             else _("On the waitlist") if line.is_waitlisted else _("Not registered") if line.takes_registration else ""]
    if counted > 1:
        notes.append(ngettext("%(num)d time counted", "%(num)d times counted", counted))
    if still_there:
        notes.append(_("still there"))
    void = len(line.intervals) - counted
    if void:
        notes.append(ngettext("%(num)d time set aside", "%(num)d times set aside", void))
    if line.attendance is not None and line.attendance.completed_module:
        notes.append(_("Module complete"))
    return [note for note in notes if note]
