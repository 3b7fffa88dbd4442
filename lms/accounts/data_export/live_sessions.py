"""The live-session part of a data export: each session the person had a seat (or a waitlist place) for or attended,
with the attendance a trainer recorded, and every stretch of time they were recorded in it (check-in, join button,
meeting report, trainer)."""

from __future__ import annotations

from sqlalchemy import or_, select

from lms import db
from lms.accounts.data_export.tables import Cell, Person, Table, moment, names_of, number, title_of, yes_no
from lms.catalog.models import Course, Module
from lms.catalog.texts import load_titles
from lms.i18n import _l
from lms.live.models import Attendance, AttendanceInterval, LiveSession, Registration

SESSION_COLUMNS = (
    # i18n: column names of live_sessions.csv (sessions the person had a seat for or attended) (“Download my data”)
    _l("Course"), _l("Module"), _l("Starts"), _l("Ends"), _l("Mode"), _l("Session status"), _l("Registration"),
    _l("Registered"), _l("Registered by"), _l("Put on the waitlist"), _l("Moved off the waitlist"), _l("Cancelled"),
    _l("Attendance"), _l("Minutes credited"), _l("Module completed"),
)
# i18n: column names of live_attendance_times.csv (time recorded in a session); "Not counted": set aside (“Download my data”)
TIME_COLUMNS = (_l("Course"), _l("Module"), _l("Session starts"), _l("Joined"), _l("Left"),
                _l("How it was recorded"), _l("Not counted"))


def _sessions(person: Person) -> list[tuple[LiveSession, Module, Course]]:
    """Sessions the person has a registration, an attendance row or attendance time in, by start (one query)."""
    uid = person.id
    ids = [select(Registration.session_id).where(Registration.user_id == uid),
           select(Attendance.session_id).where(Attendance.user_id == uid),
           select(AttendanceInterval.session_id).where(AttendanceInterval.user_id == uid)]
    return list(db.session.execute(
        select(LiveSession, Module, Course).join(Module, Module.id == LiveSession.module_id)
        .join(Course, Course.id == LiveSession.course_id).where(or_(*(LiveSession.id.in_(q) for q in ids)))
        .order_by(LiveSession.starts_at, LiveSession.id)
    ).all())


def live_sessions(person: Person) -> list[Table]:
    """``live_sessions`` (one row per session) and ``live_attendance_times`` (one row per recorded stretch)."""
    sessions = _sessions(person)
    titles = load_titles([module for _s, module, _c in sessions], [course for _s, _m, course in sessions], person.locale)
    named = {s.id: (titles[c.id](c) or c.slug, titles[c.id](m) or m.slug) for s, m, c in sessions}
    seats = _by_session(Registration, person)
    marks = _by_session(Attendance, person)
    names = names_of(seat.registered_by_id for seat in seats.values())
    rows: list[list[Cell]] = []
    for session, _module, _course in sessions:
        seat, mark = seats.get(session.id), marks.get(session.id)
        rows.append([
            *named[session.id], moment(person, session.starts_at), moment(person, session.counted_end),
            title_of(session.mode), title_of(session.status), title_of(seat.status) if seat else None,
            moment(person, seat.registered_at) if seat else None, names.get(seat.registered_by_id) if seat else None,
            moment(person, seat.waitlisted_at) if seat else None, moment(person, seat.promoted_at) if seat else None,
            moment(person, seat.cancelled_at) if seat else None, title_of(mark.status) if mark else None,
            number(mark.minutes) if mark else None, yes_no(mark.completed_module) if mark else None,
        ])
    return [Table("live_sessions", SESSION_COLUMNS, rows), _times(person, {s.id: s for s, _m, _c in sessions}, named)]


def _by_session(model: type[Registration] | type[Attendance], person: Person) -> dict[int, Registration | Attendance]:
    return {row.session_id: row for row in db.session.execute(select(model).where(model.user_id == person.id)).scalars()}


def _times(person: Person, sessions: dict[int, LiveSession], named: dict[int, tuple[str, str]]) -> Table:
    """Every stretch, also those a trainer set aside (marked "not counted")."""
    intervals = db.session.execute(
        select(AttendanceInterval).where(AttendanceInterval.user_id == person.id)
        .order_by(AttendanceInterval.joined_at, AttendanceInterval.id)
    ).scalars()
    return Table("live_attendance_times", TIME_COLUMNS, [
        [*named[i.session_id], moment(person, sessions[i.session_id].starts_at), moment(person, i.joined_at),
         moment(person, i.left_at), title_of(i.source), yes_no(i.is_void)]
        for i in intervals
    ])
