"""Account use cases: register, authenticate, sessions, password reset, profile, API tokens, activation.

Services flush and never commit; the caller (view, API handler, CLI command) commits once.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from sqlalchemy import Select, bindparam, func, select, update
from sqlalchemy.exc import IntegrityError

from lms import audit, db
from lms.accounts.languages import set_language
from lms.accounts.models import ApiToken, LoginSession, SiteRole, User
from lms.accounts.names import clean_name, record_name_change
from lms.accounts.passwords import (
    MAX_LENGTH,
    MIN_LENGTH,
    check_password_strength,
    hash_password,
    needs_rehash,
    verify_password,
)
from lms.accounts.tokens import AccountDisabled, Link
from lms.db import is_id, prepared, utcnow
from lms.errors import ConflictError, DomainError, NotFoundError
from lms.i18n import _, _l
from lms.security import hash_token, new_token
from lms.signals import user_registered

SESSION_TOUCH_INTERVAL = timedelta(minutes=5)
RESET_SALT = "lms-password-reset"
#: The longest one-time key a token form may send (the hours ledger's limit for its keys).
SUBMISSION_KEY_MAX = 80


class LastAdminError(ConflictError):
    """Refused: the change would leave the site without an active administrator."""

    code = "last_admin"


def normalize_email(email: str) -> str:
    return email.strip().lower()


def get_user_by_email(email: str) -> User | None:
    return db.session.execute(select(User).where(User.email == normalize_email(email))).scalar_one_or_none()


def get_user(user_id: int) -> User:
    user = db.session.get(User, user_id) if is_id(user_id) else None
    if user is None:
        raise NotFoundError(_("No such user."))
    return user


def check_password_rules(password: str, *, email: str = "", name: str = "") -> None:
    """Length, then guessability, also from the person's ``email`` and ``name`` (:mod:`lms.accounts.passwords`)."""
    if len(password) < MIN_LENGTH:
        raise DomainError(_("Use at least %(num)d characters.", num=MIN_LENGTH))
    if len(password) > MAX_LENGTH:
        raise DomainError(_("Use at most %(num)d characters.", num=MAX_LENGTH))
    check_password_strength(password, email=email, name=name)


def register_user(
    email: str,
    name: str,
    password: str | None,
    *,
    locale: str | None = None,
    timezone: str | None = None,
    role: SiteRole = SiteRole.TRAINEE,
) -> User:
    """Create an account. Raises :class:`ConflictError` if the email is taken, and
    :class:`lms.accounts.names.InvalidName` if the name has nothing visible (it is stored normalised)."""
    name = clean_name(name)
    if get_user_by_email(email) is not None:
        raise ConflictError(_("An account with this email address already exists."))
    if password is not None:
        check_password_rules(password, email=email, name=name)
    user = User(
        email=normalize_email(email),
        name=name,
        password_hash=hash_password(password) if password else None,
        role=role,
        locale=locale,
        timezone=timezone,
    )
    try:
        with db.session.begin_nested():
            db.session.add(user)
            db.session.flush()
    except IntegrityError:  # the same address registered a moment ago (a form sent twice at once)
        raise ConflictError(_("An account with this email address already exists.")) from None
    audit.record("user.registered", user, user)
    user_registered.send(user)
    return user


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


def update_profile(user: User, *, name: str, locale: str | None, timezone: str | None) -> None:
    """Change the person's own details; the name is normalised and checked like at sign-up (:func:`clean_name`), and
    a changed name is recorded in the audit log (it is printed on certificates), and so is a changed language (a
    certificate's language of delivery rests on it: :mod:`lms.accounts.languages`)."""
    old, user.name = user.name, clean_name(name)
    record_name_change(user, old, user)
    set_language(user, locale, user)
    user.timezone = timezone or None


#: The longest reason (for disabling) or note (for enabling again) an account change keeps in the audit log.
MAX_ACTIVE_REASON = 500


def set_active(user: User, active: bool, actor: User | None, reason: str | None = None) -> bool:
    """Enable or disable an account; disabling ends its sessions and API tokens at once. ``reason`` (why it is
    disabled, or a note on enabling it again; at most :data:`MAX_ACTIVE_REASON` characters, else
    :class:`DomainError`) is kept in the audit row. False, with nothing done or recorded, when the account is
    already so. Disabling the last active site administrator is refused (:class:`LastAdminError`)."""
    reason = (reason or "").strip() or None
    if reason is not None and len(reason) > MAX_ACTIVE_REASON:
        raise DomainError(_("Keep it to %(num)d characters.", num=MAX_ACTIVE_REASON), field="reason")
    if user.is_active == active:
        return False
    if not active:
        _ensure_another_active_admin(user)
    if not _switch_active(user, active):
        return False
    if not active:
        end_all_sessions(user)
        revoke_all_api_tokens(user)
    audit.record("user.enabled" if active else "user.disabled", user, actor, reason=reason)
    return True


def _switch_active(user: User, active: bool) -> bool:
    """Set ``is_active`` unless the row has it already; whether it changed. Another administrator may have done the
    same a moment ago: the UPDATE waits for that change to commit, then finds nothing to change (a second row of
    the same change in the audit log would be noise)."""
    switch = update(User).where(User.id == user.id, User.is_active.is_(not active)).values(is_active=active)
    return db.session.execute(switch).rowcount > 0


def set_role(user: User, role: SiteRole, actor: User | None) -> bool:
    """Change the site role; False, with nothing recorded, when ``user`` already has it. Taking the role of
    administrator from the last active one is refused (:class:`LastAdminError`)."""
    if user.role is role:
        return False
    if role is not SiteRole.ADMIN:
        _ensure_another_active_admin(user)
    old = user.role
    user.role = role
    audit.record("user.role_changed", user, actor, old=old, new=role)
    return True


_ACTIVE_ADMIN = (User.role == SiteRole.ADMIN) & User.is_active.is_(True)


def _ensure_another_active_admin(user: User) -> None:
    """Refuse to take ``user`` out of the active site administrators when nobody else would be left.

    Two administrators removing each other at the same moment must not both pass, so the rows of every active
    administrator and of ``user`` are locked (:func:`lms.db.lock_row`) in order of id before counting. Any such change
    locks the same rows, at least those both saw, in the same order: the second waits for the first to commit (no
    deadlock, as nobody takes them in another order), then counts what it left. PostgreSQL: ``FOR UPDATE`` row locks,
    and the count, a new statement, reads the committed rows (READ COMMITTED). SQLite: the first lock is a write,
    which takes the database's write lock, so the second change waits there, then reloads the rows and counts."""
    if not (user.is_admin and user.is_active):
        return
    admins = set(db.session.execute(select(User).where(_ACTIVE_ADMIN)).scalars()) | {user}
    for admin in sorted(admins, key=lambda person: person.id):
        db.lock_row(admin)  # reloads the row: another change may have been committed while we waited
    if not (user.is_admin and user.is_active):
        return
    others = db.session.execute(select(func.count(User.id)).where(_ACTIVE_ADMIN, User.id != user.id)).scalar_one()
    if not others:
        raise LastAdminError(
            _("%(name)s is the only active site administrator. Make someone else a site administrator first: "
              "the site must always have one.", name=user.name)
        )


def create_api_token(user: User, name: str, key: str | None = None) -> tuple[ApiToken, str | None]:
    """A new personal API token; the raw value is returned once and never stored.

    ``key`` is the one-time key of the form that asks for it: the first request with a key creates the token and
    returns its secret; a later one (a double click, a form sent again from a slow phone) creates nothing and returns
    the first token with ``None``, so the secret is never given twice. A unique index on (person, key) settles two
    requests sent together. Without a key (a script, a form rendered before keys existed), every request creates one.
    """
    key = (key or "").strip() or None
    if key is not None:
        if len(key) > SUBMISSION_KEY_MAX:
            raise DomainError(_("This submission has no valid idempotency key. Reload the form and try again."))
        first = _token_of_submission(user.id, key)
        if first is not None:
            return first, None
    raw = "lms_" + new_token()
    token = ApiToken(user_id=user.id, name=name.strip(), prefix=raw[:10], token_hash=hash_token(raw), idempotency_key=key)
    try:
        with db.session.begin_nested():
            db.session.add(token)
            db.session.flush()
    except IntegrityError:  # the same form, sent at the same moment, won the race
        return _token_of_submission(user.id, key), None
    audit.record("api_token.created", token, user)
    return token, raw


def _token_of_submission(user_id: int, key: str) -> ApiToken | None:
    return db.session.execute(
        select(ApiToken).where(ApiToken.user_id == user_id, ApiToken.idempotency_key == key)
    ).scalar_one_or_none()


def list_api_tokens(user: User) -> list[ApiToken]:
    return list(db.session.execute(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at.desc())).scalars())


def revoke_api_token(user: User, token_id: int) -> ApiToken:
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise NotFoundError(_("No such token."))
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        audit.record("api_token.revoked", token, user)
    return token


def revoke_all_api_tokens(user: User) -> None:
    db.session.execute(update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None)).values(revoked_at=utcnow()))


def user_for_api_token(raw: str) -> User | None:
    token = db.session.execute(select(ApiToken).where(ApiToken.token_hash == hash_token(raw))).scalar_one_or_none()
    if token is None or token.revoked_at is not None or not token.user.is_active:
        return None
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at > SESSION_TOUCH_INTERVAL:
        token.last_used_at = now
    return token.user


def count_users() -> int:
    return db.session.execute(select(func.count(User.id))).scalar_one()


def list_users(search: str = "", limit: int = 100) -> list[User]:
    query = select(User).order_by(User.name).limit(limit)
    if search:
        pattern = f"%{search.strip().lower()}%"
        query = query.where(func.lower(User.name).like(pattern) | User.email.like(pattern))
    return list(db.session.execute(query).scalars())


def list_trainers() -> list[User]:
    """Active trainers and site admins (who may lead live sessions), by name."""
    return list(
        db.session.execute(
            select(User).where(User.role.in_([SiteRole.TRAINER, SiteRole.ADMIN]), User.is_active.is_(True)).order_by(User.name)
        ).scalars()
    )
