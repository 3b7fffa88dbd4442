"""A token made while a password reset runs: the two serialise on the person's row (api_tokens.lock_token_owner), so
the reset revokes every token committed before it commits, and a token asked for by a request that began before the
reset committed (its sign-in session ended by it) is refused, not made after it (docs/access-control.md, "API
tokens")."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from lms import db
from lms.accounts import admin_actions, api_tokens, password_reset
from lms.accounts.models import ApiToken, LoginSession, SiteRole, User
from lms.db import utcnow
from lms.errors import ConflictError
from tests.concurrency import finish, uncommitted_for_a_while

NEW = "a brand new password"


def _in_use(user_id: int) -> list[str]:
    db.session.expire_all()
    return list(db.session.execute(select(ApiToken.name).where(ApiToken.user_id == user_id,
                                                               ApiToken.revoked_at.is_(None))).scalars())


def test_a_token_made_just_before_a_reset_commits_is_revoked_by_it(app, make_user):
    """The token's request has written its token but not committed when the reset arrives: the reset waits for it,
    then revokes it too."""
    rosa_id = make_user("rosa@example.org").id

    def make_token() -> None:
        api_tokens.create_api_token(db.session.get(User, rosa_id), "script")

    thread, errors = uncommitted_for_a_while(app, make_token)
    done = password_reset.reset_password(db.session.get(User, rosa_id), NEW)
    db.session.commit()
    finish(thread, errors)
    assert _in_use(rosa_id) == [] and done.tokens_revoked == 1


def test_a_token_asked_for_while_a_reset_commits_is_refused(app, make_user):
    """The token's request loaded the person (and passed its sign-in check) before the reset; the reset has written
    but not committed when the request makes its token: it waits for the reset, then finds the password changed."""
    rosa = make_user("rosa@example.org")
    rosa_id = rosa.id
    assert rosa.password_hash  # loaded now, as a request loads the person signed in

    def reset() -> None:
        password_reset.reset_password(db.session.get(User, rosa_id), NEW)

    thread, errors = uncommitted_for_a_while(app, reset)
    with pytest.raises(ConflictError) as refused:
        api_tokens.create_api_token(rosa, "script")
    db.session.rollback()
    finish(thread, errors)
    assert "your password was reset" in refused.value.message and _in_use(rosa_id) == []


def test_a_token_asked_for_while_the_account_is_disabled_is_refused(app, make_user):
    admin_id = make_user("ada@example.org", role=SiteRole.ADMIN).id
    rosa = make_user("rosa@example.org")
    rosa_id = rosa.id
    assert rosa.is_active

    def disable() -> None:
        admin_actions.set_active(db.session.get(User, rosa_id), False, db.session.get(User, admin_id), "Left")

    thread, errors = uncommitted_for_a_while(app, disable)
    with pytest.raises(ConflictError):
        api_tokens.create_api_token(rosa, "script")
    db.session.rollback()
    finish(thread, errors)
    assert _in_use(rosa_id) == []


def test_a_token_made_after_a_reset_by_a_new_sign_in_is_kept(app, make_user):
    rosa = make_user("rosa@example.org")
    password_reset.reset_password(rosa, NEW)
    db.session.commit()
    api_tokens.create_api_token(db.session.get(User, rosa.id), "script")
    db.session.commit()
    assert _in_use(rosa.id) == ["script"]


def test_the_tokens_page_says_why_when_a_reset_won(app, client, u, login, make_user):
    """Through the page, with a sign-in session due to be noted as seen (a write of its own, which waits for the
    person's row: the lock comes first, so the reset and the request never wait for each other)."""
    rosa_id = make_user("rosa@example.org").id
    login(db.session.get(User, rosa_id))
    db.session.execute(update(LoginSession).values(last_seen_at=utcnow() - timedelta(minutes=30)))
    db.session.commit()
    client.csrf_token()

    def reset() -> None:
        password_reset.reset_password(db.session.get(User, rosa_id), NEW)

    thread, errors = uncommitted_for_a_while(app, reset)
    page = client.submit(u("lms.accounts.tokens"), {"name": "script", "scope": "read", "expires_in": "90"})
    finish(thread, errors)
    assert page.status_code == 200 and "No token was created: your password was reset" in page.get_data(as_text=True)
    assert _in_use(rosa_id) == []
