"""A password reset through an emailed link proves the mailbox, not the old password: it revokes every API token
(each audited as a revoke, marked ``password_reset``), replaces the personal calendar-feed link and ends every
session; the page says so. A change of password made while signed in keeps tokens and feed (docs/access-control.md,
"API tokens")."""

from __future__ import annotations

from sqlalchemy import select

from lms import db
from lms.accounts import api_tokens, password_reset
from lms.audit import AuditEvent
from lms.live import calendar
from tests.conftest import PASSWORD

NEW = "a brand new password"


def _works(client, u, raw: str) -> bool:
    return client.get(u("lms.api.me"), headers={"Authorization": f"Bearer {raw}"}).status_code == 200


def _feed_works(client, u, token: str) -> bool:
    return client.get(u("lms.sessions.feed", token=token)).status_code == 200


def test_a_reset_by_emailed_link_revokes_tokens_feed_and_sessions(app, client, u, make_user, client_as):
    user = make_user("rosa@example.org")
    token, raw = api_tokens.create_api_token(user, "squatter's script")
    _read_only, raw_read = api_tokens.create_api_token(user, "reports", expires_in_days=30)
    db.session.commit()
    feed = calendar.feed_token(user, app.config["SECRET_KEY"])
    other_device = client_as(user)
    assert _works(app.test_client(), u, raw) and _feed_works(app.test_client(), u, feed)
    assert other_device.get(u("lms.accounts.profile")).status_code == 200

    link = u("lms.accounts.reset", token=password_reset.make_reset_token(user, app.config["SECRET_KEY"]))
    done = client.submit(link, {"password": NEW, "confirm": NEW})
    assert done.status_code == 302 and done.headers["Location"].endswith(u("lms.accounts.reset_done"))
    page = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "Your password is changed" in page
    assert "signed out on every other device" in page
    assert "Your 2 API tokens are revoked" in page
    assert "link of your personal calendar feed is replaced" in page

    assert app.test_client().get(u("lms.api.me"), headers={"Authorization": f"Bearer {raw}"}).status_code == 401
    assert not _works(app.test_client(), u, raw_read)
    assert not _feed_works(app.test_client(), u, feed)
    assert _feed_works(app.test_client(), u, calendar.feed_token(user, app.config["SECRET_KEY"]))  # a new link
    assert other_device.get(u("lms.accounts.profile")).status_code != 200  # signed out there
    assert client.get(u("lms.accounts.profile")).status_code == 200  # signed in here
    rows = db.session.execute(select(AuditEvent).where(AuditEvent.action == "api_token.revoked")
                              .order_by(AuditEvent.id)).scalars().all()
    assert len(rows) == 2
    assert (rows[0].object_id, rows[0].actor_id, rows[0].data) == (token.id, user.id, {"password_reset": True})
    assert db.session.execute(select(AuditEvent).where(AuditEvent.action == "calendar_feed.reset")).scalar_one().data \
        == {"password_reset": True}


def test_a_reset_leaves_a_feed_that_is_off_off_and_says_nothing_of_what_was_not_there(app, client, u, make_user):
    user = make_user()
    calendar.disable_feed(user)
    db.session.commit()
    link = u("lms.accounts.reset", token=password_reset.make_reset_token(user, app.config["SECRET_KEY"]))
    page = client.submit(link, {"password": NEW, "confirm": NEW}, follow_redirects=True).get_data(as_text=True)
    assert "Your password is changed" in page
    assert "API token" not in page and "calendar feed" not in page
    assert calendar.feed_token(user, app.config["SECRET_KEY"]) is None


def test_a_change_of_password_while_signed_in_keeps_tokens_and_feed(app, client, u, make_user, login):
    user = make_user()
    _token, raw = api_tokens.create_api_token(user, "payroll")
    db.session.commit()
    feed = calendar.feed_token(user, app.config["SECRET_KEY"])
    login(user)
    changed = client.submit(u("lms.accounts.change_password"), {
        "current_password": PASSWORD, "new_password": NEW, "confirm_password": NEW})
    assert changed.status_code == 302
    assert _works(app.test_client(), u, raw) and _feed_works(app.test_client(), u, feed)


def test_the_done_page_opened_again_says_only_that_the_password_is_changed(app, client, u, make_user, login):
    user = make_user()
    api_tokens.create_api_token(user, "payroll")
    db.session.commit()
    link = u("lms.accounts.reset", token=password_reset.make_reset_token(user, app.config["SECRET_KEY"]))
    assert "API token is revoked" in client.submit(link, {"password": NEW, "confirm": NEW},
                                                   follow_redirects=True).get_data(as_text=True)
    again = client.get(u("lms.accounts.reset_done")).get_data(as_text=True)
    assert "Your password is changed" in again and "API token" not in again
