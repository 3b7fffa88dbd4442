"""Warning before a personal API token expires: ``lms notify-expiring-tokens`` emails the owner once per token within
7 days of its expiry (in their language and zone, through the real SMTP test server; an audit row records it; two
overlapping runs send it once), API answers to such a token carry ``X-Token-Expires-At`` (documented in the OpenAPI
document) with the body unchanged, and the tokens page marks tokens expiring within 14 days and expired ones, with a
link that fills the form to create a replacement."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

from sqlalchemy import func, select

from lms import db
from lms.accounts import api_tokens, token_expiry
from lms.accounts.models import ApiToken, TokenScope
from lms.api.openapi import build_document
from lms.audit import AuditEvent
from lms.db import utcnow
from lms.live.times import instant_text
from tests.concurrency import claims_at_once
from tests.conftest import body_of

HEADER = "X-Token-Expires-At"


def _token(user, name: str, expires_in: timedelta | None, *, scope: TokenScope = TokenScope.READ) -> tuple[ApiToken, str]:
    """A token of ``user`` that expires ``expires_in`` from now (a past one when negative; None: never)."""
    token, raw = api_tokens.create_api_token(user, name, expires_in_days=None if expires_in is None else 30, scope=scope)
    token.expires_at = utcnow() + expires_in if expires_in is not None else None
    db.session.commit()
    return token, raw


def _run(runner):
    return runner.invoke(args=["lms", "notify-expiring-tokens"])


def _notices() -> list[AuditEvent]:
    return list(db.session.execute(select(AuditEvent).where(AuditEvent.action == token_expiry.NOTICE_SENT)).scalars())


# ---------------------------------------------------------------- the email


def test_each_expiring_token_is_warned_of_once_in_its_owners_language_and_zone(runner, make_user, mailbox):
    rosa = make_user("rosa@example.org", name="Rosa", locale="es", timezone="America/New_York")
    tom = make_user("tom@example.org", name="Tom", locale="en")
    payroll, _raw = _token(rosa, "nómina", timedelta(days=3))
    reports, _raw = _token(tom, "reports", timedelta(days=6, hours=23))
    _token(tom, "far", timedelta(days=8))
    _token(tom, "forever", None)
    _token(tom, "expired", timedelta(hours=-1))
    revoked, _raw = _token(tom, "revoked", timedelta(days=2))
    api_tokens.revoke_api_token(tom, revoked.id)
    gone = make_user("gone@example.org")
    _token(gone, "disabled owner", timedelta(days=2))
    gone.is_active = False
    db.session.commit()
    mailbox.clear()

    first = _run(runner)
    assert first.exit_code == 0, first.output
    assert "sent: 2" in first.output
    second = _run(runner)
    assert second.exit_code == 0 and "sent: 0" in second.output, second.output
    assert sorted(m["To"] for m in mailbox) == ["rosa@example.org", "tom@example.org"]  # once each, nobody else

    rosa_mail = next(m for m in mailbox if m["To"] == "rosa@example.org")
    body = body_of(rosa_mail)
    assert "nómina" in rosa_mail["Subject"]
    assert instant_text(payroll.expires_at, "America/New_York", "es_US") in body  # her zone, Spanish date and time
    assert f"http://lms.test/tokens?replace={payroll.id}&lang=es#new-token" in body  # opens in Spanish
    tom_body = body_of(next(m for m in mailbox if m["To"] == "tom@example.org"))
    assert instant_text(reports.expires_at, "America/Los_Angeles", "en") in tom_body  # the site's default zone
    assert "never been used" in tom_body
    notices = _notices()
    assert sorted(n.object_id for n in notices) == sorted([payroll.id, reports.id])
    assert all(n.object_type == "ApiToken" and n.actor_id is None for n in notices)


def test_a_mail_failure_is_retried_on_the_next_run(app, runner, make_user, mailbox):
    _token(make_user("lupe@example.org"), "payroll", timedelta(days=1))
    mailbox.clear()
    port = app.config["LMS_MAIL_PORT"]
    app.config["LMS_MAIL_PORT"] = 1  # nothing listens there
    failed = _run(runner)
    assert failed.exit_code != 0 and "could not be sent" in failed.output
    assert _notices() == []
    app.config["LMS_MAIL_PORT"] = port
    assert _run(runner).exit_code == 0
    assert [m["To"] for m in mailbox] == ["lupe@example.org"]
    assert _run(runner).exit_code == 0 and len(mailbox) == 1


def test_a_token_revoked_after_it_was_found_is_not_warned_of(app, make_user):
    user = make_user()
    token, _raw = _token(user, "payroll", timedelta(days=2))
    now = utcnow()
    assert token_expiry.find_due(now) == [token.id]
    api_tokens.revoke_api_token(user, token.id)
    db.session.commit()
    assert token_expiry.claim(token.id, now) is None
    db.session.rollback()
    assert _notices() == []


def test_two_overlapping_runs_claim_a_token_once(app, make_user):
    token, _raw = _token(make_user(), "payroll", timedelta(days=2))
    now = utcnow()
    token_id = token.id
    db.session.rollback()
    assert claims_at_once(app, lambda: token_expiry.claim(token_id, now) is not None, 4) == [False] * 3 + [True]
    assert db.session.execute(select(func.count(AuditEvent.id)).where(
        AuditEvent.action == token_expiry.NOTICE_SENT)).scalar_one() == 1


# ---------------------------------------------------------------- the header


def test_answers_to_a_token_in_its_last_week_say_when_it_expires(client, u, make_user, make_org, login):
    user = make_user("lupe@example.org")
    soon, soon_raw = _token(user, "soon", timedelta(days=6))
    _far, far_raw = _token(user, "far", timedelta(days=8))
    _never, never_raw = _token(user, "never", None)
    expected = soon.expires_at.strftime("%Y-%m-%dT%H:%M:%SZ")

    warned = client.get(u("lms.api.me"), headers={"Authorization": f"Bearer {soon_raw}"})
    assert warned.status_code == 200 and warned.headers[HEADER] == expected
    for raw in (far_raw, never_raw):
        plain = client.get(u("lms.api.me"), headers={"Authorization": f"Bearer {raw}"})
        assert plain.status_code == 200 and HEADER not in plain.headers
        assert plain.json == warned.json  # the body is the same
    # errors too (here: an organisation the person does not manage), but never an answer the same for everyone
    make_org("acme")
    refused = client.get(u("lms.api.org_members", org_slug="acme"), headers={"Authorization": f"Bearer {soon_raw}"})
    assert refused.status_code == 403 and refused.headers[HEADER] == expected
    public = client.get(u("lms.api.list_courses"), headers={"Authorization": f"Bearer {soon_raw}"})
    assert public.status_code == 200 and HEADER not in public.headers
    login(user)
    assert HEADER not in client.get(u("lms.api.me")).headers  # a browser session has no token to expire


def test_the_openapi_document_describes_the_header_where_a_token_is_read(app):
    document = build_document("https://lms.test/api/v1")
    assert document["components"]["headers"][HEADER]["schema"] == {"type": "string", "format": "date-time"}
    ref = {"$ref": f"#/components/headers/{HEADER}"}
    me = document["paths"]["/me"]["get"]["responses"]
    assert me["200"]["headers"][HEADER] == ref and me["401"]["headers"][HEADER] == ref
    public = [op for ops in document["paths"].values() for op in ops.values() if op.get("security") == []]
    assert public  # the course list, certificate verification...
    for op in public:
        assert all(HEADER not in response.get("headers", {}) for response in op["responses"].values())


# ---------------------------------------------------------------- the tokens page


def _rows(page: str, names: tuple[str, ...]) -> dict[str, str]:
    return {name: page.split(f"<td>{name}</td>", 1)[1].split("</tr>", 1)[0] for name in names}


def test_the_tokens_page_marks_expiring_and_expired_tokens_with_a_way_to_replace_them(client, u, make_user, login):
    user = make_user(timezone="America/New_York")
    soon, _raw = _token(user, "soon", timedelta(days=13), scope=TokenScope.WRITE)
    _token(user, "far", timedelta(days=15))
    expired, _raw = _token(user, "expired", timedelta(days=-1))
    revoked, _raw = _token(user, "revoked", timedelta(days=2))
    api_tokens.revoke_api_token(user, revoked.id)
    db.session.commit()
    login(user)
    page = client.get(u("lms.accounts.tokens")).get_data(as_text=True)
    rows = _rows(page, ("soon", "far", "expired", "revoked"))
    assert "Expires soon" in rows["soon"] and "Revoke" in rows["soon"]
    assert f'href="{u("lms.accounts.tokens", replace=soon.id)}#new-token"' in rows["soon"]
    assert "token-expired" in rows["expired"] and f"replace={expired.id}" in rows["expired"]
    for name in ("far", "revoked"):
        assert "Expires soon" not in rows[name] and "replace=" not in rows[name] and "token-expired" not in rows[name]
    assert 'id="tokens-expiring"' in page and "One of your tokens expires within 14 days." in page
    assert 'id="new-token"' in page
    assert "Eastern" in unescape(re.sub(r"<[^>]+>", " ", page))  # times are said to be in the person's zone


def test_the_replacement_link_fills_the_form_with_the_tokens_name_and_access(client, u, make_user, login):
    user = make_user()
    soon, _raw = _token(user, "payroll sync", timedelta(days=3), scope=TokenScope.WRITE)
    theirs, _raw = _token(make_user(), "someone else's", timedelta(days=3), scope=TokenScope.WRITE)
    login(user)
    page = client.get(u("lms.accounts.tokens", replace=soon.id)).get_data(as_text=True)
    assert 'value="payroll sync"' in page and re.search(r'<option selected value="write"|value="write" selected', page)
    for other in (theirs.id, "abc", 10**12, -1):
        response = client.get(u("lms.accounts.tokens", replace=other))
        assert response.status_code == 200
        text = response.get_data(as_text=True)
        assert "someone else" not in text and 'value="payroll sync"' not in text


def test_no_notice_without_tokens_expiring_soon(client, u, make_user, login):
    user = make_user()
    _token(user, "far", timedelta(days=60))
    login(user)
    page = client.get(u("lms.accounts.tokens")).get_data(as_text=True)
    assert 'id="tokens-expiring"' not in page and "Expires soon" not in page
