"""A form that emails a link, sent twice (a double tap, a reload of its POST), sends one email: the change of email
address says the link was already sent and when, and offers "Send the link again" only once the wait
(``LMS_EMAIL_RESEND_WAIT``) is over; a password reset answers as always and sends nothing more. Checked in the
service (two requests at the same moment) and through the real SMTP server; invitations were already sent once."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
from sqlalchemy import select

from lms import db
from lms.accounts import admin_actions, email_change, password_reset, sent_links
from lms.accounts import services as accounts
from lms.audit import AuditEvent
from lms.errors import ConflictError
from lms.orgs import invitations
from lms.orgs import services as orgs
from lms.web.audit_display import ACTION_TITLES
from tests.concurrency import finish, uncommitted_for_a_while
from tests.conftest import CSRF_RE, PASSWORD, SECRET, body_of

WAIT = 300  # the default LMS_EMAIL_RESEND_WAIT, in seconds


def _text(response) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))))


def _ask(client, u, new_email: str, password: str = PASSWORD):
    return client.submit(u("lms.accounts.request_email_change"), {"new_email": new_email, "password": password})


def _form_token(client, u) -> str:
    return CSRF_RE.search(client.get(u("lms.accounts.profile")).get_data(as_text=True)).group(1)


def _age_links(seconds: int) -> None:
    """Move every link sent so far ``seconds`` into the past (as if that long had gone by since)."""
    for event in db.session.execute(select(AuditEvent).where(AuditEvent.action.in_(
            (sent_links.EMAIL_CHANGE_SENT, sent_links.RESET_SENT)))).scalars():
        event.at -= timedelta(seconds=seconds)
    db.session.commit()


def _link_path(message) -> str:
    return re.search(r"https?://\S+/profile/email/\S+", body_of(message)).group(0).split("lms.test", 1)[1]


@pytest.fixture
def rosa(make_user):
    return make_user("rosa@example.org", name="Rosa Díaz")


def test_the_same_form_sent_twice_sends_one_link_and_says_when(client, u, login, rosa, mailbox):
    login(rosa)
    token = _form_token(client, u)
    form = {"csrf_token": token, "new_email": "rosa.new@example.org", "password": PASSWORD}
    first = client.post(u("lms.accounts.request_email_change"), data=form)
    second = client.post(u("lms.accounts.request_email_change"), data=form)  # the double tap
    assert first.status_code == 302 and second.status_code == 303
    assert [m["To"] for m in mailbox] == ["rosa.new@example.org"]

    page = _text(client.get(second.headers["Location"]))
    assert "we already sent a link to rosa.new@example.org. " in page
    assert "From " in page and " you can ask for another link." in page
    assert "we sent a link to confirm rosa.new@example.org. " in page  # the profile's own notice
    assert "Send the link again" not in page  # not before the wait is over
    rows = db.session.execute(select(AuditEvent).where(AuditEvent.action == sent_links.EMAIL_CHANGE_SENT)).scalars()
    assert [(e.actor_id, e.data) for e in rows] == [(rosa.id, {"email": "rosa.new@example.org"})]

    done = client.get(_link_path(mailbox[0]))  # the one link sent works
    assert done.status_code == 200 and "Use this email address" in _text(done)


def test_after_the_wait_the_link_can_be_sent_again_and_both_work(client, u, login, rosa, mailbox):
    login(rosa)
    _ask(client, u, "rosa.new@example.org")
    _age_links(WAIT - 5)
    assert "Send the link again" not in _text(client.get(u("lms.accounts.profile")))
    early = client.submit(u("lms.accounts.resend_email_change"))  # a page opened before, or a hand-made POST
    assert early.status_code == 303 and "we already sent a link" in _text(client.get(early.headers["Location"]))
    assert len(mailbox) == 1

    _age_links(10)
    profile = _text(client.get(u("lms.accounts.profile")))
    assert "Send the link again" in profile and "you can ask for another link" not in profile
    again = client.submit(u("lms.accounts.resend_email_change"))
    assert again.status_code == 303
    assert "We sent a link to rosa.new@example.org." in _text(client.get(again.headers["Location"]))
    assert [m["To"] for m in mailbox] == ["rosa.new@example.org"] * 2
    assert client.submit(u("lms.accounts.resend_email_change")).status_code == 303  # a double tap on that button
    assert len(mailbox) == 2
    # The form with the password, after the wait, is a "send again" too.
    _age_links(WAIT)
    assert _ask(client, u, "rosa.new@example.org").status_code == 302
    assert len(mailbox) == 3
    assert {client.get(_link_path(m)).status_code for m in mailbox} == {200}


def test_another_address_is_sent_at_once(client, u, login, rosa, mailbox):
    login(rosa)
    _ask(client, u, "rosa.typo@example.org")
    _ask(client, u, "rosa.new@example.org")  # she saw the typo
    assert [m["To"] for m in mailbox] == ["rosa.typo@example.org", "rosa.new@example.org"]
    assert "we sent a link to confirm rosa.new@example.org." in _text(client.get(u("lms.accounts.profile")))


def test_a_link_that_could_not_be_sent_is_not_counted(app, client, u, login, rosa, mailbox):
    login(rosa)
    port, app.config["LMS_MAIL_PORT"] = app.config["LMS_MAIL_PORT"], 1  # nothing listens there
    failed = _ask(client, u, "rosa.new@example.org")
    app.config["LMS_MAIL_PORT"] = port
    assert failed.status_code == 503 and "We could not send the email just now" in _text(failed)
    assert "we sent a link to confirm" not in _text(failed)
    assert _ask(client, u, "rosa.new@example.org").status_code == 302  # asking again sends at once
    assert [m["To"] for m in mailbox] == ["rosa.new@example.org"]


def test_a_changed_password_or_a_confirmed_change_ends_the_notice(client, u, login, rosa, mailbox):
    login(rosa)
    _ask(client, u, "rosa.new@example.org")
    client.submit(u("lms.accounts.change_password"), {"current_password": PASSWORD,
                                                      "new_password": "another long passphrase",
                                                      "confirm_password": "another long passphrase"})
    assert "we sent a link to confirm" not in _text(client.get(u("lms.accounts.profile")))
    nothing = client.submit(u("lms.accounts.resend_email_change"))
    assert "No new email address is waiting to be confirmed" in _text(client.get(nothing.headers["Location"]))
    _ask(client, u, "rosa.new@example.org", "another long passphrase")  # the old link died: a new one is sent
    assert len(mailbox) == 2
    path = _link_path(mailbox[1])
    client.post(path, data={"csrf_token": CSRF_RE.search(client.get(path).get_data(as_text=True)).group(1)})
    assert "we sent a link to confirm" not in _text(client.get(u("lms.accounts.profile")))


def test_two_requests_at_the_same_moment_send_one_link(app, client, u, login, rosa, mailbox):
    """The first holds the account's row (uncommitted, as while its email is on its way); the second waits for it,
    then finds the link sent."""
    login(rosa)

    def first_request():
        user = accounts.get_user(rosa.id)
        email_change.request_email_change(user, PASSWORD, "rosa.new@example.org", SECRET,
                                          wait=timedelta(seconds=WAIT))

    thread, errors = uncommitted_for_a_while(app, first_request)
    second = _ask(client, u, "rosa.new@example.org")
    finish(thread, errors)
    assert second.status_code == 303 and mailbox == []
    assert "we already sent a link to rosa.new@example.org" in _text(client.get(second.headers["Location"]))


def test_the_service_refuses_a_repeat_within_the_wait(app, rosa):
    wait = timedelta(seconds=WAIT)
    email_change.request_email_change(rosa, PASSWORD, "rosa.new@example.org", SECRET, wait=wait)
    with pytest.raises(email_change.AlreadySent) as refused:
        email_change.request_email_change(rosa, PASSWORD, " Rosa.New@example.org", SECRET, wait=wait)
    assert refused.value.link.email == "rosa.new@example.org"
    assert refused.value.link.resend_at - refused.value.link.sent_at == wait
    with pytest.raises(email_change.AlreadySent):
        email_change.resend_email_change(rosa, SECRET, wait=wait, max_age=timedelta(days=1))
    email_change.request_email_change(rosa, PASSWORD, "rosa.new@example.org", SECRET)  # no wait given: sends


def test_a_password_reset_asked_twice_sends_one_email_and_answers_the_same(client, u, make_user, mailbox):
    make_user("reset@example.org")
    first = client.submit(u("lms.accounts.reset_request"), {"email": "reset@example.org"})
    second = client.submit(u("lms.accounts.reset_request"), {"email": "Reset@example.org "})
    unknown = client.submit(u("lms.accounts.reset_request"), {"email": "nobody@example.org"})
    assert first.status_code == second.status_code == unknown.status_code == 200
    assert _text(first) == _text(second).replace("Reset@", "reset@") == _text(unknown).replace("nobody@", "reset@")
    assert "We send at most one such email every 5 minutes" in _text(first)
    assert [m["To"] for m in mailbox] == ["reset@example.org"]

    _age_links(WAIT)
    client.submit(u("lms.accounts.reset_request"), {"email": "reset@example.org"})
    assert [m["To"] for m in mailbox] == ["reset@example.org"] * 2
    events = db.session.execute(select(AuditEvent).where(AuditEvent.action == sent_links.RESET_SENT)).scalars()
    assert [e.actor_id for e in events] == [None, None]


def test_a_reset_that_could_not_be_sent_is_not_counted(app, client, u, make_user, mailbox):
    """With the mail server down the page is the one an address without an account gets (only an account's address
    is emailed, so a failure shown would tell: tests/test_reset_mail_down.py); nothing is recorded."""
    make_user("reset@example.org")
    port, app.config["LMS_MAIL_PORT"] = app.config["LMS_MAIL_PORT"], 1
    assert client.submit(u("lms.accounts.reset_request"), {"email": "reset@example.org"}).status_code == 200
    app.config["LMS_MAIL_PORT"] = port
    assert client.submit(u("lms.accounts.reset_request"), {"email": "reset@example.org"}).status_code == 200
    assert len(mailbox) == 1


def test_a_new_password_ends_the_reset_wait(app, client, u, make_user, mailbox):
    user = make_user("reset@example.org")
    client.submit(u("lms.accounts.reset_request"), {"email": "reset@example.org"})
    password_reset.set_password(user, "another long passphrase")
    db.session.commit()
    client.submit(u("lms.accounts.reset_request"), {"email": "reset@example.org"})  # forgot the new one at once
    assert len(mailbox) == 2


def test_a_disabled_account_gets_its_notice_once(client, u, make_user, mailbox):
    user = make_user("off@example.org")
    admin_actions.set_active(user, False, None)
    db.session.commit()
    for _ in range(2):
        client.submit(u("lms.accounts.reset_request"), {"email": "off@example.org"})
    assert [m["To"] for m in mailbox] == ["off@example.org"]


def test_the_audit_log_names_the_links_sent():
    assert str(ACTION_TITLES[sent_links.EMAIL_CHANGE_SENT]) == "Link sent to confirm a new email address"
    assert str(ACTION_TITLES[sent_links.RESET_SENT]) == "Password reset email sent"


def test_an_invitation_sent_again_twice_sends_one_email(app, client, u, make_user, make_org, login, mailbox):
    """Invitations needed no change: sending one again replaces it, so a second tap finds it no longer open."""
    manager = make_user("boss@example.org")
    org = make_org("acme", manager=manager)
    invitation, _raw = invitations.invite(org, "new@example.org", None, orgs.Employment(), manager, 14)
    db.session.commit()
    login(manager)
    url = u("lms.orgs.resend_invitation", org_slug="acme", invitation_id=invitation.id)
    token = client.csrf_token(u("lms.orgs.show", org_slug="acme"))
    for _ in range(2):
        client.post(url, data={"csrf_token": token})
    assert [m["To"] for m in mailbox] == ["new@example.org"]
    with pytest.raises(ConflictError):
        invitations.resend_invitation(org, invitation.id, manager, 14)
