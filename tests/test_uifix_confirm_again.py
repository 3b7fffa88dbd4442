"""Opening a confirmation link again once the address is confirmed says so (not "Email address not confirmed"), with
a way on: "Sign in" for a visitor, "My training" for the person signed in. A link that no longer matches the address,
or a forged one, is still refused."""

from __future__ import annotations

from lms import db
from lms.accounts import email_confirmation, services
from tests.conftest import PASSWORD


def _unconfirmed(app):
    user = services.register_user("rosa@example.org", "Rosa", PASSWORD, email_confirmed=False)
    db.session.commit()
    return user, email_confirmation.CONFIRM_LINK.make(user, app.config["SECRET_KEY"])


def test_a_used_link_says_the_address_is_confirmed_and_offers_sign_in(app, client, u):
    user, token = _unconfirmed(app)
    path = u("lms.accounts.confirm_address", token=token)
    assert client.submit(path).status_code == 303
    assert user.is_email_confirmed
    again = app.test_client().get(path)
    page = again.get_data(as_text=True)
    assert again.status_code == 200
    assert "<title>Email address already confirmed" in page and "not confirmed" not in page
    assert "Your email address is already confirmed. Sign in to continue." in page
    assert f'href="{u("lms.accounts.login")}"' in page


def test_signed_in_it_links_to_my_training(app, client, u, login):
    user, token = _unconfirmed(app)
    email_confirmation.mark_email_confirmed(user)  # by a password reset, say
    db.session.commit()
    login(user)
    page = client.get(u("lms.accounts.confirm_address", token=token)).get_data(as_text=True)
    assert "Your email address is already confirmed." in page and "Go to My training" in page


def test_pressing_confirm_on_a_page_opened_before_it_was_used(app, client, u):
    _, token = _unconfirmed(app)
    path = u("lms.accounts.confirm_address", token=token)
    other = app.test_client()
    assert other.get(path).status_code == 200  # the question, opened in a second tab
    assert client.submit(path).status_code == 303
    late = other.submit(path)
    assert late.status_code == 200 and "already confirmed" in late.get_data(as_text=True)


def test_a_link_to_an_address_changed_since_is_still_refused(app, client, u):
    user, token = _unconfirmed(app)
    user.email = "other@example.org"
    email_confirmation.mark_email_confirmed(user)
    db.session.commit()
    refused = client.get(u("lms.accounts.confirm_address", token=token))
    assert refused.status_code == 400 and "Email address not confirmed" in refused.get_data(as_text=True)
    assert client.get(u("lms.accounts.confirm_address", token="nonsense")).status_code == 400
