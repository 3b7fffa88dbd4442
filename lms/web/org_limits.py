"""Rate limits on what sends email in someone else's name or makes accounts and organisations: signing up,
registering an organisation, and invitations (one at a time, sent again, or from a roster file); and, per address,
the note to an account's owner that someone signed up with their address, or asked to move another account to it. Declared on the
views with :data:`lms.limiter.limiter` like the other limits; their values are settings (docs/configuration.md,
"Rate limits"). A refused request gets the 429 page with the message below, in the reader's language.

The invitation limits count people invited, not requests: the decorators only refuse a request when nothing is left
(``deduct_when=_counted_by_the_view``), and each view counts the invitations it is about to email with
:func:`spend_invitations`, before committing them, so a roster file cannot invite more than what is left."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from flask import current_app, request

from lms.db import utcnow
from lms.i18n import _, format_when, ngettext
from lms.limiter import Allowance, Counter, allowance, limiter, spend
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


def _counted_by_the_view(_response: Any) -> bool:
    """Never count the request: the view counts each invitation it sends (:func:`spend_invitations`)."""
    return False


ORG_SCOPE, USER_SCOPE = "lms-invitations-org", "lms-invitations-user"


signup_limit = limiter.limit(
    _setting("LMS_SIGNUP_LIMIT"), methods=["POST"], deduct_when=_went_through,
    error_message=lambda: _("Too many accounts were created from your network recently. Please try again later, "
                            "or ask your employer to invite you."))

#: Per address: the sign-up emails (the link that creates the account, or the note to the owner of an address someone
#: else tried to take) and the like (:func:`spend_signup_notice`).
SIGNUP_NOTICE_SCOPE = "lms-signup-notice"


def spend_signup_notice(email: str) -> bool:
    """Count one sign-up email to ``email`` (the link that creates the account, or the note to its owner that someone
    tried to create one with it) against ``LMS_SIGNUP_NOTICE_LIMIT``; False, counting nothing, when that address has
    had as many as allowed: send none. The page the visitor sees is the same either way, so nobody's mailbox can be
    flooded through the sign-up form."""
    key = "address:" + email.strip().lower()
    return spend([Counter(current_app.config["LMS_SIGNUP_NOTICE_LIMIT"], SIGNUP_NOTICE_SCOPE, key)], 1)


org_creation_limit = limiter.limit(
    _setting("LMS_ORG_CREATION_LIMIT"), key_func=_user_key, methods=["POST"], deduct_when=_went_through,
    exempt_when=_is_admin,
    error_message=lambda: _("You have registered as many organisations as this site allows for now. Please try "
                            "again later, or ask a site administrator."))

#: Shared by every way of sending invitations, per organisation.
invitations_per_org = limiter.shared_limit(
    _setting("LMS_INVITATION_LIMIT_PER_ORG"), scope=ORG_SCOPE, key_func=_org_key, methods=["POST"],
    deduct_when=_counted_by_the_view,
    error_message=lambda: _("This organisation has sent as many invitations as this site allows for now. Please try "
                            "again later: the invitations already sent still work."))

#: Shared by every way of sending invitations, per person sending them.
invitations_per_user = limiter.shared_limit(
    _setting("LMS_INVITATION_LIMIT_PER_USER"), scope=USER_SCOPE, key_func=_user_key, methods=["POST"],
    deduct_when=_counted_by_the_view,
    error_message=lambda: _("You have sent as many invitations as this site allows for now. Please try again "
                            "later: the invitations already sent still work."))

roster_import_limit = limiter.limit(
    _setting("LMS_ROSTER_IMPORT_LIMIT"), key_func=_org_key, methods=["POST"], deduct_when=_went_through,
    error_message=lambda: _("This organisation has imported as many roster files as this site allows for now. "
                            "Please try again later."))


def _invitation_counters() -> list[Counter]:
    """The per-person counter first: the organisation's lock (``lms.orgs.invitations.lock_invitations``) already
    keeps two managers of one organisation from both taking its last invitations, a person's own counter has no such
    lock (two organisations at once), so :func:`lms.limiter.spend` meets it first and then counts nothing. (Should the
    organisation's refuse anyway, ``spend`` gives the person's back: all or none.)"""
    config = current_app.config
    return [Counter(config["LMS_INVITATION_LIMIT_PER_USER"], USER_SCOPE, _user_key()),
            Counter(config["LMS_INVITATION_LIMIT_PER_ORG"], ORG_SCOPE, _org_key())]


@dataclass(frozen=True)
class InvitationsRefused:
    """Invitations that would go over a limit: the reader's message, and the ``Retry-After`` (seconds) of the 429."""

    message: str
    retry_after: int

    @property
    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)}


def spend_invitations(count: int) -> InvitationsRefused | None:
    """Count ``count`` invitations (people about to be emailed) against the organisation's and the sender's limits,
    all or none. None when they fit; else nothing is counted and the refusal says how many can still be sent and
    from when more can. Call under the organisation's lock, before committing, and send nothing when refused."""
    counters = _invitation_counters()
    now = allowance(counters)
    if now.left is None or (count <= now.left and spend(counters, count)):
        return None
    now = allowance(counters)  # again: when spend refused, another worker took some in between
    wait = (now.more_at - utcnow()).total_seconds() if now.more_at else 0
    return InvitationsRefused(invitations_left(now), max(1, math.ceil(wait)))


def invitations_left(now: Allowance) -> str:
    """How many invitations can still be sent now and from when more can."""
    when = format_when(now.more_at)
    if not now.left:
        # i18n: %(when)s: a date and time ("Dec 8, 2026, 9:30 AM")
        return _("The site's limits allow no more invitations for now; more can be sent from %(when)s.", when=when)
    # i18n: %(when)s: a date and time ("Dec 8, 2026, 9:30 AM")
    return ngettext("The site's limits allow %(num)d more invitation for now, and more from %(when)s.",
                    "The site's limits allow %(num)d more invitations for now, and more from %(when)s.",
                    now.left, when=when)


def too_many_for_roster(wanted: int, refused: InvitationsRefused) -> str:
    """The message of a roster file refused because it would send ``wanted`` invitations, more than can be sent now."""
    return " ".join([
        ngettext("Nothing was imported and no invitation was sent: this file would send %(num)d invitation.",
                 "Nothing was imported and no invitation was sent: this file would send %(num)d invitations.", wanted),
        refused.message,
        # i18n: "then": at the date and time the sentence before names
        _("Split the file, or import it again then."),
    ])
