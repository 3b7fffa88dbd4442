"""Sessions: a cookie copied before sign-out is refused after it, on every page and API route that needs a user;
disabling a user (admin page) ends their browser sessions, API tokens and calendar link at once; a password change
signs out the other browsers."""

from __future__ import annotations

from flask import url_for
from sqlalchemy import select

from lms import db
from lms.accounts.models import ApiToken, LoginSession
from tests.conftest import PASSWORD
from tests.security.conftest import policy_of, rules, sign_in


def _path(app, endpoint: str) -> str:
    with app.test_request_context():
        return url_for(endpoint)


def _copy_browser(app, client):
    """Another browser holding a copy of ``client``'s cookies (a stolen or left-behind session)."""
    copy = app.test_client()
    for cookie in client._cookies.values():
        copy.set_cookie(cookie.key, cookie.value, domain=cookie.domain, path=cookie.path)
    return copy


def _signed_out(response, path: str) -> bool:
    """A page sends the browser to sign in; the API answers 401 in JSON."""
    if "/api/" in path:
        return response.status_code == 401 and bool(response.json["error"]["code"])
    return response.status_code == 302 and "/login?next=" in response.headers["Location"]


def _paths_needing_a_user(app, world) -> list[str]:
    return [world.url(app, endpoint) for endpoint, _method in rules("GET") if policy_of(app, endpoint).needs_user]


def test_a_cookie_copied_before_sign_out_is_refused_after_it(app, world):
    admin = sign_in(app, world.users["admin"])  # the admin can reach every page: each refusal below is the sign-out
    stolen = _copy_browser(app, admin)
    paths = _paths_needing_a_user(app, world)
    assert len(paths) > 30
    before = {path: stolen.get(path) for path in paths}
    assert [p for p, r in before.items() if _signed_out(r, p)] == [], "the copy worked before sign-out"
    old_token = admin.csrf_token()

    assert admin.submit(_path(app, "lms.accounts.logout")).status_code == 302

    still_in = [path for path in paths if not _signed_out(stolen.get(path), path)]
    assert still_in == [], "pages still served to a cookie from a signed-out browser"
    profile = _path(app, "lms.accounts.profile")
    response = stolen.post(profile, data={"name": "Hijacked", "csrf_token": old_token, "locale": "en",
                                          "timezone": "America/Los_Angeles"})
    assert _signed_out(response, profile)
    db.session.refresh(world.users["admin"])
    assert world.users["admin"].name == "Ada Admin"
    me = _path(app, "lms.api.me")
    assert _signed_out(stolen.get(me, headers={"X-CSRFToken": old_token}), me)


def test_signing_out_ends_that_session_only_and_for_good(app, world):
    profile = _path(app, "lms.accounts.profile")
    phone, laptop = sign_in(app, world.users["trainee"]), sign_in(app, world.users["trainee"])
    stolen = _copy_browser(app, phone)
    phone.submit(_path(app, "lms.accounts.logout"))
    assert _signed_out(stolen.get(profile), profile)
    assert laptop.get(profile).status_code == 200
    assert sign_in(app, world.users["trainee"]).get(profile).status_code == 200  # signing in again: a new session
    assert _signed_out(stolen.get(profile), profile)


def test_disabling_a_user_ends_their_sessions_and_api_tokens_at_once(app, world):
    olivia = world.users["trainee"]
    profile, me, hours = (_path(app, e) for e in ("lms.accounts.profile", "lms.api.me", "lms.api.submit_hours"))
    browser = sign_in(app, olivia)
    bearer = {"Authorization": f"Bearer {world.raw_token}"}
    assert browser.get(profile).status_code == 200
    assert app.test_client().get(me, headers=bearer).status_code == 200
    feed = world.url(app, "lms.sessions.feed")  # her secret calendar link
    assert app.test_client().get(feed).status_code == 200

    admin = sign_in(app, world.users["admin"])
    unconfirmed = admin.submit(world.url(app, "lms.admin.update_user"), {"action": "disable"})
    assert unconfirmed.status_code == 302 and "/disable" in unconfirmed.headers["Location"]  # the confirmation page
    assert browser.get(profile).status_code == 200  # nothing happened yet
    page = admin.get(unconfirmed.headers["Location"]).get_data(as_text=True)
    assert "revoked for good" in page and 'name="confirm" value="yes"' in page
    disable = {"action": "disable", "confirm": "yes", "reason": "Left"}
    assert admin.submit(world.url(app, "lms.admin.update_user"), disable).status_code == 302

    assert _signed_out(browser.get(profile), profile)
    assert _signed_out(browser.get(me), me)
    assert app.test_client().get(me, headers=bearer).status_code == 401
    assert app.test_client().get(feed).status_code == 404
    response = app.test_client().post(hours, headers={**bearer, "Idempotency-Key": "k"}, json={"title": "x"})
    assert response.status_code == 401
    assert app.test_client().submit(_path(app, "lms.accounts.login"),
                                    {"email": olivia.email, "password": PASSWORD}).status_code == 401
    db.session.expire_all()
    assert db.session.scalars(select(LoginSession).where(LoginSession.user_id == olivia.id,
                                                         LoginSession.revoked_at.is_(None))).all() == []
    assert db.session.scalars(select(ApiToken).where(ApiToken.user_id == olivia.id,
                                                     ApiToken.revoked_at.is_(None))).all() == []

    # Enabling the account again does not bring the old sessions or tokens back.
    assert admin.submit(world.url(app, "lms.admin.update_user"), {"action": "enable"}).status_code == 302
    assert _signed_out(browser.get(profile), profile)
    assert app.test_client().get(me, headers=bearer).status_code == 401
    assert sign_in(app, olivia).get(profile).status_code == 200


def test_a_password_change_signs_out_the_other_browsers(app, world):
    olivia = world.users["trainee"]
    profile = _path(app, "lms.accounts.profile")
    here, elsewhere = sign_in(app, olivia), sign_in(app, olivia)
    new = "a brand new passphrase"
    response = here.submit(_path(app, "lms.accounts.change_password"),
                           {"current_password": PASSWORD, "new_password": new, "confirm_password": new})
    assert response.status_code == 302
    assert here.get(profile).status_code == 200
    assert _signed_out(elsewhere.get(profile), profile)
