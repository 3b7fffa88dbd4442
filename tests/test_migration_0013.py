"""Migration 0013: the audit log's filters by organisation and by who made the change read newest first through
``(org_id, id)`` and ``(actor_id, id)``, which replace the single-column indexes on ``org_id`` and ``actor_id``. Up and
down on a database of its own, rows kept, and the models still match the migrations afterwards
(``tests/test_migrations.py`` checks the same on the suite's database)."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, select, text

from lms import audit, create_app, db, migrate
from lms.accounts import services as accounts
from lms.audit import AuditEvent
from lms.db import metadata
from lms.migrate import VERSION_TABLE
from lms.migrations_support import include_name
from tests.conftest import PASSWORD, _config, _database_url, _private_database

NEW = {"ix_lms_audit_events_org_id_id": ["org_id", "id"], "ix_lms_audit_events_actor_id_id": ["actor_id", "id"]}
OLD = {"ix_lms_audit_events_org_id": ["org_id"], "ix_lms_audit_events_actor_id": ["actor_id"]}
KEPT = {"ix_lms_audit_events_object": ["object_type", "object_id"]}


def _indexes() -> dict[str, list[str]]:
    engine = db.session.get_bind()
    return {ix["name"]: ix["column_names"] for ix in inspect(engine).get_indexes("lms_audit_events")}


def _drift() -> list:
    with db.session.get_bind().connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": include_name, "version_table": VERSION_TABLE})
        return compare_metadata(context, metadata)


def test_upgrade_and_downgrade_swap_the_indexes_and_keep_the_rows(tmp_path):
    with _private_database(_database_url(tmp_path), suffix="m0013") as url:
        app = create_app(_config(url, tmp_path))
        with app.app_context():
            try:
                migrate.upgrade("0013")  # later migrations are tested on their own
                assert migrate.current() == "0013"
                assert _indexes() == {**NEW, **KEPT}
                rosa = accounts.register_user("rosa@example.org", "Rosa", PASSWORD)
                audit.record("org.created", rosa, rosa, org_id=7)
                db.session.commit()
                rows = select(AuditEvent.org_id, AuditEvent.actor_id).where(AuditEvent.action == "org.created")
                kept = db.session.execute(rows).all()
                assert kept == [(7, rosa.id)]
                db.session.close()  # no transaction of the test's may hold a lock a migration waits for (PostgreSQL)

                migrate.downgrade("0012")
                assert migrate.current() == "0012"
                assert _indexes() == {**OLD, **KEPT}
                assert db.session.execute(rows).all() == kept
                db.session.close()

                migrate.upgrade("0013")
                assert migrate.current() == "0013"
                assert _indexes() == {**NEW, **KEPT}
                assert db.session.execute(rows).all() == kept
                db.session.close()
                migrate.upgrade()  # and the ones after it: then the models match
                assert _drift() == []
            finally:
                db.session.remove()
                app.extensions["lms"].db.engine.dispose()


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
