"""Nobody can lock a person out of signing in by typing wrong passwords for their email: the strict per-account limit
counts one client address's failures only, and a much looser limit over all addresses still stops guessing one
account's password from many."""

from __future__ import annotations

import pytest

from tests.conftest import PASSWORD

LIMITS = {"LMS_LOGIN_LIMIT_PER_ACCOUNT": "3 per 15 minutes", "LMS_LOGIN_LIMIT_PER_ACCOUNT_TOTAL": "7 per 15 minutes",
          "LMS_LOGIN_LIMIT_PER_CLIENT": "100 per 15 minutes"}


def _sign_in(app, u, email: str, password: str, address: str) -> int:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client.submit(u("lms.accounts.login"), {"email": email, "password": password}).status_code


@pytest.mark.parametrize("app_config", [LIMITS])
def test_wrong_passwords_from_elsewhere_do_not_lock_the_owner_out(app, u, make_user, app_config):
    user = make_user()
    codes = [_sign_in(app, u, user.email, "bad password", "203.0.113.9") for _ in range(4)]
    assert codes == [401, 401, 401, 429]  # the attacker's address is limited for this account
    assert _sign_in(app, u, user.email, PASSWORD, "198.51.100.7") == 302  # the owner, from their own address


@pytest.mark.parametrize("app_config", [LIMITS])
def test_guessing_one_account_from_many_addresses_is_limited(app, u, make_user, app_config):
    user = make_user()
    codes = [_sign_in(app, u, user.email, "bad password", f"203.0.113.{n}") for n in range(1, 9)]
    assert codes == [401] * 7 + [429]
    assert _sign_in(app, u, user.email, PASSWORD, "198.51.100.7") == 429
    other = make_user()  # another account is not affected
    assert _sign_in(app, u, other.email, PASSWORD, "203.0.113.1") == 302


def test_the_defaults_are_strict_per_address_and_much_looser_in_total(app):
    assert app.config["LMS_LOGIN_LIMIT_PER_ACCOUNT"] == "5 per 15 minutes"
    assert app.config["LMS_LOGIN_LIMIT_PER_ACCOUNT_TOTAL"] == "50 per 15 minutes"
