"""Password changes: the signed reset link sent by email, and setting a new password.

Services flush and never commit; the caller (view, API handler, CLI command) commits once.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from lms import audit
from lms.accounts.api_tokens import lock_token_owner, revoke_tokens_on_reset
from lms.accounts.email_confirmation import mark_email_confirmed
from lms.accounts.login_sessions import end_all_sessions
from lms.accounts.models import User
from lms.accounts.passwords import hash_password
from lms.accounts.services import check_password_rules
from lms.accounts.tokens import AccountDisabled, Link
from lms.errors import DomainError
from lms.i18n import _l
from lms.signals import password_reset

RESET_SALT = "lms-password-reset"


def _reset_binding(user: User) -> dict[str, str]:
    """A reset link is bound to the current password hash, so it stops working once used, and to the current email
    address, so a link sent to an address the account no longer has (a lost mailbox) stops working too."""
    return {"h": (user.password_hash or "")[-16:], "e": hashlib.sha256(user.email.encode()).hexdigest()[:16]}


RESET_LINK = Link(
    salt=RESET_SALT,
    bind=_reset_binding,
    expired=_l("This reset link has expired. Please ask for a new one."),
    invalid=_l("This reset link is not valid. Please ask for a new one."),
    used=_l("This reset link has already been used. Please ask for a new one."),
)


class ResetLinkUsed(DomainError):
    """The link was used (or the address changed) by another request while this one waited for the person's row."""

    code = "link_used"  # status 400, as the page of a link opened after it was used


def make_reset_token(user: User, secret_key: str) -> str:
    """A signed token for the reset link (see :func:`_reset_binding`)."""
    return RESET_LINK.make(user, secret_key)


def user_for_reset_token(token: str, secret_key: str, max_age: int) -> User:
    """The account of a reset link that still holds; else :class:`DomainError` saying why (expired, not a link of
    ours, or used: the password or address changed since), or :class:`AccountDisabled` for an account disabled since
    the link was sent (a new password would not let it sign in)."""
    return RESET_LINK.read(token, secret_key, max_age)[0]


def set_password(user: User, password: str, actor: User | None = None) -> None:
    """Change the password and sign the user out everywhere else."""
    check_password_rules(password, email=user.email, name=user.name)
    user.password_hash = hash_password(password)
    end_all_sessions(user)
    audit.record("user.password_changed", user, actor or user)


@dataclass(frozen=True)
class ResetDone:
    """What a password reset by emailed link ended besides the sessions: how many API tokens in use it revoked, and
    whether it replaced the link of the personal calendar feed."""

    tokens_revoked: int
    feed_link_replaced: bool


def reset_password(user: User, password: str) -> ResetDone:
    """Set a new password through an emailed reset link. Opening the link proves the person owns the mailbox, not
    that they knew the account's password: whoever used the account before (say, someone who signed up with their
    address) may still hold ways in that need no password. So, beyond :func:`set_password` (which ends every
    sign-in session), every API token is revoked (audited) and, through the ``password-reset`` signal, the personal
    calendar-feed link is replaced; and the address counts as confirmed.
    A change of password by someone signed in, who knows the old one, keeps them.
    The person's row is locked first (:func:`lms.accounts.api_tokens.lock_token_owner`): a token being made at the
    same moment is either committed before, and revoked here, or refused after. What the link was checked against
    (:func:`_reset_binding`, the account being enabled) is checked again under the lock: two requests with the same
    link at once are served one after the other, and the second finds the link used (:class:`ResetLinkUsed`)."""
    held = _reset_binding(user)
    lock_token_owner(user)  # reloads the row
    if _reset_binding(user) != held:
        raise ResetLinkUsed(str(RESET_LINK.used))
    if not user.is_active:
        raise AccountDisabled(user)
    set_password(user, password)
    mark_email_confirmed(user)
    tokens = revoke_tokens_on_reset(user)
    replies = password_reset.send(user)
    return ResetDone(tokens_revoked=tokens, feed_link_replaced=any(reply for _receiver, reply in replies))
