"""Migration 0017: API tokens get ``scope`` (existing ones: ``write``) and ``expires_at`` (existing ones: none, so they
keep working as before); down removes both after revoking the tokens that would otherwise gain rights (read-only or
expiring ones); up again adds them back; the models match the migrations."""

from __future__ import annotations

from sqlalchemy import bindparam, inspect, select, text

from lms import db
from lms.accounts import api_tokens
from lms.accounts import services as accounts
from lms.accounts.models import ApiToken, TokenScope
from lms.db import UTCDateTime, utcnow
from lms.security import hash_token
from tests.conftest import PASSWORD
from tests.migration_support import drift, migrate_to, private_app


def _columns() -> set[str]:
    return {column["name"] for column in inspect(db.session.get_bind()).get_columns("lms_api_tokens")}


def _revoked() -> dict[str, bool]:
    rows = db.session.execute(text("SELECT name, revoked_at FROM lms_api_tokens")).all()
    return {name: revoked_at is not None for name, revoked_at in rows}


def test_existing_tokens_become_read_and_write_without_expiry_and_downgrade_revokes_narrower_ones(tmp_path):
    with private_app(tmp_path, "m0017"):
        migrate_to("0016")
        user = accounts.register_user("payroll@example.org", "Payroll", PASSWORD)
        db.session.commit()
        insert = text("INSERT INTO lms_api_tokens (user_id, name, prefix, token_hash, created_at) "
                      "VALUES (:user_id, 'old script', 'lms_old', :hash, :at)").bindparams(
            bindparam("at", type_=UTCDateTime()))
        db.session.execute(insert, {"user_id": user.id, "hash": hash_token("lms_old-secret"), "at": utcnow()})
        db.session.commit()
        user_id = user.id

        migrate_to("0017")
        assert {"scope", "expires_at"} <= _columns()  # the models are compared at the newest revision, below
        old = db.session.execute(select(ApiToken)).scalar_one()
        assert old.scope is TokenScope.WRITE and old.expires_at is None and old.is_active
        assert api_tokens.user_for_api_token("lms_old-secret").id == user_id
        owner = old.user
        api_tokens.create_api_token(owner, "reader", scope=TokenScope.READ)
        api_tokens.create_api_token(owner, "expiring", expires_in_days=30)
        api_tokens.create_api_token(owner, "new full")
        db.session.commit()

        migrate_to("0016", down=True)
        assert not {"scope", "expires_at"} & _columns()
        assert _revoked() == {"old script": False, "reader": True, "expiring": True, "new full": False}

        migrate_to()
        assert drift() == []
        assert {t.name: t.scope for t in db.session.execute(select(ApiToken)).scalars()} == dict.fromkeys(
            ("old script", "reader", "expiring", "new full"), TokenScope.WRITE)
