"""Signing in and out: checking an email and password, and the server-side sign-in sessions behind the cookie.

Services flush and never commit; the caller (view, API handler, CLI command) commits once.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Select, bindparam, func, select, update

from lms import db
from lms.accounts.models import LoginSession, User
from lms.accounts.passwords import hash_password, needs_rehash, verify_password
from lms.accounts.services import get_user_by_email
from lms.accounts.tokens import AccountDisabled
from lms.db import prepared, utcnow
from lms.security import hash_token, new_token

SESSION_TOUCH_INTERVAL = timedelta(minutes=5)


def sign_in(email: str, password: str) -> User | None:
    """The active user with this email and password, or None when either is wrong; :class:`AccountDisabled` when
    both are right but the account is disabled. Upgrades the hash if the settings rose."""
    user = get_user_by_email(email)
    if not verify_password(user.password_hash if user else None, password) or user is None:
        return None
    if not user.is_active:
        raise AccountDisabled(user)
    if needs_rehash(user.password_hash or ""):
        user.password_hash = hash_password(password)
    return user


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, or None (also for a disabled account)."""
    try:
        return sign_in(email, password)
    except AccountDisabled:
        return None


def start_session(user: User, user_agent: str | None = None) -> str:
    """Open a server-side sign-in session; returns the token to put in the (signed) cookie."""
    token = new_token()
    db.session.add(LoginSession(user_id=user.id, token_hash=hash_token(token), user_agent=(user_agent or "")[:300]))
    user.last_login_at = utcnow()
    db.session.flush()
    return token


def end_session(token: str) -> None:
    db.session.execute(
        update(LoginSession)
        .where(LoginSession.token_hash == hash_token(token), LoginSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


def end_all_sessions(user: User) -> None:
    db.session.execute(
        update(LoginSession).where(LoginSession.user_id == user.id, LoginSession.revoked_at.is_(None)).values(revoked_at=utcnow())
    )


@prepared
def _session_query() -> Select:
    """The session's user, the session's id and times (columns: the session row itself is loaded only to note that it
    was seen, every few minutes) and the slugs of the organisations that user manages, comma-separated."""
    from lms.orgs.models import Membership, Organisation

    managed = (
        select(func.aggregate_strings(Organisation.slug, ","))
        .join(Membership, Membership.org_id == Organisation.id)
        .where(Membership.user_id == LoginSession.user_id, Membership.is_manager)  # current staff only
        .scalar_subquery()
    )
    return (
        select(User, LoginSession.id, LoginSession.revoked_at, LoginSession.last_seen_at, managed)
        .join(LoginSession, LoginSession.user_id == User.id)
        .where(LoginSession.token_hash == bindparam("token_hash"))
    )


def user_for_session(token: str, idle_days: int, now: datetime | None = None) -> tuple[User, set[str]] | None:
    """The user of a live session token, with the slugs of the organisations they manage (the menu of every page and
    the manager pages need them: one query for both). Sessions idle for ``idle_days`` or revoked are refused."""
    now = now or utcnow()
    found = db.session.execute(_session_query(), {"token_hash": hash_token(token)}).one_or_none()
    if found is None:
        return None
    user, session_id, revoked_at, last_seen_at, slugs = found
    if revoked_at is not None or not user.is_active:
        return None
    if now - last_seen_at > timedelta(days=idle_days):
        return None
    if now - last_seen_at > SESSION_TOUCH_INTERVAL:
        seen = db.session.get(LoginSession, session_id)
        if seen is not None:  # (signed out meanwhile: deleted rows are not touched)
            seen.last_seen_at = now  # the caller commits (a changed row)
    return user, set(slugs.split(",")) if slugs else set()
