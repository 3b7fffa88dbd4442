"""Expiry of personal API tokens: a lifetime chosen on creation (30, 90 or 365 days, or never); an expired token is
refused with 401 and ``WWW-Authenticate: Bearer error="invalid_token"``, a message saying it expired and when, and
``expired_at``; the tokens page shows the date in the person's time zone and "Expired" (docs/access-control.md)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from lms import db
from lms.accounts import api_tokens
from lms.accounts.models import ApiToken
from lms.db import utcnow
from lms.errors import DomainError


def _expire(token_id: int, at: datetime) -> None:
    db.session.get(ApiToken, token_id).expires_at = at
    db.session.commit()


def test_a_token_works_until_it_expires_then_the_401_says_it_expired(client, u, make_user):
    user = make_user("lupe@example.org")
    token, raw = api_tokens.create_api_token(user, "payroll", expires_in_days=30)
    db.session.commit()
    assert abs(token.expires_at - (utcnow() + timedelta(days=30))) < timedelta(minutes=1)
    headers = {"Authorization": f"Bearer {raw}"}
    assert client.get(u("lms.api.me"), headers=headers).status_code == 200

    _expire(token.id, datetime(2026, 3, 10, 17, 0, tzinfo=UTC))
    refused = client.get(u("lms.api.me"), headers=headers)
    assert refused.status_code == 401
    assert refused.headers["WWW-Authenticate"].startswith('Bearer error="invalid_token"')
    error = refused.json["error"]
    assert error["code"] == "unauthorized" and error["expired_at"] == "2026-03-10T17:00:00Z"
    assert "expired" in error["message"] and "2026-03-10T17:00:00Z" in error["message"]
    assert client.post(u("lms.api.me"), headers=headers).status_code in (401, 405)


def test_an_unknown_or_revoked_token_is_not_said_to_have_expired(client, u, make_user):
    user = make_user()
    token, raw = api_tokens.create_api_token(user, "old", expires_in_days=30)
    token.expires_at = utcnow() - timedelta(days=1)
    api_tokens.revoke_api_token(user, token.id)
    db.session.commit()
    for sent in (raw, "lms_nothing"):
        error = client.get(u("lms.api.me"), headers={"Authorization": f"Bearer {sent}"}).json["error"]
        assert "expired" not in error["message"] and "expired_at" not in error


def test_an_expired_token_is_ignored_where_the_answer_is_the_same_for_everyone(client, u, make_user):
    token, raw = api_tokens.create_api_token(make_user(), "phone", expires_in_days=90)
    token.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert client.get(u("lms.api.list_courses"), headers={"Authorization": f"Bearer {raw}"}).status_code == 200


def test_only_the_offered_lifetimes_are_taken(make_user):
    user = make_user()
    for days in (30, 90, 365, None):
        token, _raw = api_tokens.create_api_token(user, f"{days}", expires_in_days=days)
        assert (token.expires_at is None) == (days is None)
    for days in (0, 7, -30, 100_000):
        with pytest.raises(DomainError):
            api_tokens.create_api_token(user, "odd", expires_in_days=days)


def test_expired_tokens_are_not_counted_as_in_use(make_user):
    user = make_user()
    api_tokens.create_api_token(user, "live", expires_in_days=90)
    api_tokens.create_api_token(user, "forever")
    gone, _raw = api_tokens.create_api_token(user, "gone", expires_in_days=30)
    gone.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert api_tokens.count_active_api_tokens(user) == 2
    assert not gone.is_active and gone.is_expired


def test_the_tokens_page_shows_expiry_in_the_persons_zone_and_marks_expired_ones(client, u, make_user, login):
    user = make_user(timezone="Pacific/Kiritimati")  # UTC+14: the day changes
    later, _raw = api_tokens.create_api_token(user, "later", expires_in_days=365)
    later.expires_at = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)  # 2 January 2030, 02:00 there
    done, _raw = api_tokens.create_api_token(user, "done", expires_in_days=30)
    done.expires_at = utcnow() - timedelta(hours=1)
    api_tokens.create_api_token(user, "forever")
    db.session.commit()
    login(user)
    page = client.get(u("lms.accounts.tokens")).get_data(as_text=True)
    rows = {name: page.split(f"<td>{name}</td>", 1)[1].split("</tr>", 1)[0] for name in ("later", "done", "forever")}
    assert "Jan 2, 2030" in rows["later"] and "Revoke" in rows["later"]
    assert "Expired" in rows["done"] and "Revoke" not in rows["done"]
    assert rows["forever"].count("Never") == 2  # expires never, never used
