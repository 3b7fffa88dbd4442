"""Changing an account's email address: by the person (password, then a link sent to the new address) or by a site
administrator (at once). Either way the address is normalised as at sign-up, must be free, and the change has an
audit row with the old and the new address (``user.email_changed``).

The confirmation link is a signed, timed token (``itsdangerous``, as the password-reset link) bound to a fingerprint
of the account's current address and password hash: once the address changes (this link or another, or an
administrator) or the password changes, every link sent before stops working. The same address asked for again
within a short wait gets no second email (:mod:`lms.accounts.sent_links`): the person is told when the first was sent
and from when another may be. Services flush and never commit.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from sqlalchemy.exc import IntegrityError

from lms import audit, db
from lms.accounts.email_confirmation import mark_email_confirmed
from lms.accounts.login_sessions import authenticate
from lms.accounts.models import User
from lms.accounts.sent_links import EMAIL_CHANGE_SENT, SentLink, claim, last_sent
from lms.accounts.services import get_user_by_email, normalize_email
from lms.accounts.tokens import Link
from lms.errors import ConflictError, DomainError
from lms.i18n import _, _l, format_when
from lms.reasons import optional_reason

EMAIL_CHANGE_SALT = "lms-email-change"


class WrongPassword(DomainError):
    """The current password given with the request is not the account's."""

    code = "wrong_password"


class EmailTaken(ConflictError):
    """Another account has the address."""

    code = "email_taken"


class AlreadySent(ConflictError):
    """The link for the same new address was sent less than the wait ago: nothing is sent. ``link`` says when, and
    from when another may be."""

    code = "link_already_sent"

    def __init__(self, link: SentLink) -> None:
        # i18n: a second request for the link that confirms a new email address, sent moments ago. %(email)s is the
        # new address; %(when)s and %(resend)s are a date and time ("Dec 6, 2026, 3:41 PM"; in Spanish it may end
        # with "p.m.", so no sentence ends right after one).
        super().__init__(_("On %(when)s we already sent a link to %(email)s. Open it to confirm your new address; if "
                           "it has not arrived, look in that mailbox's spam folder. From %(resend)s you can ask for "
                           "another link.", email=link.email or "", when=format_when(link.sent_at, "short"),
                           resend=format_when(link.resend_at, "short")))
        self.link = link


class NothingPending(ConflictError):
    """No change of address is waiting for its link to be opened (it was confirmed, or the link has expired)."""

    code = "nothing_pending"


def _taken() -> EmailTaken:
    return EmailTaken(_("An account with this email address already exists."))


def _not_own(user: User, email: str) -> str:
    email = normalize_email(email)
    if email == user.email:
        raise DomainError(_("This is already the account's email address."))
    return email


def check_new_email(user: User, email: str) -> str:
    """``email`` normalised as at sign-up, if ``user`` may take it: not the address they have, not another account's."""
    email = _not_own(user, email)
    if get_user_by_email(email) is not None:
        raise _taken()
    return email


def _link_unless_taken(user: User, email: str, secret_key: str, wait: timedelta) -> str | None:
    """Record the link as sent (:func:`_claim_link`) and its token, or None when another account has ``email``: the
    person is told the same either way (the form must not tell who has an account), and the caller emails the owner
    of that address a note instead of the link, which could never be used."""
    token = _claim_link(user, email, secret_key, wait)
    return None if get_user_by_email(email) is not None else token


def request_email_change(user: User, password: str, new_email: str, secret_key: str, *,
                         wait: timedelta = timedelta(0)) -> tuple[str, str | None]:
    """Check the person's current ``password`` and the new address; the address (normalised) and the token of the link
    to email to it, or None for the token when the address is another account's (email its owner a note instead,
    and tell the person the same as for a free address). Nothing changes yet, apart from a password hash upgraded
    by the check and the record that the link is sent (:func:`lms.accounts.sent_links.claim`: send it, then commit).
    The same address asked for again less than ``wait`` after its link was sent raises :class:`AlreadySent` (and
    sends nothing); otherwise raises :class:`WrongPassword` or :class:`DomainError`."""
    if authenticate(user.email, password) is None:
        raise WrongPassword(_("Your current password is not right."))
    email = _not_own(user, new_email)
    return email, _link_unless_taken(user, email, secret_key, wait)


def pending_email_change(user: User, wait: timedelta, max_age: timedelta) -> SentLink | None:
    """The confirmation link sent to ``user`` last, while it may still be opened (less than ``max_age`` old, and the
    address and password unchanged since): to which address, when, and from when it may be sent again."""
    return last_sent(user, EMAIL_CHANGE_SENT, wait, max_age)


def resend_email_change(user: User, secret_key: str, *, wait: timedelta,
                        max_age: timedelta) -> tuple[str, str | None]:
    """Send the pending change's link again, at least ``wait`` after the last one (no password: the request that
    chose the address proved it, and the password has not changed since, or the change would not be pending). The
    address and the new link's token (None, as for :func:`request_email_change`, when the address is another
    account's); :class:`NothingPending` or :class:`AlreadySent`."""
    db.lock_row(user)  # a password change committing meanwhile ends the change before it is read, not after
    pending = pending_email_change(user, wait, max_age)
    if pending is None or pending.email is None:
        raise NothingPending(_("No new email address is waiting to be confirmed. To change your address, enter it "
                               "with your password."))
    email = _not_own(user, pending.email)
    return email, _link_unless_taken(user, email, secret_key, wait)


def _claim_link(user: User, email: str, secret_key: str, wait: timedelta) -> str:
    sent = claim(user, wait, user, email=email)
    if sent is not None:
        raise AlreadySent(sent)
    return CONFIRMATION_LINK.make(user, secret_key, e=email)


def fingerprint(user: User) -> str:
    """What the links sent to ``user`` are bound to: their address and password hash (a digest: tokens are readable)."""
    return hashlib.sha256(f"{user.email}\n{user.password_hash or ''}".encode()).hexdigest()[:32]


CONFIRMATION_LINK = Link(
    salt=EMAIL_CHANGE_SALT,
    bind=lambda user: {"f": fingerprint(user)},
    expired=_l("This confirmation link has expired. Ask for a new one on your profile."),
    invalid=_l("This confirmation link is not valid. Ask for a new one on your profile."),
    used=_l("This confirmation link has already been used, or the account's email address or password has changed "
            "since it was sent. Ask for a new one on your profile."),
)


def read_email_change_token(token: str, secret_key: str, max_age: int) -> tuple[User, str]:
    """The account and the new address of a confirmation link, if it still holds; else :class:`DomainError` saying
    why (expired, not a link of ours, or used up: the address or password changed since it was sent), or
    :class:`AccountDisabled` for an account disabled since the link was sent."""
    user, data = CONFIRMATION_LINK.read(token, secret_key, max_age)
    if not isinstance(data.get("e"), str):
        raise CONFIRMATION_LINK.used_up()
    return user, data["e"]


def confirm_email_change(token: str, secret_key: str, max_age: int) -> tuple[User, str]:
    """Apply a confirmation link: the account and its old address. The account's row is locked first and the link
    read again, so the same link opened twice at once changes the address once (the second finds it used)."""
    user, _email = read_email_change_token(token, secret_key, max_age)
    db.lock_row(user)
    user, email = read_email_change_token(token, secret_key, max_age)
    old = change_email(user, email, user)
    mark_email_confirmed(user)  # the link was opened from the new address's mailbox
    return user, old


def change_email(user: User, new_email: str, actor: User, reason: str | None = None) -> str:
    """Set ``user``'s address to ``new_email`` (normalised; see :func:`check_new_email`) and record it; the old
    address. Two accounts taking the same free address at once: the unique index refuses the second, which gets the
    same :class:`EmailTaken` as when the address was already taken. Sessions and API tokens stay: the address is
    not a secret, and who may sign in did not change (a password change or disabling the account ends them)."""
    reason = optional_reason(reason, _("Write the reason for changing the email address."))
    email = check_new_email(user, new_email)
    old = user.email
    try:
        with db.session.begin_nested():
            user.email = email
            db.session.flush()
    except IntegrityError:  # another account took the address after the check above
        raise _taken() from None
    audit.record("user.email_changed", user, actor, reason=reason or None, **audit.changed({"email": old}, {"email": email}))
    return old
