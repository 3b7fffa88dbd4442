"""Migration 0022: audit rows written about a "LocalProxy" (the profile page handed the signed-in user's proxy to the
audit log) are about the User of their id; rows of other types are left alone; down keeps them so; the models still
match the migrations."""

from __future__ import annotations

from datetime import timedelta

from flask import g
from sqlalchemy import bindparam, select, text

from lms import audit, db
from lms.accounts.languages import time_per_language
from lms.accounts.models import User
from lms.audit import AuditEvent
from lms.db import UTCDateTime, utcnow
from lms.security import current_user
from tests.migration_support import drift, migrate_to, private_app

INSERT = text("INSERT INTO lms_audit_events (at, action, object_type, object_id, data) "
              "VALUES (:at, :action, :type, :id, :data)").bindparams(bindparam("at", type_=UTCDateTime()))


def _types() -> list[tuple[str, str, int]]:
    return [tuple(row) for row in db.session.execute(
        select(AuditEvent.action, AuditEvent.object_type, AuditEvent.object_id).order_by(AuditEvent.id))]


def test_rows_about_a_proxy_become_rows_about_the_user_and_down_keeps_them(tmp_path):
    with private_app(tmp_path, "m0022"):
        migrate_to("0021")
        rosa = User(email="rosa@example.org", name="Rosa", locale="es")
        db.session.add(rosa)
        db.session.commit()
        ten_days_ago = utcnow() - timedelta(days=10)
        for action, kind, data in (
            ("user.language_changed", "LocalProxy", '{"locale": "es", "was": {"locale": "en"}}'),
            ("user.name_changed", "LocalProxy", '{"name": "Rosa", "was": {"name": "Rosa D"}}'),
            ("user.disabled", "User", "{}"),
            ("hours.approved", "HoursEntry", "{}"),
        ):
            db.session.execute(INSERT, {"at": ten_days_ago, "action": action, "type": kind, "id": rosa.id,
                                        "data": data})
        db.session.commit()
        stretch = (utcnow() - timedelta(days=20), utcnow())
        assert set(time_per_language(rosa, *stretch, "en")) == {"es"}  # the change is not seen: Spanish all along

        migrate_to("0022")
        expected = [("user.language_changed", "User", rosa.id), ("user.name_changed", "User", rosa.id),
                    ("user.disabled", "User", rosa.id), ("hours.approved", "HoursEntry", rosa.id)]
        assert _types() == expected
        spent = time_per_language(rosa, *stretch, "en")  # English for 10 days, then Spanish
        assert set(spent) == {"en", "es"} and abs(spent["en"] - 10 * 86400) < 60

        migrate_to("0021", down=True)
        assert _types() == expected
        migrate_to()
        assert drift() == []


def test_no_row_is_written_about_a_proxy_any_more(app, make_user):
    """What kept writing them: a proxy handed to :func:`lms.audit.record` (the row names the record behind it)."""
    rosa = make_user(name="Rosa")
    with app.test_request_context():
        g.lms_user = rosa
        event = audit.record("user.name_changed", current_user, current_user, name="Rosa")
        assert (event.object_type, event.object_id, event.actor_id) == ("User", rosa.id, rosa.id)
