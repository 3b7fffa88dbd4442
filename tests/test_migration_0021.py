"""Migration 0021: the table of pending sign-ups (a self sign-up waits there until its emailed link is opened);
down drops it with the sign-ups still pending; the models match the migrations."""

from __future__ import annotations

from sqlalchemy import inspect, select

from lms import db
from lms.accounts.models import PendingSignup
from lms.db import utcnow
from tests.migration_support import drift, migrate_to, private_app


def _tables() -> set[str]:
    return set(inspect(db.session.get_bind()).get_table_names())


def test_upgrade_adds_the_table_and_downgrade_drops_it(tmp_path):
    with private_app(tmp_path, "m0021"):
        migrate_to("0020")
        assert "lms_pending_signups" not in _tables()
        migrate_to("0021")
        assert "lms_pending_signups" in _tables()
        db.session.add(PendingSignup(email="new@example.org", name="New", password_hash="$argon2id$x", locale="es",
                                     token_hash="a" * 64, created_at=utcnow()))
        db.session.commit()
        assert db.session.execute(select(PendingSignup.email)).scalars().all() == ["new@example.org"]

        migrate_to("0020", down=True)
        assert "lms_pending_signups" not in _tables()
        migrate_to()
        assert "lms_pending_signups" in _tables()
        assert db.session.execute(select(PendingSignup)).scalars().all() == []
        assert drift() == []
