"""Disabling an account revokes its API tokens, each with its own ``api_token.revoked`` audit row (by the
administrator, marked ``account_disabled``), as a password reset does: the log of a token says when and why it
stopped working. Tokens revoked before keep their one row; enabling the account again revokes nothing."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from lms import db
from lms.accounts import api_tokens
from lms.accounts.models import ApiToken, SiteRole
from lms.audit import AuditEvent
from lms.db import utcnow
from tests.conftest import html_text


def _revoked_rows() -> list[AuditEvent]:
    return list(db.session.execute(select(AuditEvent).where(AuditEvent.action == "api_token.revoked")
                                   .order_by(AuditEvent.id)).scalars())


def test_each_token_revoked_by_disabling_has_its_row(client, u, login, make_user):
    admin = make_user("ada@example.org", name="Ada Admin", role=SiteRole.ADMIN)
    lupe = make_user("lupe@example.org", name="Lupe Sola")
    payroll, _raw = api_tokens.create_api_token(lupe, "Payroll sync")
    old, _raw = api_tokens.create_api_token(lupe, "Old script")
    old.expires_at = utcnow() - timedelta(days=1)  # expired: revoked all the same (as by a reset)
    gone, _raw = api_tokens.create_api_token(lupe, "Gone")
    api_tokens.revoke_api_token(lupe, gone.id)
    db.session.commit()
    assert [row.object_id for row in _revoked_rows()] == [gone.id]

    login(admin)
    sent = client.submit(u("lms.admin.update_user", user_id=lupe.id),
                         {"action": "disable", "confirm": "yes", "reason": "Left the clinic"})
    assert sent.status_code in (302, 303)
    rows = _revoked_rows()[1:]
    assert [(row.object_type, row.object_id, row.actor_id, row.data) for row in rows] == [
        ("ApiToken", token.id, admin.id, {"account_disabled": True}) for token in (payroll, old)]
    db.session.expire_all()
    assert all(token.revoked_at is not None for token in db.session.execute(select(ApiToken)).scalars())

    page = html_text(client.get(u("lms.admin.audit_log", action="api_token.revoked", lang="en")).get_data(as_text=True))
    assert "Because the account was disabled: Yes" in page and "Payroll sync" in page

    sent = client.submit(u("lms.admin.update_user", user_id=lupe.id), {"action": "enable", "confirm": "yes"})
    assert sent.status_code in (302, 303)
    assert len(_revoked_rows()) == 3
