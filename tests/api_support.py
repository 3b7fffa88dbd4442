"""Shared set-up of the API tests: an organisation that pays for training, a new token's headers, and checking a body
against the served OpenAPI document."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from jsonschema import Draft202012Validator

from lms import db
from lms.accounts import api_tokens
from lms.accounts.models import TokenScope
from lms.orgs.models import PayPeriod


def acme_paying_ana(make_org, make_user, add_member) -> tuple:
    """``(org, manager, ana)``: Acme (``acme``), paid twice a month at $19.50 an hour and managed by Boss Person
    (boss@example.org), with Ana (ana@example.org) employed since 2025-01-01; made with the conftest's factories."""
    manager = make_user("boss@example.org", name="Boss Person")
    org = make_org("acme", manager=manager, pay_period=PayPeriod.SEMIMONTHLY, training_pay_rate_cents=1950)
    ana = make_user("ana@example.org", name="Ana")
    add_member(org, ana, employment_start=date(2025, 1, 1))
    return org, manager, ana


def bearer(user, scheme: str = "Bearer", *, name: str = "script", scope: TokenScope = TokenScope.WRITE) -> dict[str, str]:
    """Headers that send a new API token of ``user`` (named ``name``, of ``scope``) with ``scheme``; the token is
    committed."""
    _token, raw = api_tokens.create_api_token(user, name, scope=scope)
    db.session.commit()
    return {"Authorization": f"{scheme} {raw}"}


def schema_checker(document: dict) -> Callable[[object, str], None]:
    """``check(body, "Me")`` validates ``body`` against the component schema of that name in ``document``."""

    def validate(body: object, name: str) -> None:
        schema = {"$ref": f"#/components/schemas/{name}", "components": document["components"]}
        Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER).validate(body)

    return validate
