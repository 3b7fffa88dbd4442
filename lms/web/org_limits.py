"""Rate limits on what sends email in someone else's name or makes accounts and organisations: signing up,
registering an organisation, and invitations (one at a time, sent again, or from a roster file). Declared on the
views with :data:`lms.limiter.limiter` like the other limits; their values are settings (docs/configuration.md,
"Rate limits"). A refused request gets the 429 page with the message below, in the reader's language."""

from __future__ import annotations

from typing import Any

from flask import current_app, request

from lms.i18n import _
from lms.limiter import limiter
from lms.security import current_user


def _setting(name: str) -> Any:
    return lambda: current_app.config[name]


def _user_key() -> str:
    return f"user:{current_user.id}" if current_user else "user:-"


def _org_key() -> str:
    return "org:" + str((request.view_args or {}).get("org_slug", ""))


def _is_admin() -> bool:
    return bool(current_user) and current_user.is_admin


def _went_through(response: Any) -> bool:
    """Count a request that did what it was sent for (it redirects on success), not a form sent back with errors."""
    return response.status_code in (302, 303)


signup_limit = limiter.limit(
    _setting("LMS_SIGNUP_LIMIT"), methods=["POST"], deduct_when=_went_through,
    error_message=lambda: _("Too many accounts were created from your network recently. Please try again later, "
                            "or ask your employer to invite you."))

org_creation_limit = limiter.limit(
    _setting("LMS_ORG_CREATION_LIMIT"), key_func=_user_key, methods=["POST"], deduct_when=_went_through,
    exempt_when=_is_admin,
    error_message=lambda: _("You have registered as many organisations as this site allows for now. Please try "
                            "again later, or ask a site administrator."))

#: Shared by every way of sending invitations, per organisation.
invitations_per_org = limiter.shared_limit(
    _setting("LMS_INVITATION_LIMIT_PER_ORG"), scope="lms-invitations-org", key_func=_org_key, methods=["POST"],
    deduct_when=_went_through,
    error_message=lambda: _("This organisation has sent as many invitations as this site allows for now. Please try "
                            "again later: the invitations already sent still work."))

#: Shared by every way of sending invitations, per person sending them.
invitations_per_user = limiter.shared_limit(
    _setting("LMS_INVITATION_LIMIT_PER_USER"), scope="lms-invitations-user", key_func=_user_key, methods=["POST"],
    deduct_when=_went_through,
    error_message=lambda: _("You have sent as many invitations as this site allows for now. Please try again "
                            "later: the invitations already sent still work."))

roster_import_limit = limiter.limit(
    _setting("LMS_ROSTER_IMPORT_LIMIT"), key_func=_org_key, methods=["POST"], deduct_when=_went_through,
    error_message=lambda: _("This organisation has imported as many roster files as this site allows for now. "
                            "Please try again later."))
