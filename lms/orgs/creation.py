"""Who may register an organisation (``LMS_ORG_CREATION``, docs/configuration.md).

``"anyone"``: any signed-in account (the creator becomes its manager). ``"admins"``: site administrators only, who
register an employer and invite its first manager; recommended in production (docs/deploy.md), since an organisation
sends invitation emails from the site's address in its own name. Any other value counts as ``"admins"``: a mistyped
setting closes the door rather than opening it.
"""

from __future__ import annotations

from lms.accounts.models import User
from lms.errors import PermissionDenied
from lms.i18n import _

ANYONE = "anyone"
ADMINS = "admins"
POLICIES = (ANYONE, ADMINS)


def may_create_orgs(user: User | None, policy: str) -> bool:
    if user is None:
        return False
    return user.is_admin or str(policy).strip().lower() == ANYONE


def check_may_create_orgs(user: User | None, policy: str) -> None:
    """Refuse (403) a person who may not register an organisation under ``policy``."""
    if not may_create_orgs(user, policy):
        raise PermissionDenied(_("On this site, organisations are registered by a site administrator. Ask one to "
                                 "register yours, or ask your employer to invite you."))
