"""Migration 0013: the audit log's filters by organisation and by who made the change read newest first through
``(org_id, id)`` and ``(actor_id, id)``, which replace the single-column indexes on ``org_id`` and ``actor_id``. Up and
down on a database of its own, rows kept, and the models still match the migrations afterwards
(``tests/test_migrations.py`` checks the same on the suite's database)."""

from __future__ import annotations

from sqlalchemy import inspect, select, text

from lms import audit, db
from lms.accounts import services as accounts
from lms.audit import AuditEvent
from tests.conftest import PASSWORD
from tests.migration_support import drift, migrate_to, private_app

NEW = {"ix_lms_audit_events_org_id_id": ["org_id", "id"], "ix_lms_audit_events_actor_id_id": ["actor_id", "id"]}
OLD = {"ix_lms_audit_events_org_id": ["org_id"], "ix_lms_audit_events_actor_id": ["actor_id"]}
KEPT = {"ix_lms_audit_events_object": ["object_type", "object_id"]}


def _indexes() -> dict[str, list[str]]:
    engine = db.session.get_bind()
    return {ix["name"]: ix["column_names"] for ix in inspect(engine).get_indexes("lms_audit_events")}


def test_upgrade_and_downgrade_swap_the_indexes_and_keep_the_rows(tmp_path):
    with private_app(tmp_path, "m0013"):
        migrate_to("0013")  # later migrations are tested on their own
        assert _indexes() == {**NEW, **KEPT}
        rosa = accounts.register_user("rosa@example.org", "Rosa", PASSWORD)
        audit.record("org.created", rosa, rosa, org_id=7)
        db.session.commit()
        rows = select(AuditEvent.org_id, AuditEvent.actor_id).where(AuditEvent.action == "org.created")
        kept = db.session.execute(rows).all()
        assert kept == [(7, rosa.id)]

        migrate_to("0012", down=True)
        assert _indexes() == {**OLD, **KEPT}
        assert db.session.execute(rows).all() == kept

        migrate_to("0013")
        assert _indexes() == {**NEW, **KEPT}
        assert db.session.execute(rows).all() == kept
        migrate_to()  # and the ones after it: then the models match
        assert drift() == []


def test_the_filters_read_the_new_indexes(app):
    """The query ``lms.audit.list_events`` runs for one organisation (or one actor): a page newest first, found
    through the index on the filter's column and the id. PostgreSQL is told to avoid table scans, which a table of a
    few rows would otherwise win; the plan still has to pick which index."""
    engine = db.session.get_bind()
    for column, index in ((AuditEvent.org_id, "ix_lms_audit_events_org_id_id"),
                          (AuditEvent.actor_id, "ix_lms_audit_events_actor_id_id")):
        query = select(AuditEvent).where(column == 1).order_by(AuditEvent.id.desc()).limit(51)
        sql = str(query.compile(engine, compile_kwargs={"literal_binds": True}))
        with engine.connect() as connection:
            if engine.dialect.name == "postgresql":
                connection.execute(text("SET enable_seqscan = off"))
                plan = " ".join(row[0] for row in connection.execute(text(f"EXPLAIN {sql}")))
            else:
                plan = " ".join(row[-1] for row in connection.execute(text(f"EXPLAIN QUERY PLAN {sql}")))
        assert index in plan, plan
        assert "TEMP B-TREE" not in plan and "Sort" not in plan, plan  # no sorting of every row of the filter
