"""Emailing organisation invitations from the organisations pages and saying how it went: on creating an organisation
(its first manager), inviting, sending a link again and importing a roster."""

from __future__ import annotations

from flask import current_app, flash

from lms.accounts.services import get_user_by_email
from lms.i18n import _, ngettext
from lms.notify.services import MailError, recipient_locale, send_email
from lms.orgs.models import Invitation, Organisation
from lms.security import current_user
from lms.web.urls import external_url


def send_invitations(org: Organisation, issued: list[tuple[Invitation, str]], success: str | None = None) -> None:
    """Email each invitation and say how it went (``success``, if given, replaces the count of those sent)."""
    failed = []
    for invitation, raw in issued:
        link = external_url("lms.orgs.accept", token=raw)
        try:
            send_email(
                invitation.email,
                "invitation",
                invitation_locale(invitation.email),
                org=org,
                invitation=invitation,
                link=link,
                inviter=current_user.name,
                site=current_app.config["LMS_SITE_NAME"],
                days=current_app.config["LMS_INVITATION_MAX_AGE_DAYS"],
            )
        except MailError:
            failed.append(invitation.email)
    sent = [invitation for invitation, _raw in issued if invitation.email not in failed]
    if sent and success:
        flash(success, "success")
    elif len(sent) == 1:
        flash(_("Invitation sent to %(who)s.", who=invitee(sent[0])), "success")
    elif sent:
        flash(ngettext("%(num)d invitation sent.", "%(num)d invitations sent.", len(sent)), "success")
    if failed:
        flash(
            _("We could not email: %(emails)s. Their invitations are saved; send them again later.", emails=", ".join(failed)), "error"
        )


def invitation_locale(email: str) -> str | list[str]:
    """The language(s) of an invitation to ``email``: an account's own language when the address has one (a
    Spanish-speaking trainee reads it in Spanish only), else every language the site offers, as nobody knows theirs."""
    user = get_user_by_email(email)
    return recipient_locale(user) if user is not None else list(current_app.config["LMS_LOCALES"])


def invitee(invitation: Invitation) -> str:
    """An invitation's person in a message: their name and address, or the address alone."""
    if not invitation.name:
        return invitation.email
    # i18n: a person in a message: their name, then their email address
    return _("%(name)s (%(email)s)", name=invitation.name, email=invitation.email)
