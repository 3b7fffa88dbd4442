"""Personal API tokens (``Authorization: Bearer ...``): create, list, revoke, and find the person of one.

Services flush and never commit; the caller (view, API handler, CLI command) commits once.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from lms import audit, db
from lms.accounts.login_sessions import SESSION_TOUCH_INTERVAL
from lms.accounts.models import ApiToken, User
from lms.db import utcnow
from lms.errors import DomainError, NotFoundError
from lms.i18n import _
from lms.security import hash_token, new_token

#: The longest one-time key a token form may send (the hours ledger's limit for its keys).
SUBMISSION_KEY_MAX = 80


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
