"""Confirming the email address of an account: proof that the person owns the mailbox they signed up with.

Self sign-up now makes the account only once its emailed link is opened, confirmed (:mod:`lms.accounts.signup`);
accounts that sign-ups made before that (migration 0021) may be unconfirmed, and confirm here. Until the address is
confirmed (``User.email_confirmed_at``), the account cannot make API tokens (:mod:`lms.accounts.api_tokens`) and
nobody else finds it by its address (:func:`lms.accounts.services.get_confirmed_user_by_email`: a trainer issuing a certificate,
an attendance import). Opening the emailed link confirms it; so does a password reset by emailed link, accepting an
invitation sent to the address, or confirming a new address. Accounts made any other way are confirmed at once.

The link is signed and timed, like the password-reset link (:mod:`lms.accounts.tokens`), and bound to the address and
to the account being unconfirmed: once used (or the address changed) it stops working. Sending it again waits
:func:`lms.accounts.sent_links.claim_confirmation`'s ``wait``. Services flush and never commit.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from lms import audit, db
from lms.accounts.models import User
from lms.accounts.sent_links import CONFIRM_SENT, SentLink, claim_confirmation, last_sent
from lms.accounts.tokens import AccountDisabled, Link
from lms.db import is_id, utcnow
from lms.errors import ConflictError, DomainError
from lms.i18n import _, _l, format_when

CONFIRM_SALT = "lms-email-confirm"


class AlreadyConfirmed(ConflictError):
    """The address is confirmed already: there is nothing to send."""

    code = "email_already_confirmed"


class ConfirmationAlreadySent(ConflictError):
    """A confirmation link was sent less than the wait ago: nothing is sent. ``link`` says when."""

    code = "link_already_sent"

    def __init__(self, link: SentLink) -> None:
        # i18n: a second request for the link that confirms the address of a new account, sent moments ago. %(when)s
        # and %(resend)s are a date and time ("Dec 6, 2026, 3:41 PM"; in Spanish it may end with "p.m.").
        super().__init__(_("On %(when)s we already sent the confirmation email. If it has not arrived, look in your "
                           "spam folder. From %(resend)s you can ask for another.",
                           when=format_when(link.sent_at, "short"), resend=format_when(link.resend_at, "short")))
        self.link = link


def _binding(user: User) -> dict[str, str]:
    """Bound to the address (a link sent to an address the account no longer has stops working) and to the account
    being unconfirmed (a used link stops working)."""
    return _bound_to(user.email, user.is_email_confirmed)


def _bound_to(email: str, confirmed: bool) -> dict[str, str]:
    state = f"{email}\n{'confirmed' if confirmed else ''}"
    return {"f": hashlib.sha256(state.encode()).hexdigest()[:32]}


CONFIRM_LINK = Link(
    salt=CONFIRM_SALT,
    bind=_binding,
    expired=_l("This confirmation link has expired. Sign in and ask for a new one."),
    invalid=_l("This confirmation link is not valid. Sign in and ask for a new one."),
    used=_l("This confirmation link has already been used, or the account's email address has changed since it was "
            "sent."),
)


def mark_email_confirmed(user: User, actor: User | None = None) -> bool:
    """Record that ``user`` owns their address (once: ``user.email_confirmed``); True when it was not confirmed."""
    if user.is_email_confirmed:
        return False
    user.email_confirmed_at = utcnow()
    audit.record("user.email_confirmed", user, actor or user, email=user.email)
    return True


def request_confirmation(user: User, secret_key: str, wait: timedelta) -> str:
    """The token of a confirmation link to email to ``user`` now (record it, send it, then commit; roll back if the
    mail could not be sent). :class:`AlreadyConfirmed`, or :class:`ConfirmationAlreadySent` within ``wait``."""
    if user.is_email_confirmed:
        raise AlreadyConfirmed(_("Your email address is already confirmed."))
    sent = claim_confirmation(user, wait)
    if sent is not None:
        raise ConfirmationAlreadySent(sent)
    return CONFIRM_LINK.make(user, secret_key)


def last_confirmation_sent(user: User, wait: timedelta, max_age: timedelta) -> SentLink | None:
    """The confirmation link sent last, while it may still be opened."""
    return last_sent(user, CONFIRM_SENT, wait, max_age)


def read_confirmation_link(token: str, secret_key: str, max_age: int) -> User:
    """The account a confirmation link confirms; :class:`AlreadyConfirmed` when it was sent to the address the
    account has and has confirmed since (the link used, or another link or a password reset confirmed it, even once
    it has expired), else :class:`DomainError` saying why the link does not work."""
    try:
        return CONFIRM_LINK.read(token, secret_key, max_age)[0]
    except AccountDisabled:
        raise
    except DomainError as exc:
        if _confirmed_since(token, secret_key):
            raise AlreadyConfirmed(_("Your email address is already confirmed.")) from exc
        raise


def _confirmed_since(token: str, secret_key: str) -> bool:
    """Whether a genuine link (of any age) was sent to the address its account has, and that address is confirmed."""
    data = CONFIRM_LINK.data(token, secret_key)
    user = db.session.get(User, data["u"]) if data and is_id(data.get("u")) else None
    return (user is not None and user.is_active and user.is_email_confirmed
            and data.get("f") == _bound_to(user.email, False)["f"])


def confirm_email(token: str, secret_key: str, max_age: int) -> User:
    """Apply a confirmation link: the account, now confirmed. The row is locked and the link read again, so the same
    link opened twice at once confirms once. :class:`DomainError` saying why a link does not work
    (:class:`AlreadyConfirmed` when it has been used)."""
    user = read_confirmation_link(token, secret_key, max_age)
    db.lock_row(user)
    user = read_confirmation_link(token, secret_key, max_age)
    mark_email_confirmed(user)
    return user
