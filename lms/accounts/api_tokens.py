"""Personal API tokens (``Authorization: Bearer ...``): create (with a scope and an expiry), list, revoke, and find
the token and person of a bearer credential.

Services flush and never commit; the caller (view, API handler, CLI command) commits once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from lms import audit, db
from lms.accounts.login_sessions import SESSION_TOUCH_INTERVAL
from lms.accounts.models import ApiToken, TokenScope, User
from lms.db import is_id, utcnow
from lms.errors import ConflictError, DomainError, NotFoundError, PermissionDenied
from lms.i18n import _
from lms.security import hash_token, new_token

#: The longest one-time key a token form may send (the hours ledger's limit for its keys).
SUBMISSION_KEY_MAX = 80

#: The lifetimes a person may choose for a new token, in days; None: it never expires.
EXPIRY_CHOICES: tuple[int | None, ...] = (30, 90, 365, None)
#: What the form offers first: long enough for a quarterly payroll script, short enough that a forgotten token dies.
DEFAULT_EXPIRY_DAYS = 90
#: A token that expires within this is marked on the tokens page: two weeks to make a replacement and hand it over.
PAGE_NOTICE = timedelta(days=14)
#: Within this, API answers to the token carry :data:`EXPIRES_HEADER`, and its owner is emailed once
#: (:mod:`lms.accounts.token_expiry`).
WARNING_PERIOD = timedelta(days=7)
#: The answer header that tells a program its token expires soon (the moment, RFC 3339 in UTC).
EXPIRES_HEADER = "X-Token-Expires-At"


class InsufficientScope(PermissionDenied):
    """A read-only token asked for something that changes data (RFC 6750 ``insufficient_scope``)."""

    code = "insufficient_scope"
    #: The challenge of RFC 6750, section 3.1, sent beside the JSON error (``lms.errors.handle_domain_error``).
    headers = {"WWW-Authenticate": 'Bearer error="insufficient_scope", scope="write"'}


@dataclass(frozen=True)
class BearerCheck:
    """What a bearer credential is: ``token`` when it signs its owner in; else, for a token that exists, is not
    revoked and whose owner is active but that has expired, ``expired_at``; both None for anything else."""

    token: ApiToken | None = None
    expired_at: datetime | None = None
    #: For a token that signs its owner in and expires within :data:`WARNING_PERIOD`: when (the answer says so).
    expires_soon_at: datetime | None = None


def can_create_api_token(user: User) -> bool:
    """Whether ``user`` may create a token now: only once their email address is confirmed (a token outlives sign-in
    sessions, so it is only for an address proven to be the person's)."""
    return user.is_email_confirmed


def create_api_token(user: User, name: str, key: str | None = None, *, scope: TokenScope = TokenScope.WRITE,
                     expires_in_days: int | None = None) -> tuple[ApiToken, str | None]:
    """A new personal API token; the raw value is returned once and never stored. ``scope`` says whether it may
    change data; it expires ``expires_in_days`` days from now (one of :data:`EXPIRY_CHOICES`; None: never).

    ``key`` is the one-time key of the form that asks for it: the first request with a key creates the token and
    returns its secret; a later one (a double click, a form sent again from a slow phone) creates nothing and returns
    the first token with ``None``, so the secret is never given twice. A unique index on (person, key) settles two
    requests sent together. Without a key (a script, a form rendered before keys existed), every request creates one.
    Refused (:class:`ConflictError`) when the person's password was reset, or their account disabled, since ``user``
    was loaded: both revoke every token (:func:`lock_token_owner`).
    """
    if not can_create_api_token(user):
        raise PermissionDenied(_("Confirm your email address before you create an API token: open the link we "
                                 "emailed you, or send it again."))
    if expires_in_days not in EXPIRY_CHOICES:
        raise DomainError(_("Choose how long the token stays valid."), field="expires_in_days")
    key = (key or "").strip() or None
    if key is not None and len(key) > SUBMISSION_KEY_MAX:
        raise DomainError(_("This submission has no valid idempotency key. Reload the form and try again."))
    _lock_owner_unchanged(user)
    if key is not None:
        first = _token_of_submission(user.id, key)
        if first is not None:
            return first, None
    raw = "lms_" + new_token()
    expires_at = utcnow() + timedelta(days=expires_in_days) if expires_in_days is not None else None
    token = ApiToken(user_id=user.id, name=name.strip(), prefix=raw[:10], token_hash=hash_token(raw),
                     idempotency_key=key, scope=scope, expires_at=expires_at)
    try:
        with db.session.begin_nested():
            db.session.add(token)
            db.session.flush()
    except IntegrityError:  # the same form, sent at the same moment, won the race
        return _token_of_submission(user.id, key), None
    audit.record("api_token.created", token, user, scope=scope.value, expires_at=expires_at)
    return token, raw


def lock_token_owner(user: User) -> None:
    """Lock ``user``'s row (:func:`lms.db.lock_row`) to serialise making a token with revoking every token of the
    person (a password reset): whichever comes second waits for the first to commit, so a reset revokes each token
    made before it commits, and a token made after it is refused (:func:`create_api_token`). Taken before the
    request's pending changes are written (the sign-in session noted as seen), so that both take their locks in the
    same order: the person's row first, then their sign-in sessions and tokens (no deadlock)."""
    db.lock_row(user, key_share=True, flush=False)


def _lock_owner_unchanged(user: User) -> None:
    """:func:`lock_token_owner`, then refuse if, since this request loaded the person, their password was reset
    (a new hash) or their account disabled (which also revokes every token): it ended the session asking."""
    held = user.password_hash
    lock_token_owner(user)  # reloads the row
    if user.password_hash != held or not user.is_active:
        raise ConflictError(_("No token was created: your password was reset, or your account disabled, a moment "
                              "ago, and that revokes every API token. Sign in again to create one."))


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


def _in_use(user_id: int) -> tuple:
    """Tokens of the person that still sign them in: not revoked and not expired."""
    now = utcnow()
    return (ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None),
            (ApiToken.expires_at.is_(None)) | (ApiToken.expires_at > now))


def count_active_api_tokens(user: User) -> int:
    """How many of the person's tokens sign them in now (neither revoked nor expired)."""
    return db.session.execute(select(func.count()).select_from(ApiToken).where(*_in_use(user.id))).scalar_one()


def revoke_all_api_tokens(user: User, actor: User | None) -> int:
    """Revoke every token of the person that is not revoked yet, because ``actor`` disabled the account
    (:func:`lms.accounts.admin_actions.set_active`): each gets an ``api_token.revoked`` audit row by ``actor``, as
    when revoked by hand, marked ``account_disabled`` (the log of a token then says when and why it stopped working,
    as after a password reset). Returns how many were revoked."""
    tokens = _not_revoked(user)
    for token in tokens:
        token.revoked_at = utcnow()
        audit.record("api_token.revoked", token, actor, account_disabled=True)
    return len(tokens)


def _not_revoked(user: User) -> list[ApiToken]:
    """The person's tokens not revoked yet (expired ones too), oldest first, locked against a revocation racing."""
    return list(db.session.execute(select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
                                   .order_by(ApiToken.id).with_for_update(of=ApiToken)).scalars())


def revoke_my_api_tokens(user: User) -> int:
    """The person revokes all their tokens in use at once (e.g. after changing a password someone else may have
    known); one ``api_token.revoked_all`` audit row names how many. Returns that number (0: nothing recorded)."""
    ids = list(db.session.execute(select(ApiToken.id).where(*_in_use(user.id)).order_by(ApiToken.id)).scalars())
    if not ids:
        return 0
    revoked = db.session.execute(update(ApiToken).where(ApiToken.id.in_(ids), ApiToken.revoked_at.is_(None))
                                 .values(revoked_at=utcnow())).rowcount  # one revoked meanwhile is not counted
    if revoked:
        audit.record("api_token.revoked_all", user, user, count=revoked)
    return revoked


def revoke_tokens_on_reset(user: User) -> int:
    """Revoke every token of the person not revoked yet, because they reset their password through an emailed link
    (:func:`lms.accounts.password_reset.reset_password`): each gets an ``api_token.revoked`` audit row, as when
    revoked by hand, marked ``password_reset``. Returns how many of them still signed the person in (not expired)."""
    tokens = _not_revoked(user)
    for token in tokens:
        token.revoked_at = utcnow()
        audit.record("api_token.revoked", token, user, password_reset=True)
    return sum(1 for token in tokens if not token.is_expired)


def check_bearer_token(raw: str) -> BearerCheck:
    """The token of a bearer credential, if it signs its owner in (its last use is recorded, at most every
    :data:`SESSION_TOUCH_INTERVAL`); or that it has expired, for the 401 to say so."""
    token = db.session.execute(select(ApiToken).where(ApiToken.token_hash == hash_token(raw))).scalar_one_or_none()
    if token is None or token.revoked_at is not None or not token.user.is_active:
        return BearerCheck()
    if token.is_expired:
        return BearerCheck(expired_at=token.expires_at)
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at > SESSION_TOUCH_INTERVAL:
        token.last_used_at = now
    soon = token.expires_at if expires_within(token, WARNING_PERIOD, now) else None
    return BearerCheck(token=token, expires_soon_at=soon)


def expires_within(token: ApiToken, period: timedelta, now: datetime | None = None) -> bool:
    """Whether the token still signs its owner in but stops within ``period`` from ``now`` (default: this moment)."""
    now = now or utcnow()
    return (token.revoked_at is None and token.expires_at is not None
            and now < token.expires_at <= now + period)


def expiring_on_page(tokens: list[ApiToken], now: datetime | None = None) -> set[int]:
    """The ids of the tokens the tokens page marks as expiring soon (within :data:`PAGE_NOTICE`)."""
    now = now or utcnow()
    return {token.id for token in tokens if expires_within(token, PAGE_NOTICE, now)}


def replaceable_token(user: User, token_id: int | None) -> ApiToken | None:
    """The person's own token that a new one is to replace (its name and access fill the form), or None for
    anything else: another person's token, a revoked one, an id that is not one."""
    if not is_id(token_id):
        return None
    token = db.session.get(ApiToken, token_id)
    return token if token is not None and token.user_id == user.id and token.revoked_at is None else None


def user_for_api_token(raw: str) -> User | None:
    """The person a bearer credential signs in, or None."""
    token = check_bearer_token(raw).token
    return token.user if token is not None else None
