"""The JSON API under ``/api/v1``: browser sessions or ``Authorization: Bearer <token>``; errors are JSON."""

from __future__ import annotations

from flask import Blueprint, jsonify

from lms.api.openapi import build_document
from lms.orgs import services as org_services
from lms.security import access, current_user

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.get("/openapi.json")
@access.public
def openapi():
    return jsonify(build_document())


@bp.get("/me")
@access.signed_in
def me():
    memberships = org_services.list_user_memberships(current_user)
    return jsonify(
        {
            "id": current_user.id,
            "email": current_user.email,
            "name": current_user.name,
            "role": current_user.site_role,
            "locale": current_user.locale,
            "timezone": current_user.timezone,
            "organisations": [
                {"slug": m.organisation.slug, "name": m.organisation.name, "role": m.role.value} for m in memberships
            ],
        }
    )


@bp.get("/orgs/<org_slug>/members")
@access.org_manager
def org_members(org_slug: str):
    org = org_services.get_org(org_slug)
    return jsonify(
        {
            "organisation": {"slug": org.slug, "name": org.name},
            "members": [
                {
                    "id": m.id,
                    "user_id": m.user_id,
                    "name": m.user.name,
                    "email": m.user.email,
                    "role": m.role.value,
                    "employee_id": m.employee_id,
                    "job_title": m.job_title,
                    "employment_start": m.employment_start.isoformat() if m.employment_start else None,
                    "employment_type": m.employment_type.value,
                }
                for m in org_services.list_members(org)
            ],
        }
    )


from lms.api import attendance, catalog, certificates, hours, hours_reports, live  # noqa: E402,F401
