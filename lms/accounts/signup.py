"""Self sign-up that does not tell a visitor whether an address already has an account.

A new address gets an unconfirmed account (:func:`lms.accounts.services.register_user`), whose owner is then emailed
the confirmation link (:mod:`lms.accounts.email_confirmation`). An address that already has an account changes
nothing: its owner is emailed instead that someone tried to create an account with it, with the sign-in and
password-reset links. The visitor sees the same "check your email" page either way, so the form cannot be used to
find out who has an account; the name and password are checked (and the password hashed) the same way in both cases
first, so neither a message nor the time taken differs. Services flush and never commit.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from lms import db
from lms.accounts import services
from lms.accounts.models import User
from lms.accounts.names import clean_name
from lms.accounts.passwords import hash_password
from lms.errors import ConflictError


@dataclass(frozen=True)
class SignUp:
    """What a sign-up did: ``user`` is the new account (``is_new``) or the one the address already had (then nothing
    was created or changed; ``user`` is None only if that account vanished in between)."""

    user: User | None
    is_new: bool


def sign_up(email: str, name: str, password: str, *, locale: str | None = None) -> SignUp:
    """Create an unconfirmed account for ``email``, or, when the address already has one, leave it as it is and
    say so (to email its owner, never to tell the visitor). Raises :class:`lms.accounts.names.InvalidName` or the
    password rules' :class:`lms.errors.DomainError` for bad input, whether or not the address is taken."""
    name = clean_name(name)
    services.check_password_rules(password, email=email, name=name)
    if services.get_user_by_email(email) is None:
        try:
            user = services.register_user(email, name, password, locale=locale, email_confirmed=False)
        except ConflictError:  # the same address registered a moment ago (the form sent twice at once)
            pass
        else:
            return SignUp(user, is_new=True)
    hash_password(password)  # what registering costs (Argon2id): the time taken does not tell either
    return SignUp(_owner(email), is_new=False)


def _owner(email: str) -> User | None:
    """The account of ``email``, read again: the one a concurrent sign-up may just have committed."""
    normalized = services.normalize_email(email)
    return db.session.execute(select(User).where(User.email == normalized)).scalar_one_or_none()
