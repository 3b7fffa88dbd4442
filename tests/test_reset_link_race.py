"""Two requests with the same password-reset link at the same moment: the link is checked again under the lock on the
person's row (:func:`lms.accounts.password_reset.reset_password`), so the second waits for the first to commit and is
refused as a used link, rather than setting a second password over the first (docs/access-control.md)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from lms import db
from lms.accounts import admin_actions, password_reset
from lms.accounts.models import SiteRole, User
from lms.accounts.passwords import verify_password
from lms.accounts.tokens import AccountDisabled
from lms.audit import AuditEvent
from tests.concurrency import finish, uncommitted_for_a_while

FIRST = "the first new password"
SECOND = "the second new password"
USED = "This reset link has already been used. Please ask for a new one."


def _by_link(app, token: str) -> User:
    config = app.config
    return password_reset.user_for_reset_token(token, config["SECRET_KEY"], config["LMS_PASSWORD_RESET_MAX_AGE"])


def _changes(user_id: int) -> int:
    return db.session.execute(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "user.password_changed", AuditEvent.object_id == user_id)).scalar_one()


def _first_reset(app, token: str):
    """The first request: it has set its password and not yet committed when the second one comes."""
    return uncommitted_for_a_while(app, lambda: password_reset.reset_password(_by_link(app, token), FIRST))


def test_the_second_reset_with_the_same_link_is_refused_as_used(app, make_user):
    rosa_id = make_user("rosa@example.org").id
    token = password_reset.make_reset_token(db.session.get(User, rosa_id), app.config["SECRET_KEY"])
    thread, errors = _first_reset(app, token)
    rosa = _by_link(app, token)  # checked before the first commits: the link still looks unused
    with pytest.raises(password_reset.ResetLinkUsed) as refused:
        password_reset.reset_password(rosa, SECOND)  # waits for the first, then finds the password changed
    db.session.rollback()
    finish(thread, errors)
    assert refused.value.message == USED
    db.session.expire_all()
    rosa = db.session.get(User, rosa_id)
    assert verify_password(rosa.password_hash, FIRST) and not verify_password(rosa.password_hash, SECOND)
    assert _changes(rosa_id) == 1


def test_the_reset_page_says_the_link_was_used_and_signs_nobody_in(app, client, u, make_user):
    rosa_id = make_user("rosa@example.org").id
    token = password_reset.make_reset_token(db.session.get(User, rosa_id), app.config["SECRET_KEY"])
    client.csrf_token()
    thread, errors = _first_reset(app, token)
    page = client.submit(u("lms.accounts.reset", token=token), {"password": SECOND, "confirm": SECOND})
    finish(thread, errors)
    assert page.status_code == 400 and USED in page.get_data(as_text=True)
    assert client.get(u("lms.accounts.profile")).status_code != 200  # not signed in by the refused request
    db.session.expire_all()
    assert verify_password(db.session.get(User, rosa_id).password_hash, FIRST) and _changes(rosa_id) == 1


def test_a_reset_while_the_account_is_disabled_is_refused(app, make_user):
    admin_id = make_user("ada@example.org", role=SiteRole.ADMIN).id
    rosa_id = make_user("rosa@example.org").id
    token = password_reset.make_reset_token(db.session.get(User, rosa_id), app.config["SECRET_KEY"])

    def disable() -> None:
        admin_actions.set_active(db.session.get(User, rosa_id), False, db.session.get(User, admin_id), "Left")

    thread, errors = uncommitted_for_a_while(app, disable)
    rosa = _by_link(app, token)
    with pytest.raises(AccountDisabled):
        password_reset.reset_password(rosa, SECOND)
    db.session.rollback()
    finish(thread, errors)
    db.session.expire_all()
    assert _changes(rosa_id) == 0


def test_one_reset_alone_goes_through_and_the_link_is_then_used(app, make_user):
    rosa_id = make_user("rosa@example.org").id
    token = password_reset.make_reset_token(db.session.get(User, rosa_id), app.config["SECRET_KEY"])
    password_reset.reset_password(_by_link(app, token), FIRST)
    db.session.commit()
    assert _changes(rosa_id) == 1
    with pytest.raises(password_reset.DomainError) as used:
        _by_link(app, token)
    assert used.value.message == USED
