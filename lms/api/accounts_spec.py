"""The OpenAPI description of who you are and who works where (``/me``, ``/orgs/{org_slug}/members``: the account
and organisation endpoints of :mod:`lms.api`), merged by :mod:`lms.api.openapi`."""

from __future__ import annotations

from lms.api.spec_parts import error_responses, json_body

MY_MEMBERSHIP = {
    "type": "object",
    "required": ["slug", "name", "role", "current", "ended_on"],
    "properties": {
        "slug": {"type": "string"},
        "name": {"type": "string"},
        "role": {"type": ["string", "null"], "enum": ["member", "manager", None], "description": (
            "Your role there now: manager means you manage it (its manager endpoints answer you). null for ended "
            "employment, which grants nothing")},
        "current": {"type": "boolean", "description": (
            "You work there now (no end of employment recorded): true in organisations, false in "
            "former_organisations")},
        "ended_on": {"type": ["string", "null"], "format": "date", "description": (
            "Your last day there (the organisation's calendar); null while you work there")},
    },
}

ME = {
    "type": "object",
    "required": ["id", "email", "name", "role", "organisations", "former_organisations"],
    "properties": {
        "id": {"type": "integer"},
        "email": {"type": "string"},
        "name": {"type": "string"},
        "role": {"type": "string", "enum": ["trainee", "trainer", "admin"], "description": "Your site role"},
        "locale": {"type": ["string", "null"]},
        "timezone": {"type": ["string", "null"]},
        "organisations": {
            "type": "array",
            "description": "Where you work now, each with your role there, in the order you joined",
            "items": {"$ref": "#/components/schemas/MyMembership"},
        },
        "former_organisations": {
            "type": "array",
            "description": "Where your employment ended, the latest end first (role null: it grants nothing)",
            "items": {"$ref": "#/components/schemas/MyMembership"},
        },
    },
}

MEMBERS = {
    "type": "object",
    "required": ["organisation", "members"],
    "properties": {
        "organisation": {"type": "object", "properties": {"slug": {"type": "string"}, "name": {"type": "string"}}},
        "members": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id", "user_id", "name", "email", "role", "employment_type", "current",
                             "employment_end", "account_active", "earlier_periods"],
                "properties": {
                    "id": {"type": "integer", "description": (
                        "The membership's id (this person's employment here), as in the web pages' member "
                        "addresses. Not a person's id: hours entries, ?person= and attendance use user_id")},
                    "user_id": {"type": "integer", "description": (
                        "The person's user id: the one hours entries (user_id), GET /orgs/{org_slug}/hours?person= "
                        "and attendance use")},
                    "name": {"type": "string"},
                    "email": {"type": "string"},
                    "role": {"type": ["string", "null"], "enum": ["member", "manager", None], "description": (
                        "Their role now; null for former staff (include_former=true), as in /me: an ended "
                        "membership grants nothing")},
                    "employee_id": {"type": ["string", "null"]},
                    "job_title": {"type": ["string", "null"]},
                    "employment_start": {"type": ["string", "null"], "format": "date"},
                    "employment_type": {"type": "string", "enum": ["employee", "contractor", "volunteer"]},
                    "current": {"type": "boolean", "description": (
                        "Works here now (no end of employment recorded); false only with include_former=true")},
                    "employment_end": {"type": ["string", "null"], "format": "date", "description": (
                        "Their last day here (the organisation's calendar; /me calls it ended_on); null for current "
                        "staff")},
                    "account_active": {"type": "boolean", "description": (
                        "false when a site administrator has disabled the person's account: they cannot sign in "
                        "(their employment here is as stated by current and employment_end)")},
                    "earlier_periods": {
                        "type": "array",
                        "description": (
                            "Their earlier employment here, before they left and were hired again, oldest first "
                            "(empty for most people). The payroll file writes the employee ID in force on each "
                            "entry's date, so an entry from an earlier period carries that period's employee_id"),
                        "items": {
                            "type": "object",
                            "required": ["employment_start", "employment_end", "employee_id", "job_title",
                                         "employment_type"],
                            "properties": {
                                "employment_start": {"type": ["string", "null"], "format": "date"},
                                "employment_end": {"type": "string", "format": "date"},
                                "employee_id": {"type": ["string", "null"]},
                                "job_title": {"type": ["string", "null"]},
                                "employment_type": {"type": "string",
                                                    "enum": ["employee", "contractor", "volunteer"]},
                            },
                        },
                    },
                },
            },
        },
    },
}

OPENAPI_SCHEMAS = {"Me": ME, "MyMembership": MY_MEMBERSHIP, "Members": MEMBERS}
OPENAPI_PATHS = {
    "/me": {
        "get": {
            "summary": "The signed-in user, where they work now (with their role) and where their employment ended",
            "operationId": "getMe",
            "responses": {"200": {"description": "OK", **json_body("Me")}, **error_responses(401)},
        }
    },
    "/orgs/{org_slug}/members": {
        "get": {
            "summary": "Current staff of an organisation, and former staff if asked (its managers only)",
            "description": (
                "Current staff by name. With include_former=true, then former staff (an end of employment "
                "recorded), the latest end first, with current: false, employment_end and role null: a former "
                "employee is still in the hours lists and paid for their last period. include_former given "
                "twice is refused (400 repeated_parameter), any other query parameter but lang too "
                "(400 unknown_parameter). Each person also with account_active and earlier_periods (the "
                "employment before a rehire, with the employee ID then in force)."),
            "operationId": "listOrgMembers",
            "parameters": [{"name": "org_slug", "in": "path", "required": True, "schema": {"type": "string"}},
                           {"name": "include_former", "in": "query", "required": False,
                            "schema": {"type": "boolean", "default": False},
                            "description": "true to list former staff too (true or false; anything else is "
                                           "400 invalid_parameter)"}],
            "responses": {"200": {"description": "OK", **json_body("Members")},
                          **error_responses(400, 401, 403, 404)},
        }
    },
}
