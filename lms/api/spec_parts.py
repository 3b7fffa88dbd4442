"""Pieces the OpenAPI document's parts share (:mod:`lms.api.openapi`): the error schema, and how an operation
refers to a JSON body or to the errors it answers."""

from __future__ import annotations

from typing import Any

ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string"}, "message": {"type": "string"},
                "fields": {"type": "array", "items": {"type": "string"},
                           "description": ("unknown_fields: the fields sent that the operation does not take; "
                                           "invalid: the field of the body that was refused")},
                "parameter": {"type": "string", "description": (
                    "unknown_parameter, repeated_parameter, invalid_parameter, and invalid_date or invalid_cursor "
                    "about a query parameter: the query parameter")},
                "entry_id": {"type": "integer", "description": "idempotency_key_reused: the entry first saved "
                                                               "with the key"},
                "expired_at": {"type": "string", "format": "date-time",
                               "description": "invalid_token: when the token sent expired (RFC 3339, UTC)"},
                "reason": {"type": "string", "description": "not_open: why joining is not open"},
                "opens_at": {"type": "string", "format": "date-time", "description": "not_open: when joining opens"},
                "closes_at": {"type": "string", "format": "date-time",
                              "description": "not_open: when joining closes"},
                "other_session_id": {"type": "integer", "description": "registration_overlap: the session held"},
                "other_waitlisted": {"type": "boolean",
                                     "description": "registration_overlap: whether that place is on its waitlist"},
            },
        }
    },
}


def error_responses(*codes: int) -> dict[str, Any]:
    """The ``responses`` entries for these error status codes, each an :data:`ERROR` body."""
    body = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    return {str(code): {"description": "Error", "content": body} for code in codes}


def json_body(schema_name: str) -> dict[str, Any]:
    """A JSON ``content`` entry holding the named schema (of ``components.schemas``)."""
    return {"content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema_name}"}}}}
