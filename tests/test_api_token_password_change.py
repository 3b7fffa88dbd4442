"""After a change of password the person is told how many API tokens still sign them in, with one button that
revokes them all (POST with CSRF, one audit row); nothing is revoked unless they press it. A reset by emailed link
revokes them itself. Disabling an account
revokes its tokens at once (docs/access-control.md, "API tokens")."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from lms import db
from lms.accounts import admin_actions, api_tokens, password_reset
from lms.accounts.models import SiteRole
from lms.audit import AuditEvent
from lms.db import utcnow
from tests.conftest import PASSWORD

NEW = "a brand new password"


def _tokens(user) -> dict[str, str]:
    """Two tokens in use, one revoked and one expired (neither counted)."""
    made = {name: api_tokens.create_api_token(user, name, expires_in_days=days)
            for name, days in (("payroll", None), ("reports", 90), ("revoked", None), ("expired", 30))}
    api_tokens.revoke_api_token(user, made["revoked"][0].id)
    made["expired"][0].expires_at = utcnow() - timedelta(days=1)
    db.session.commit()
    return {name: raw for name, (_token, raw) in made.items()}


def _works(client, u, raw: str) -> bool:
    return client.get(u("lms.api.me"), headers={"Authorization": f"Bearer {raw}"}).status_code == 200


def test_changing_the_password_offers_to_revoke_the_tokens_in_use(app, client, u, make_user, login):
    user = make_user("lupe@example.org")
    raws = _tokens(user)
    login(user)
    listing = client.get(u("lms.accounts.tokens")).get_data(as_text=True)
    assert f'action="{u("lms.accounts.revoke_all_tokens")}"' in listing  # two in use: the list offers it too
    changed = client.submit(u("lms.accounts.change_password"), {
        "current_password": PASSWORD, "new_password": NEW, "confirm_password": NEW})
    assert changed.status_code == 302
    assert changed.headers["Location"].endswith(u("lms.accounts.password_changed", then="profile"))
    page = client.get(changed.headers["Location"]).get_data(as_text=True)
    assert "Your password is changed. Other devices have been signed out." in page
    assert "You have 2 API tokens in use." in page and "Revoke all my API tokens" in page
    assert f'action="{u("lms.accounts.revoke_all_tokens")}"' in page and 'name="csrf_token"' in page
    assert f'href="{u("lms.accounts.profile")}"' in page  # Continue: where the change used to lead
    assert _works(app.test_client(), u, raws["payroll"]) and _works(app.test_client(), u, raws["reports"])

    assert client.post(u("lms.accounts.revoke_all_tokens")).status_code == 400  # no CSRF token: nothing revoked
    assert api_tokens.count_active_api_tokens(user) == 2
    done = client.submit(u("lms.accounts.revoke_all_tokens"), follow_redirects=True)
    assert "2 API tokens are revoked." in done.get_data(as_text=True)
    assert api_tokens.count_active_api_tokens(user) == 0
    assert not _works(app.test_client(), u, raws["payroll"]) and not _works(app.test_client(), u, raws["reports"])
    [row] = db.session.execute(select(AuditEvent).where(AuditEvent.action == "api_token.revoked_all")).scalars()
    assert (row.actor_id, row.object_type, row.object_id, row.data) == (user.id, "User", user.id, {"count": 2})
    after = client.get(u("lms.accounts.password_changed", then="profile")).get_data(as_text=True)
    assert "You have no API tokens in use." in after
    again = client.submit(u("lms.accounts.revoke_all_tokens"), follow_redirects=True).get_data(as_text=True)
    assert "nothing was revoked" in again
    assert len(db.session.execute(select(AuditEvent).where(AuditEvent.action == "api_token.revoked_all")).all()) == 1


def test_without_tokens_a_change_of_password_ends_where_it_did(client, u, make_user, login):
    user = make_user()
    login(user)
    changed = client.submit(u("lms.accounts.change_password"), {
        "current_password": PASSWORD, "new_password": NEW, "confirm_password": NEW})
    assert changed.status_code == 302 and changed.headers["Location"].endswith(u("lms.accounts.profile"))


def test_a_password_reset_revokes_the_tokens_itself(app, client, u, make_user):
    """A reset by emailed link proves the mailbox, not the old password: its tokens end (tests/test_reset_revokes_access.py)."""
    user = make_user("rosa@example.org")
    raws = _tokens(user)
    link = u("lms.accounts.reset", token=password_reset.make_reset_token(user, app.config["SECRET_KEY"]))
    done = client.submit(link, {"password": NEW, "confirm": NEW}, follow_redirects=True)
    assert "Your 2 API tokens are revoked" in done.get_data(as_text=True)
    assert not _works(app.test_client(), u, raws["payroll"])
    assert api_tokens.count_active_api_tokens(user) == 0


def test_disabling_an_account_ends_its_tokens(app, client, u, make_user):
    admin = make_user(role=SiteRole.ADMIN)
    user = make_user()
    raws = _tokens(user)
    admin_actions.set_active(user, False, admin, reason="left")
    db.session.commit()
    assert api_tokens.count_active_api_tokens(user) == 0
    assert not _works(client, u, raws["payroll"])
    admin_actions.set_active(user, True, admin)
    db.session.commit()
    assert not _works(client, u, raws["payroll"])  # enabling again brings no token back
