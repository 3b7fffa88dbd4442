"""Who may register an organisation (``LMS_ORG_CREATION``, docs/configuration.md).

``"confirmed"`` (the default): any signed-in account whose email address is confirmed
(:mod:`lms.accounts.email_confirmation`; accounts not made by self sign-up are confirmed at once), and site
administrators always; the creator becomes its manager. ``"anyone"``: any signed-in account, confirmed or not.
``"admins"``: site administrators only, who register an employer and invite its first manager; recommended in
production (docs/deploy.md), since an organisation sends invitation emails from the site's address in its own name.
Any other value counts as ``"admins"``: a mistyped setting closes the door rather than opening it.
"""

from __future__ import annotations

from lms.accounts.models import User
from lms.errors import PermissionDenied
from lms.i18n import _

ANYONE = "anyone"
CONFIRMED = "confirmed"
ADMINS = "admins"
POLICIES = (CONFIRMED, ANYONE, ADMINS)


class EmailNotConfirmed(PermissionDenied):
    """Refused under ``"confirmed"`` only because the person has not confirmed their address yet: confirming it
    (the emailed link, or "Resend the confirmation email") lets them."""

    code = "email_not_confirmed"


def _policy(policy: str) -> str:
    return str(policy).strip().lower()


def may_create_orgs(user: User | None, policy: str) -> bool:
    """Whether ``user`` may register an organisation under ``policy``."""
    if user is None:
        return False
    if user.is_admin or _policy(policy) == ANYONE:
        return True
    return _policy(policy) == CONFIRMED and user.is_email_confirmed


def check_may_create_orgs(user: User | None, policy: str) -> None:
    """Refuse (403) a person who may not register an organisation under ``policy``: :class:`EmailNotConfirmed` when
    confirming their address would let them, else :class:`PermissionDenied`."""
    if may_create_orgs(user, policy):
        return
    if user is not None and _policy(policy) == CONFIRMED:
        raise EmailNotConfirmed(_("Confirm your email address before you register an organisation: open the link we "
                                  "emailed to %(email)s, or ask for a new one with “Resend the confirmation email”.",
                                  email=user.email))
    raise PermissionDenied(_("On this site, organisations are registered by a site administrator. Ask one to "
                             "register yours, or ask your employer to invite you."))
