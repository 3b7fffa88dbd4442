"""Shared set-up of the API tests: a new token's headers, and checking a body against the served OpenAPI document."""

from __future__ import annotations

from collections.abc import Callable

from jsonschema import Draft202012Validator

from lms import db
from lms.accounts import api_tokens


def bearer(user, scheme: str = "Bearer", *, name: str = "script") -> dict[str, str]:
    """Headers that send a new API token of ``user`` (named ``name``) with ``scheme``; the token is committed."""
    _token, raw = api_tokens.create_api_token(user, name)
    db.session.commit()
    return {"Authorization": f"{scheme} {raw}"}


def schema_checker(document: dict) -> Callable[[object, str], None]:
    """``check(body, "Me")`` validates ``body`` against the component schema of that name in ``document``."""

    def validate(body: object, name: str) -> None:
        schema = {"$ref": f"#/components/schemas/{name}", "components": document["components"]}
        Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER).validate(body)

    return validate
