"""Around the emailed links (password reset, confirmation of a new address): how long before the same one is sent
again, what a link that does not work says, and what the owner of a disabled account is told wherever they meet it
(on signing in, in the email a password reset sends instead of a link, on opening a link sent before)."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, render_template

from lms.accounts import tokens
from lms.accounts.models import User
from lms.errors import DomainError
from lms.i18n import _
from lms.orgs.contacts import managers_of


def resend_wait() -> timedelta:
    """How long after a link is sent the same one is not sent again (``LMS_EMAIL_RESEND_WAIT``)."""
    return timedelta(seconds=current_app.config["LMS_EMAIL_RESEND_WAIT"])


def disabled_message(user: User) -> str:
    """That only a site administrator can enable the account, and who can ask one for them."""
    contacts = managers_of(user.id)
    if not contacts:
        return _("This account is disabled, so it cannot sign in. Only a site administrator can enable it again: ask "
                 "the organisation or trainer who gave you access to %(site)s to contact one.",
                 site=current_app.config["LMS_SITE_NAME"])
    # i18n: a manager of the person's organisation, and the organisation
    names = "; ".join(_("%(name)s (%(org)s)", name=c.name, org=c.org_name) for c in contacts)
    return _("This account is disabled, so it cannot sign in. Only a site administrator can enable it again. Your "
             "organisation's managers can ask one for you: %(managers)s.", managers=names)


def link_refused(template: str, exc: DomainError) -> tuple[str, int]:
    """The page of an emailed link that does not work: why (``message``, and the error's ``code``), in ``template``;
    for an account disabled since the link was sent, which no new password or address would let in, that it is
    disabled and whom to ask instead."""
    if isinstance(exc, tokens.AccountDisabled):
        return render_template("lms/accounts/link_account_disabled.html", message=disabled_message(exc.user)), exc.status
    return render_template(template, message=exc.message, code=exc.code), exc.status
