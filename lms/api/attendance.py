"""API: a live session's attendance, for the trainers who run it (and site admins).

``GET /api/v1/sessions/<id>/attendance`` lists everyone on the roster with status, minutes and intervals.
``PUT /api/v1/sessions/<id>/attendance/<user_id>`` sets a status and/or adds an interval and/or sets one aside,
with the same rules as the roster page (after finalising, ``reason`` is required and the change is audited). It
applies only to people linked to the session (registered, checked in or on its roster, or enrolled in its course):
anyone else is 404, like an unknown id; the session's own trainers and the caller themselves are 403
(:mod:`lms.live.attendees`). Trainers who do not run the session get 404, as on the web pages.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import current_app, jsonify

from lms import db
from lms.api import bodies, bp
from lms.db import utcnow
from lms.errors import DomainError
from lms.i18n import _
from lms.live import attendance as services
from lms.live import attendees, credit_notices
from lms.live import roster as rosters
from lms.live.models import AttendanceStatus, LiveSession, RegistrationStatus
from lms.live.times import NonexistentTime, iso_utc, nonexistent_message, wall_to_utc, zone
from lms.security import access, current_user
from lms.web.live.credit_mail import tell_changed


def _person(roster: rosters.Roster, line: rosters.RosterLine) -> dict[str, Any]:
    return {
        "user_id": line.user.id,
        "name": line.user.name,
        "email": line.user.email,
        "registered": line.is_registered,
        "registration_status": _registration_status(line),
        "status": line.status.value if line.status else None,
        "minutes": line.minutes,
        "share_percent": roster.share(line),
        "completed_module": bool(line.attendance and line.attendance.completed_module),
        "intervals": [
            {
                "id": i.id,
                "joined_at": iso_utc(i.joined_at),
                "left_at": iso_utc(i.left_at),
                "source": i.source.value,
                "is_void": i.is_void,
            }
            for i in line.intervals
        ],
    }


def _registration_status(line: rosters.RosterLine) -> str | None:
    """``registered`` (a seat), ``waitlisted`` (a waitlist place: someone who came anyway) or None (no registration,
    or a cancelled one: a walk-in, or someone only in a meeting report). ``registered`` keeps its meaning: a seat."""
    if line.is_registered:
        return RegistrationStatus.REGISTERED.value
    return RegistrationStatus.WAITLISTED.value if line.is_waitlisted else None


def _session(session: LiveSession) -> dict[str, Any]:
    return {
        "id": session.id,
        "starts_at": iso_utc(session.starts_at),
        "ends_at": iso_utc(session.ends_at),
        "timezone": session.timezone,
        "status": session.status.value,
        "finalized_at": iso_utc(session.attendance_finalized_at),
        "ended_early_at": iso_utc(session.ended_early_at),
        "min_share_percent": int(current_app.config["LMS_ATTENDANCE_MIN_SHARE"]),
    }


@bp.get("/sessions/<int:session_id>/attendance")
@access.trainer
def session_attendance(session_id: int):
    session = rosters.get_managed_session(session_id, current_user)
    roster = rosters.load_roster(session, utcnow())
    return jsonify({"session": _session(session), "people": [_person(roster, line) for line in roster.lines]})


@bp.put("/sessions/<int:session_id>/attendance/<int:user_id>")
@access.trainer
def update_attendance(session_id: int, user_id: int):
    session = rosters.get_managed_session(session_id, current_user)
    user = attendees.get_person(session, user_id)
    body = bodies.json_object(OPENAPI_SCHEMAS["AttendanceChange"]["properties"])
    change = _change(body, session.timezone)
    reason = bodies.text_field(body, "reason") or ""
    credited = credit_notices.final_minutes(session, user)
    row = services.change_attendance(
        session,
        user,
        change,
        current_user._get_current_object(),
        utcnow(),
        int(current_app.config["LMS_ATTENDANCE_MIN_SHARE"]),
        reason,
    )
    notice = credit_notices.credit_changed(session, user, credited, row, current_user._get_current_object(),
                                           reason)
    db.session.commit()
    tell_changed(notice, show=False)  # the person is told the time credited to them changed
    line = rosters.load_person(session, user, utcnow())
    return jsonify({"session": _session(session), "person": _person(rosters.Roster(session), line)})


def _change(body: dict[str, Any], timezone: str) -> services.Change:
    status = body.get("status")
    if status is not None and status not in {s.value for s in AttendanceStatus}:
        raise DomainError(_("status must be one of: %(values)s.", values=", ".join(s.value for s in AttendanceStatus)))
    interval = body.get("interval")
    if isinstance(interval, dict):
        bodies.refuse_unknown(interval, _INTERVAL["properties"], prefix="interval.")
    if interval is not None and not (isinstance(interval, dict) and interval.get("joined_at")):
        raise DomainError(_("interval must be an object with joined_at (and left_at, or null while still there)."))
    void = body.get("void_interval_id")
    if void is not None and (isinstance(void, bool) or not isinstance(void, int)):
        raise DomainError(_("void_interval_id must be an interval id (an integer)."))
    interval = interval or {}
    joined_at = _time(interval.get("joined_at"), timezone, "interval.joined_at")
    return services.Change(
        status=AttendanceStatus(status) if status else None,
        joined_at=joined_at,
        left_at=_time(interval.get("left_at"), timezone, "interval.left_at", after=joined_at),
        void_interval_id=void,
    )


def _time(value: Any, timezone: str, field: str, after: datetime | None = None) -> datetime | None:
    """ISO 8601; a time without an offset is in the session's time zone, read as the web forms read it
    (:func:`lms.live.times.wall_to_utc`: a time the clocks skip is refused, a repeated one after ``after`` is the
    second)."""
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(str(value))
        if parsed.tzinfo is None:
            return wall_to_utc(parsed, zone(timezone), after)
        return parsed.astimezone(UTC)
    except NonexistentTime:
        raise bodies.FieldError(nonexistent_message(parsed), fields=[field]) from None
    except (ValueError, OverflowError):  # OverflowError: e.g. year 9999 behind UTC lands in year 10000
        raise DomainError(_("%(value)s is not an ISO 8601 date and time.", value=str(value)[:40])) from None


_ERRORS = {
    str(code): {"description": "Error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    for code in (400, 401, 403, 404)
}
_SESSION_ID = {"name": "session_id", "in": "path", "required": True, "schema": {"type": "integer"}}
_TIME = {"type": "string", "format": "date-time"}
_STATUS = {"type": ["string", "null"], "enum": [s.value for s in AttendanceStatus] + [None]}
_INTERVAL = {
    "type": "object",
    "required": ["joined_at"],
    "properties": {"joined_at": _TIME, "left_at": {"type": ["string", "null"], "format": "date-time"}},
    "additionalProperties": False,
    "description": "Times in ISO 8601; without an offset they are in the session's time zone",
}

#: Merged into the OpenAPI document by lms/api/openapi.py.
OPENAPI_SCHEMAS: dict[str, Any] = {
    "LiveSessionRef": {
        "type": "object",
        "required": ["id", "starts_at", "ends_at", "timezone", "status", "finalized_at", "ended_early_at", "min_share_percent"],
        "properties": {
            "id": {"type": "integer"},
            "starts_at": _TIME,
            "ends_at": _TIME,
            "timezone": {"type": "string"},
            "status": {"type": "string", "enum": ["scheduled", "cancelled", "completed"]},
            "finalized_at": {"type": ["string", "null"], "format": "date-time"},
            "ended_early_at": {
                "type": ["string", "null"],
                "format": "date-time",
                "description": "When the session really ended, if it was finalised as ended early: minutes and shares "
                "are measured to this time instead of ends_at",
            },
            "min_share_percent": {"type": "integer", "description": "Share of the session that completes the module"},
        },
    },
    "AttendancePerson": {
        "type": "object",
        "required": ["user_id", "name", "email", "registered", "registration_status", "status", "minutes",
                     "share_percent", "completed_module", "intervals"],
        "properties": {
            "user_id": {"type": "integer"},
            "name": {"type": "string"},
            "email": {"type": "string"},
            "registered": {"type": "boolean", "description": (
                "Has a seat. False for walk-ins, people only in a report and people on the waitlist (see "
                "registration_status)")},
            "registration_status": {"type": ["string", "null"], "enum": ["registered", "waitlisted", None],
                                    "description": (
                "registered: a seat; waitlisted: on the waitlist (no seat) yet with time or a record in the "
                "session; null: no registration (a walk-in, someone only in a report) or a cancelled one")},
            "status": _STATUS,
            "minutes": {
                "type": "integer",
                "minimum": 0,
                "description": "Union of the intervals inside the session; fixed once finalised",
            },
            "share_percent": {"type": "integer", "minimum": 0, "maximum": 100},
            "completed_module": {"type": "boolean"},
            "intervals": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["id", "joined_at", "left_at", "source", "is_void"],
                    "properties": {
                        "id": {"type": "integer"},
                        "joined_at": _TIME,
                        "left_at": {"type": ["string", "null"], "format": "date-time"},
                        "source": {"type": "string", "enum": ["check_in", "join_button", "import", "trainer"]},
                        "is_void": {"type": "boolean", "description": "Set aside by a correction: kept, not counted"},
                    },
                },
            },
        },
    },
    "SessionAttendance": {
        "type": "object",
        "required": ["session", "people"],
        "properties": {
            "session": {"$ref": "#/components/schemas/LiveSessionRef"},
            "people": {"type": "array", "items": {"$ref": "#/components/schemas/AttendancePerson"}},
        },
    },
    "AttendanceChange": {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "status": {"type": "string", "enum": [s.value for s in AttendanceStatus]},
            "interval": _INTERVAL,
            "void_interval_id": {"type": "integer", "description": "Set this interval aside (kept, not counted)"},
            "reason": {"type": "string", "description": "Required once attendance is finalised (a correction)"},
        },
    },
    "AttendanceUpdated": {
        "type": "object",
        "required": ["session", "person"],
        "properties": {
            "session": {"$ref": "#/components/schemas/LiveSessionRef"},
            "person": {"$ref": "#/components/schemas/AttendancePerson"},
        },
    },
}

OPENAPI_PATHS: dict[str, Any] = {
    "/sessions/{session_id}/attendance": {
        "get": {
            "summary": "Attendance of a live session: everyone registered or with recorded time (its trainers only)",
            "operationId": "getSessionAttendance",
            "parameters": [_SESSION_ID],
            "responses": {
                "200": {
                    "description": "OK",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SessionAttendance"}}},
                },
                **_ERRORS,
            },
        }
    },
    "/sessions/{session_id}/attendance/{user_id}": {
        "put": {
            "summary": "Set a person's status, add an interval or set one aside (a correction once finalised)",
            "description": "A browser session must send X-CSRFToken; bearer tokens need not. After attendance is "
            "finalised, reason is required and the change is kept in the audit log. Only for people "
            "registered (any state), with time or a record in the session, or enrolled in its course "
            "(else 404); never the session's own trainers or the caller (403).",
            "operationId": "updateSessionAttendance",
            "parameters": [_SESSION_ID, {"name": "user_id", "in": "path", "required": True, "schema": {"type": "integer"}}],
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/AttendanceChange"}}},
            },
            "responses": {
                "200": {
                    "description": "OK",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/AttendanceUpdated"}}},
                },
                **_ERRORS,
            },
        }
    },
}
