"""Links in an email open the page in the recipient's language, not the browser's: real messages through the test SMTP
server to a person whose language is Spanish, followed by a visitor who is not signed in and whose browser asks for
English. Links to files and the API, and links in messages written in the site's default language, stay as they were."""

from __future__ import annotations

import re

import pytest

from lms import db
from lms.notify.links import link_in_language, links_in_language
from tests.conftest import PASSWORD, body_of, html_text
from tests.invitation_support import invite_to_staff
from tests.test_hours_ledger import external, make_staff

ENGLISH_BROWSER = {"Accept-Language": "en-US,en;q=0.9"}


def _links(message, route: str) -> list[str]:
    return re.findall(rf"https?://lms\.test\S*/{route}\S*", body_of(message))


def _path(link: str) -> str:
    return link.split("lms.test", 1)[1]


def _visitor(app):
    """A browser nobody is signed in on, asking for English."""
    return app.test_client()


def _page(response) -> tuple[str, str]:
    page = response.get_data(as_text=True)
    return page, html_text(page)


def _assert_spanish(response, words: str) -> None:
    page, text = _page(response)
    assert response.status_code == 200, text
    assert '<html lang="es"' in page
    assert words in text


@pytest.mark.parametrize("app_mode", ["standalone", "mounted"])
def test_password_reset_link_opens_in_spanish_on_an_english_browser(app, client, u, make_user, mailbox):
    make_user("maria@example.org", name="María", locale="es")
    client.submit(u("lms.accounts.reset_request"), {"email": "maria@example.org"})
    [message] = mailbox
    [link] = _links(message, "reset/")
    assert link.endswith("?lang=es")
    visitor = _visitor(app)
    _assert_spanish(visitor.get(_path(link), headers=ENGLISH_BROWSER), "Nueva contraseña")
    # remembered: the next page, without ``?lang=``, is in Spanish too
    _assert_spanish(visitor.get(u("lms.accounts.login"), headers=ENGLISH_BROWSER), "Iniciar sesión")
    # and the link still works (the token is untouched): the password is changed
    path = _path(link)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', visitor.get(path).get_data(as_text=True)).group(1)
    done = visitor.post(path, data={"csrf_token": token, "password": "a brand new password",
                                    "confirm": "a brand new password"}, headers=ENGLISH_BROWSER)
    assert done.status_code == 302


def test_an_english_persons_reset_link_is_unchanged(client, u, make_user, mailbox):
    make_user("ann@example.org", locale="en")
    client.submit(u("lms.accounts.reset_request"), {"email": "ann@example.org"})
    [link] = _links(mailbox[0], "reset/")
    assert "lang=" not in link


def test_email_change_link_opens_in_spanish_on_an_english_browser(app, client, u, login, make_user, mailbox):
    maria = make_user("maria@example.org", name="María", locale="es")
    login(maria)
    client.submit(u("lms.accounts.request_email_change"), {"new_email": "maria@clinic.example.org",
                                                          "password": PASSWORD})
    [message] = mailbox
    [link] = _links(message, "profile/email/")
    visitor = _visitor(app)
    response = visitor.get(_path(link), headers=ENGLISH_BROWSER)
    _assert_spanish(response, "Confirme su nuevo correo electrónico")
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', response.get_data(as_text=True)).group(1)
    done = visitor.post(_path(link), data={"csrf_token": csrf}, headers=ENGLISH_BROWSER)
    assert done.status_code in (302, 303)
    db.session.refresh(maria)
    assert maria.email == "maria@clinic.example.org"


def test_invitation_spanish_part_links_in_spanish_english_part_unchanged(app, client, u, make_user, make_org, login,
                                                                         mailbox):
    message = invite_to_staff(client, u, make_user, make_org, login, mailbox, email="maria@example.org")
    links = _links(message, "orgs/invitations/")
    assert len(links) == 2
    plain = [link for link in links if "lang=" not in link]
    spanish = [link for link in links if link.endswith("?lang=es")]
    assert len(plain) == 1 and len(spanish) == 1
    assert _path(spanish[0]).split("?")[0] == _path(plain[0])  # the same token
    _assert_spanish(_visitor(app).get(_path(spanish[0]), headers=ENGLISH_BROWSER), "Invitación ·")


def test_a_notification_link_to_a_signed_in_page_asks_to_sign_in_in_spanish(app, client, u, login, make_user,
                                                                             make_org, add_member, mailbox):
    staff = make_staff(make_user, make_org, add_member)
    staff.trainee.locale = "es"
    db.session.commit()
    entry = external(staff.trainee, title="CPR refresher")
    login(staff.manager)
    client.post(u("lms.hours.reject", org_slug="acme", entry_id=entry.id),
                data={"csrf_token": client.csrf_token(), "reason": "No certificate"}, follow_redirects=True)
    [message] = mailbox
    [link] = _links(message, "hours/entries/")
    assert link.endswith(f"/hours/entries/{entry.id}?lang=es")
    visitor = _visitor(app)
    response = visitor.get(_path(link), headers=ENGLISH_BROWSER)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    _assert_spanish(visitor.get(response.headers["Location"], headers=ENGLISH_BROWSER), "Iniciar sesión")


@pytest.mark.parametrize(("endpoint", "values"), [
    ("lms.sessions.ics", {"session_id": 3}),
    ("lms.sessions.feed", {"token": "abc"}),
    ("lms.hours.my_transcript", {}),
    ("lms.hours.evidence", {"entry_id": 4}),
    ("lms.api.me", {}),
    ("lms.certificates.jwks", {}),
])
@pytest.mark.parametrize("app_mode", ["standalone", "mounted"])
def test_links_to_files_and_the_api_do_not_change(app, endpoint, values):
    with app.test_request_context():
        from lms.web.urls import external_url

        url = external_url(endpoint, **values)
        assert link_in_language(url, "es") == url
        page = external_url("lms.sessions.detail", session_id=3)  # beside them, a page's link does change
        assert link_in_language(page, "es") == page + "?lang=es"


def test_page_links_keep_their_query_and_anchor_and_other_sites_are_left_alone(app):
    with app.test_request_context():
        from lms.web.urls import external_url

        tokens = external_url("lms.accounts.tokens", replace=7, _anchor="new-token")
        assert link_in_language(tokens, "es") == tokens.replace("replace=7", "replace=7&lang=es")
        assert link_in_language(tokens + "", "es").endswith("&lang=es#new-token")
        already = external_url("lms.sessions.index", lang="en")
        assert link_in_language(already, "es").endswith("/sessions/?lang=es")
        for other in ("https://example.org/sessions/", "not a link", "http://lms.test/no-such-page"):
            assert link_in_language(other, "es") == other
        context = {"link": external_url("lms.main.home"), "items": [{"link": external_url("lms.hours.mine")}],
                   "name": "María"}
        assert links_in_language(context, "en") is context
        assert links_in_language(context, "xx") is context
        spanish = links_in_language(context, "es")
        assert spanish["items"][0]["link"].endswith("/hours/?lang=es") and spanish["name"] == "María"
