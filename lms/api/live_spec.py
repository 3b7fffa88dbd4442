"""The OpenAPI description of the live-session API (:mod:`lms.api.live`), merged by :mod:`lms.api.openapi`."""

from __future__ import annotations

from typing import Any

from lms.api.spec_parts import error_responses as _errors
from lms.api.spec_parts import json_body as _json
from lms.live.models import SessionMode

_ID = {"name": "session_id", "in": "path", "required": True, "schema": {"type": "integer"}}
_TITLED = {"type": "object", "required": ["slug", "title"],
           "properties": {"slug": {"type": "string"}, "title": {"type": "string"}}}
_SESSION_FIELDS = {
    "id": {"type": "integer"},
    "starts_at": {"type": "string", "format": "date-time", "description": "UTC"},
    "ends_at": {"type": "string", "format": "date-time", "description": "UTC"},
    "timezone": {"type": "string", "description": "The session's own time zone (IANA)"},
    "language": {"type": "string", "description": "Language the session is given in"},
    "mode": {"type": "string", "enum": ["in_person", "online", "hybrid"]},
    "status": {"type": "string", "enum": ["scheduled", "cancelled", "completed"]},
    "capacity": {"type": "integer", "minimum": 1},
    "seats_left": {"type": "integer", "minimum": 0},
    "waitlisted": {"type": "integer", "minimum": 0},
    "registration_open": {"type": "boolean"},
    "registration_closes_at": {"type": "string", "format": "date-time"},
    "cost_cents": {"type": ["integer", "null"], "minimum": 0},
    "series_key": {"type": ["string", "null"], "description": "Shared by the sessions of a weekly series"},
    "module": {"$ref": "#/components/schemas/LiveTitledRef"},
    "course": {"$ref": "#/components/schemas/LiveTitledRef"},
    "my_registration": {
        "oneOf": [{"type": "null"}, {
            "type": "object", "required": ["status"],
            "properties": {"status": {"type": "string", "enum": ["registered", "waitlisted", "cancelled"]},
                           "waitlist_position": {"type": ["integer", "null"], "minimum": 1}},
        }],
    },
    "came": {"type": ["boolean", "null"], "description": (
        "Whether you came to the session: checked in or joined with time not set aside, or marked present or late "
        "by the trainer (never for the session's own trainers: hosting is not attending). True also with no seat: "
        "someone off the waitlist (my_registration still says waitlisted, with her place in line) or a walk-in "
        "(my_registration null). Not the final attendance, which the trainer records. Null when not signed in")},
}
_DETAIL_FIELDS = {
    "trainers": {"type": "array", "items": {"type": "string"}},
    "address": {"type": ["string", "null"], "description": "Only for people with a seat, and trainers"},
    "join_url": {"type": ["string", "null"], "description": (
        "The meeting link, only for trainers (site role trainer or admin). Trainees with a seat get it from POST "
        "/sessions/{session_id}/join, which records their join time")},
    "notes": {"type": ["string", "null"]},
    "cancel_reason": {"type": ["string", "null"]},
}

_TIME = {"type": "string", "format": "date-time"}
OPENAPI_SCHEMAS = {
    "LiveTitledRef": _TITLED,
    "LiveJoin": {"type": "object", "required": ["join_url"],
                 "properties": {"join_url": {"type": "string", "description": "Open it now: the join is recorded"}}},
    "LiveJoinNotOpen": {"type": "object", "required": ["error"], "properties": {"error": {
        "type": "object", "required": ["code", "message", "reason", "opens_at", "closes_at"],
        "properties": {"code": {"type": "string", "enum": ["not_open"]}, "message": {"type": "string"},
                       "reason": {"type": "string", "enum": ["window", "cancelled", "closed"],
                                  "description": "window: outside opens_at..closes_at; cancelled: the session "
                                                 "was cancelled; closed: the trainer finalised attendance"},
                       "opens_at": {**_TIME, "description": "UTC; grace minutes before the start"},
                       "closes_at": {**_TIME, "description": "UTC; grace minutes after the end"}}}}},
    "LiveRegistrationOverlap": {"type": "object", "required": ["error"], "properties": {"error": {
        "type": "object", "required": ["code", "message", "other_session_id", "other_waitlisted"],
        "properties": {"code": {"type": "string", "enum": ["registration_overlap"]}, "message": {"type": "string"},
                       "other_session_id": {"type": "integer", "description": (
                           "The session you hold a seat or waitlist place in at that time (DELETE its registration "
                           "to free the time)")},
                       "other_waitlisted": {"type": "boolean", "description": "That place is on its waitlist"}}}}},
    "LiveSession": {"type": "object", "required": list(_SESSION_FIELDS), "properties": _SESSION_FIELDS},
    "LiveSessionDetail": {"allOf": [{"$ref": "#/components/schemas/LiveSession"},
                                    {"type": "object", "required": list(_DETAIL_FIELDS), "properties": _DETAIL_FIELDS}]},
    "LiveSessionList": {"type": "object", "required": ["sessions"],
                        "properties": {"sessions": {"type": "array",
                                                    "items": {"$ref": "#/components/schemas/LiveSession"}}}},
}


def _query(name: str, description: str, fmt: str | None = None, enum: list[str] | None = None) -> dict[str, Any]:
    schema = {"type": "string", **({"format": fmt} if fmt else {}), **({"enum": enum} if enum else {})}
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


OPENAPI_PATHS = {
    "/sessions": {"get": {
        "summary": "Upcoming live sessions (published courses), soonest first",
        "description": (
            "The sessions not yet over (those under way too), as the web page lists them: past and completed "
            "sessions are never listed, so from and until narrow the upcoming ones, and a range wholly in the past "
            "answers an empty list. The dates are days in your time zone (your profile's, else the site's). "
            "language filters by the language a session is given in; lang only chooses the language of the titles "
            "shown, as on every address (until December 2026 lang also filtered: send language for that). A "
            "filter that is not valid is a 400 naming it in parameter: invalid_parameter (a language, mode or "
            "range that is not valid, such as until before from), invalid_date (from or until not YYYY-MM-DD); a "
            "query parameter not listed here is a 400 unknown_parameter."),
        "operationId": "listSessions", "security": [{}, {"bearer": []}, {"session": []}],
        "parameters": [_query("language", "Only sessions given in this language (the language field of a session); "
                                          "one of the site's languages"),
                       _query("lang", "Language of the titles shown (module and course); one of the site's "
                                      "languages. Not a filter"),
                       _query("mode", "in_person, online or hybrid", enum=[m.value for m in SessionMode]),
                       _query("from", "Only sessions starting on or after this day (in your time zone); "
                                      "YYYY-MM-DD", "date"),
                       _query("until", "Only sessions starting on or before this day (in your time zone), not "
                                       "before from; YYYY-MM-DD", "date"),
                       _query("course", "Only sessions of this course (slug)")],
        "responses": {"200": {"description": "OK", **_json("LiveSessionList")}, **_errors(400)},
    }},
    "/sessions/{session_id}": {"get": {
        "summary": "One live session", "operationId": "getSession", "parameters": [_ID],
        "security": [{}, {"bearer": []}, {"session": []}],
        "responses": {"200": {"description": "OK", **_json("LiveSessionDetail")}, **_errors(404)},
    }},
    "/sessions/{session_id}/join": {"post": {
        "summary": "Join an online session: records your join time and gives the meeting link",
        "description": (
            "For people with a seat, as the web page's Join button: from the check-in grace (15 minutes by default) "
            "before the start until the grace after the end, until attendance is finalised; outside that, 409 says "
            "when joining opens (opens_at) or that it closed. Trainers (site role trainer or admin) without a seat, "
            "and the session's own trainers, get the link at any time and nothing is recorded. Anyone else gets 404 "
            "not_registered. A browser session must send X-CSRFToken; bearer tokens need not."),
        "operationId": "joinSession", "parameters": [_ID],
        "responses": {"200": {"description": "Joined (time recorded)", **_json("LiveJoin")},
                      "409": {"description": "Not open now", **_json("LiveJoinNotOpen")},
                      **_errors(400, 401, 404)},
    }},
    "/sessions/{session_id}/registration": {
        "post": {
            "summary": "Register yourself (a seat, or the waitlist when full); enrols you in the course if needed",
            "operationId": "registerForSession", "parameters": [_ID],
            "responses": {"201": {"description": "Registered or waitlisted", **_json("LiveSessionDetail")},
                          "200": {"description": "Already registered or waitlisted", **_json("LiveSessionDetail")},
                          "409": {"description": ("Nothing was changed: you hold a seat or waitlist place in another "
                                                  "session whose time overlaps this one's (`registration_overlap`), "
                                                  "or you lead this session (`trainer_of_session`: trainers do not "
                                                  "register for their own sessions)"),
                                  "content": {"application/json": {"schema": {"anyOf": [
                                      {"$ref": "#/components/schemas/LiveRegistrationOverlap"},
                                      {"$ref": "#/components/schemas/Error"}]}}}},
                          **_errors(400, 401, 404)},
        },
        "delete": {
            "summary": "Cancel your registration (or leave the waitlist)",
            "operationId": "cancelSessionRegistration", "parameters": [_ID],
            "responses": {"200": {"description": "Cancelled", **_json("LiveSessionDetail")},
                          **_errors(400, 401, 404)},
        },
    },
}
