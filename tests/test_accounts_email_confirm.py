"""An unconfirmed account confirms its address by an emailed link (single use, signed, expiring; GET asks, POST
confirms). Until then the person learns but cannot make API tokens, and nobody finds the account by its address (a
trainer issuing a certificate). A reset link or an accepted invitation confirms it; every other way of making an
account is confirmed (docs/access-control.md, "Email addresses"). Self sign-up made such accounts before migration
0021; it now makes the account, confirmed, only once its own link is opened (tests/test_signup_pending.py), so these
tests make the unconfirmed account directly, as those sign-ups left it."""

from __future__ import annotations

import re

from sqlalchemy import select

from lms import db
from lms.accounts import api_tokens, email_confirmation, password_reset, services
from lms.accounts.models import SiteRole, User
from lms.audit import AuditEvent
from lms.db import utcnow
from lms.errors import PermissionDenied
from tests.conftest import PASSWORD, body_of

NEW = "a brand new password"


def _signup(client, u, mailbox):
    """An account a sign-up made before migration 0021 (unconfirmed), signed in, and sent the confirmation link (by
    the banner's "Resend the confirmation email", which is what sign-up then sent)."""
    services.register_user("rosa@example.org", "Squatter", PASSWORD, email_confirmed=False)
    db.session.commit()
    signed_in = client.submit(u("lms.accounts.login"), {"email": "rosa@example.org", "password": PASSWORD})
    assert signed_in.status_code == 302
    assert client.submit(u("lms.accounts.resend_confirmation")).status_code == 303
    return db.session.execute(select(User).where(User.email == "rosa@example.org")).scalar_one()


def _link(mailbox) -> str:
    message = mailbox[-1]
    assert message["To"] == "rosa@example.org"
    return re.search(r"https?://\S+/confirm-email/\S+", body_of(message)).group(0).split("lms.test", 1)[1]


def test_sign_up_is_unconfirmed_sends_a_link_and_shows_the_banner(client, u, mailbox):
    user = _signup(client, u, mailbox)
    assert user.email_confirmed_at is None
    assert len(mailbox) == 1 and "confirm" in mailbox[0]["Subject"].lower()
    home = client.get(u("lms.main.home")).get_data(as_text=True)
    assert "Resend the confirmation email" in home
    assert f'action="{u("lms.accounts.resend_confirmation")}"' in home


def test_the_link_asks_then_confirms_once(client, u, mailbox, app):
    user = _signup(client, u, mailbox)
    path = _link(mailbox)
    page = app.test_client().get(path)  # a mail scanner opening the link confirms nothing
    assert page.status_code == 200 and "Yes, I created this account" in page.get_data(as_text=True)
    db.session.refresh(user)
    assert user.email_confirmed_at is None
    done = client.submit(path)
    assert done.status_code == 303
    db.session.refresh(user)
    assert user.email_confirmed_at is not None
    assert "Resend the confirmation email" not in client.get(u("lms.main.home")).get_data(as_text=True)
    again = client.get(path)
    assert again.status_code == 200 and "already confirmed" in again.get_data(as_text=True)  # test_uifix_confirm_again
    assert db.session.execute(select(AuditEvent).where(AuditEvent.action == "user.email_confirmed")).scalar_one()


def test_a_forged_link_is_refused(client, u):
    assert client.get(u("lms.accounts.confirm_address", token="nonsense")).status_code == 400


def test_resend_waits_between_emails(client, u, mailbox):
    _signup(client, u, mailbox)
    assert client.post(u("lms.accounts.resend_confirmation")).status_code == 400  # no CSRF token
    again = client.submit(u("lms.accounts.resend_confirmation"), follow_redirects=True)
    assert "we already sent the confirmation email" in again.get_data(as_text=True)
    assert len(mailbox) == 1  # the one of the sign-up


def test_unconfirmed_people_cannot_make_api_tokens(client, u, mailbox):
    user = _signup(client, u, mailbox)
    page = client.submit(u("lms.accounts.tokens"), {"name": "script", "scope": "write", "expires_in": "90"})
    assert "Confirm your email address before you create an API token" in page.get_data(as_text=True)
    assert api_tokens.list_api_tokens(user) == []
    try:
        api_tokens.create_api_token(user, "direct")
    except PermissionDenied:
        pass
    else:
        raise AssertionError("an unconfirmed account made a token")


def test_a_trainer_issuing_by_email_does_not_find_an_unconfirmed_account(client, u, mailbox, make_user, client_as):
    from tests.test_certificates_manual import _course

    trainer_user = make_user(role=SiteRole.TRAINER)
    course = _course(trainer_user, "core", 60)
    db.session.commit()
    squatter = _signup(client, u, mailbox)
    trainer = client_as(trainer_user)
    answer = trainer.submit(u("lms.certificates.issue"), {"email": "rosa@example.org", "course": course.slug})
    assert answer.status_code == 400 and "not confirmed it yet" in answer.get_data(as_text=True)
    squatter.email_confirmed_at = utcnow()  # once confirmed, the same form goes on to step 2
    db.session.commit()
    answer = trainer.submit(u("lms.certificates.issue"), {"email": "rosa@example.org", "course": course.slug})
    assert answer.status_code == 302


def test_a_reset_link_confirms_the_address(app, client, u, mailbox):
    user = _signup(client, u, mailbox)
    link = u("lms.accounts.reset", token=password_reset.make_reset_token(user, app.config["SECRET_KEY"]))
    app.test_client().submit(link, {"password": NEW, "confirm": NEW})
    db.session.refresh(user)
    assert user.is_email_confirmed
    _token, raw = api_tokens.create_api_token(user, "now allowed")
    assert raw


def test_accounts_made_otherwise_are_confirmed(make_user):
    assert make_user().is_email_confirmed  # register_user's default: administrators, the CLI, demo, invitations


def test_the_confirm_link_stops_working_once_the_address_changes(app, client, u, mailbox):
    user = _signup(client, u, mailbox)
    token = email_confirmation.CONFIRM_LINK.make(user, app.config["SECRET_KEY"])
    user.email = "other@example.org"
    db.session.commit()
    assert client.get(u("lms.accounts.confirm_address", token=token)).status_code == 400


def test_accepting_an_invitation_sent_to_the_address_confirms_it(app, client, u, make_user, make_org, login,
                                                                  mailbox):
    from tests.invitation_support import invitation_link, invite_to_staff

    newcomer = app.test_client()
    _signup(newcomer, u, mailbox)
    mailbox.clear()
    path = invitation_link(invite_to_staff(client, u, make_user, make_org, login, mailbox, email="rosa@example.org"))
    user = db.session.execute(select(User).where(User.email == "rosa@example.org")).scalar_one()
    assert not user.is_email_confirmed
    newcomer.submit(path, {"agree": "y"})
    db.session.refresh(user)
    assert user.is_email_confirmed


def test_an_attendance_report_does_not_match_an_unconfirmed_account(client, u, mailbox, make_user):
    from lms.live import report_import

    _signup(client, u, mailbox)
    make_user("lupe@example.org")
    assert set(report_import._users_by_email({"rosa@example.org", "lupe@example.org"})) == {"lupe@example.org"}
