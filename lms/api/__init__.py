"""The JSON API under ``/api/v1``: browser sessions or ``Authorization: Bearer <token>``; errors are JSON."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from flask import Blueprint, Response, g, jsonify

from lms.accounts.api_tokens import EXPIRES_HEADER
from lms.api.openapi import document_response
from lms.api.query_args import flag_arg, refuse_repeated, refuse_unknown
from lms.orgs import history
from lms.orgs import queries as org_queries
from lms.orgs import services as org_services
from lms.orgs.models import Membership
from lms.security import access, current_user, is_same_for_everyone, same_for_everyone

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.after_request
def warn_of_token_expiry(response: Response) -> Response:
    """Every answer to a token that expires within a week says when, in ``X-Token-Expires-At`` (RFC 3339, UTC), so
    that a program can warn its operator before it is refused; never on answers the same for everyone (a shared cache
    may keep them). Bodies are unchanged."""
    soon = g.get("lms_token_expires_soon_at")
    if soon is not None and not is_same_for_everyone():
        response.headers[EXPIRES_HEADER] = soon.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return response


@bp.get("/openapi.json")
@access.public
@same_for_everyone
def openapi():
    return document_response()


@bp.get("/me")
@access.signed_in
def me():
    """Who is calling. ``organisations`` holds current employment only, so a client that reads ``role`` there (as
    before) never sees rights the person no longer has; ended employment is in ``former_organisations``, with
    ``role: null``: an ended membership grants nothing, and its stored role is not a record of the role held (the
    audit log is; see docs/access-control.md, "The API: who is calling")."""
    memberships = org_services.list_user_memberships(current_user)
    former = sorted((m for m in memberships if m.employment_end is not None),  # the latest end first
                    key=lambda m: (-m.employment_end.toordinal(), m.organisation.name, m.id))
    return jsonify(
        {
            "id": current_user.id,
            "email": current_user.email,
            "name": current_user.name,
            "role": current_user.site_role,
            "locale": current_user.locale,
            "timezone": current_user.timezone,
            "organisations": [_my_membership(m) for m in memberships if m.is_current],
            "former_organisations": [_my_membership(m) for m in former],
        }
    )


def _my_membership(m: Membership) -> dict[str, Any]:
    current = m.is_current
    return {"slug": m.organisation.slug, "name": m.organisation.name, "role": m.role.value if current else None,
            "current": current, "ended_on": m.employment_end.isoformat() if m.employment_end else None}


@bp.get("/orgs/<org_slug>/members")
@access.org_manager
def org_members(org_slug: str):
    """Current staff by name; with ``include_former=true`` then former staff, the latest end first (a former employee
    is still paid for their last period), each with ``current`` and ``employment_end`` and, as in ``/me``, role null:
    an ended membership grants nothing. Each also with ``account_active`` and ``earlier_periods`` (the employment
    before a rehire, oldest first, with the employee ID then in force: a payroll file writes the ID of each entry's
    date)."""
    org = org_services.get_org(org_slug)
    refuse_unknown("include_former")
    refuse_repeated("include_former")
    members = org_services.list_members(org)
    if flag_arg("include_former"):
        members += org_queries.list_former_members(org)
    earlier = history.past_stints(m.id for m in members)
    return jsonify({"organisation": {"slug": org.slug, "name": org.name},
                    "members": [_member(m, earlier.get(m.id, [])) for m in members]})


def _member(m: Membership, earlier: list[history.Stint]) -> dict[str, Any]:
    current = m.is_current
    return {
        "id": m.id,
        "user_id": m.user_id,
        "name": m.user.name,
        "email": m.user.email,
        "role": m.role.value if current else None,
        "employee_id": m.employee_id,
        "job_title": m.job_title,
        "employment_start": m.employment_start.isoformat() if m.employment_start else None,
        "employment_type": m.employment_type.value,
        "current": current,
        "employment_end": m.employment_end.isoformat() if m.employment_end else None,
        "account_active": m.user.is_active,
        "earlier_periods": [_period(stint) for stint in earlier],
    }


def _period(stint: history.Stint) -> dict[str, Any]:
    return {
        "employment_start": stint.start.isoformat() if stint.start else None,
        "employment_end": stint.end.isoformat() if stint.end else None,
        "employee_id": stint.employee_id,
        "job_title": stint.job_title,
        "employment_type": stint.employment_type.value,
    }


from lms.api import attendance, catalog, certificates, hours, hours_reports, live, pay_periods  # noqa: E402,F401
