"""Migration 0019: users get ``email_confirmed_at``; every account that exists counts as confirmed (made by an
administrator, an invitation or the demo, or in use); down removes it; the models match the migrations."""

from __future__ import annotations

from sqlalchemy import bindparam, inspect, select, text

from lms import db
from lms.accounts.models import User
from lms.db import UTCDateTime, utcnow
from tests.migration_support import drift, migrate_to, private_app


def _columns() -> set[str]:
    return {column["name"] for column in inspect(db.session.get_bind()).get_columns("lms_users")}


def test_existing_accounts_become_confirmed_and_down_removes_the_column(tmp_path):
    with private_app(tmp_path, "m0019"):
        migrate_to("0018", later_columns=False)
        assert "email_confirmed_at" not in _columns()
        insert = text("INSERT INTO lms_users (email, name, role, is_active, created_at) "
                      "VALUES ('old@example.org', 'Old', 'trainee', :active, :at)").bindparams(
            bindparam("at", type_=UTCDateTime()))
        db.session.execute(insert, {"active": True, "at": utcnow()})
        db.session.commit()

        migrate_to("0019")
        assert "email_confirmed_at" in _columns()
        old = db.session.execute(select(User)).scalar_one()
        assert old.is_email_confirmed

        migrate_to("0018", down=True, later_columns=False)
        assert "email_confirmed_at" not in _columns()
        migrate_to()
        assert drift() == []
