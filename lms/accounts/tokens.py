"""The signed, timed links emailed to a person (password reset, confirmation of a new email address), read one way.

A link's token is ``itsdangerous`` data: the account's id (``u``), what the link carries, and what it is bound to (a
tail of the password hash, a digest of the address...), so that it stops working once those change. Each kind of link
has its own salt, so that a token of one kind is never taken for another, and its own words for each way it fails.
A link that would still work for an account disabled since it was sent says so (:class:`AccountDisabled`) rather
than that it was used: the person proved they own the account, as a sign-in with the right password does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask_babel import LazyString
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from lms import db
from lms.accounts.models import User
from lms.db import is_id
from lms.errors import DomainError
from lms.i18n import _


class AccountDisabled(DomainError):
    """The account is disabled: it cannot sign in. Only ever raised to someone who proved they own it (the right
    password, or a link sent to them that would otherwise still work), so nobody else learns that the account exists
    or is disabled. ``user`` is there for the caller to say whom to ask."""

    code = "account_disabled"
    status = 403

    def __init__(self, user: User) -> None:
        super().__init__(_("This account is disabled, so it cannot sign in."))
        self.user = user


@dataclass(frozen=True)
class Link:
    """One kind of emailed link: its salt, what binds it to the account (``bind(user)``: the fields its token must
    still match) and what the person is told when it has expired, is not ours, or no longer matches."""

    salt: str
    bind: Callable[[User], dict[str, str]]
    expired: LazyString
    invalid: LazyString
    used: LazyString

    def make(self, user: User, secret_key: str, **carried: Any) -> str:
        """A token for ``user`` carrying ``carried`` (e.g. a new address), bound as :attr:`bind` says."""
        return self._serializer(secret_key).dumps({"u": user.id, **carried, **self.bind(user)})

    def read(self, token: str, secret_key: str, max_age: int) -> tuple[User, dict[str, Any]]:
        """The account and the data of a token that still holds; else :class:`DomainError` with this link's words for
        why, or :class:`AccountDisabled` when only the account being disabled stops it."""
        try:
            data = self._serializer(secret_key).loads(token, max_age=max_age)
        except SignatureExpired as exc:
            raise DomainError(str(self.expired)) from exc
        except (BadSignature, ValueError, TypeError) as exc:
            raise DomainError(str(self.invalid)) from exc
        user = db.session.get(User, data["u"]) if isinstance(data, dict) and is_id(data.get("u")) else None
        if user is None or any(data.get(key) != value for key, value in self.bind(user).items()):
            raise self.used_up()
        if not user.is_active:
            raise AccountDisabled(user)
        return user, data

    def data(self, token: str, secret_key: str) -> dict[str, Any] | None:
        """What a genuine token of this kind carries, however old; None for any other token. Only to say more about a
        link :meth:`read` refused: it proves nothing about who opened it."""
        try:
            data = self._serializer(secret_key).loads(token)
        except (BadSignature, ValueError, TypeError):
            return None
        return data if isinstance(data, dict) else None

    def used_up(self) -> DomainError:
        return DomainError(str(self.used))

    def _serializer(self, secret_key: str) -> URLSafeTimedSerializer:
        return URLSafeTimedSerializer(secret_key, salt=self.salt)
