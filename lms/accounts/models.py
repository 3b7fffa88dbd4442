"""Account models: users, server-side sign-in sessions and personal API tokens."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.db import Model, UTCDateTime, column_now, created_at_column, enum_type, utcnow
from lms.i18n import _l


class SiteRole(enum.Enum):
    """A user's site-wide role. Organisation managers are members with the manager role (see ``orgs``)."""

    TRAINEE = "trainee"
    TRAINER = "trainer"
    ADMIN = "admin"

    @property
    def title(self) -> str:
        return str(_ROLE_TITLES[self])


_ROLE_TITLES = {
    SiteRole.TRAINEE: _l("Trainee"),
    SiteRole.TRAINER: _l("Trainer"),
    SiteRole.ADMIN: _l("Site administrator"),
}


class User(Model):
    __tablename__ = "lms_users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[SiteRole] = mapped_column(enum_type(SiteRole), default=SiteRole.TRAINEE)
    locale: Mapped[str | None] = mapped_column(String(16))
    timezone: Mapped[str | None] = mapped_column(String(64))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = created_at_column()
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: When the person proved they own the address (a link sent to it opened); None for an account that self
    #: sign-up made before migration 0021 (it now makes the account once its link is opened), not confirmed yet.
    #: Accounts made by an administrator, ``lms create-user``, ``lms demo`` or an invitation are confirmed at
    #: once, and so were all accounts when the column was added (migration 0019). See
    #: :mod:`lms.accounts.email_confirmation`.
    email_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    is_authenticated = True

    @property
    def is_email_confirmed(self) -> bool:
        return self.email_confirmed_at is not None

    @property
    def site_role(self) -> str:
        return self.role.value

    @property
    def is_admin(self) -> bool:
        return self.role is SiteRole.ADMIN

    @property
    def is_trainer(self) -> bool:
        return self.role in (SiteRole.TRAINER, SiteRole.ADMIN)

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


class LoginSession(Model):
    """A browser sign-in. The cookie holds a random token; only its hash is stored. Signing out revokes the row,
    so a copied cookie stops working at once."""

    __tablename__ = "lms_login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("lms_users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = created_at_column()
    last_seen_at: Mapped[datetime] = created_at_column()
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    user_agent: Mapped[str | None] = mapped_column(String(300))

    user: Mapped[User] = relationship(lazy="joined")


class TokenScope(enum.Enum):
    """What a personal API token may do. ``READ``: only calls that change nothing (GET, HEAD, OPTIONS, and never the
    payroll export that locks a pay period); ``WRITE``: everything its owner may do. Tokens made before scopes were
    added are ``WRITE`` (migration 0017)."""

    READ = "read"
    WRITE = "write"

    @property
    def title(self) -> str:
        return str(_SCOPE_TITLES[self])


_SCOPE_TITLES = {
    # i18n: the scope of a personal API token: it may read, never change anything
    TokenScope.READ: _l("Read only"),
    # i18n: the scope of a personal API token: it may do all its owner may do
    TokenScope.WRITE: _l("Read and write"),
}


class ApiToken(Model):
    """A personal API token (``Authorization: Bearer ...``); shown once, stored hashed, revocable, with a scope and
    an optional expiry (``expires_at`` None: it never expires)."""

    __tablename__ = "lms_api_tokens"
    __table_args__ = (
        Index("ix_lms_api_tokens_user_id_revoked_at", "user_id", "revoked_at"),
        # A unique index rather than a table constraint: SQLite adds it without copying the table.
        Index("uq_lms_api_tokens_user_id_idempotency_key", "user_id", "idempotency_key", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("lms_users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    prefix: Mapped[str] = mapped_column(String(12))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = created_at_column()
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: The one-time key of the form that created it: the same form sent twice creates one token.
    idempotency_key: Mapped[str | None] = mapped_column(String(80))
    scope: Mapped[TokenScope] = mapped_column(enum_type(TokenScope, length=16), default=TokenScope.WRITE,
                                              server_default=TokenScope.WRITE.value)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship(lazy="joined")

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= utcnow()

    @property
    def is_active(self) -> bool:
        """Neither revoked nor expired: it signs its owner in."""
        return self.revoked_at is None and not self.is_expired

    @property
    def is_read_only(self) -> bool:
        return self.scope is TokenScope.READ


class PendingSignup(Model):
    """A self sign-up waiting for its emailed link to be opened (:mod:`lms.accounts.signup`): no account exists until
    then, so signing in with the chosen password fails as for any address without an account. One per address (a
    new sign-up replaces it); the link's token is stored only as its SHA-256 digest, the password only as its
    Argon2id hash. Rows older than the link's life are deleted whenever another sign-up is stored."""

    __tablename__ = "lms_pending_signups"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(200))
    locale: Mapped[str | None] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: When the link was (last) emailed: its life and the wait before another is sent count from here.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=column_now, nullable=False, index=True)
