"""Migration 0020: the audit log gets an index on ``(action, id)``. The approval queue lists attendance statuses
corrected after approval (``lms/hours/status_changes.py``), found by their audit action on every queue page; without
the index PostgreSQL read the whole audit table for them (bench/RESULTS.md)."""

from __future__ import annotations

from sqlalchemy import inspect

from lms import db
from lms.hours.status_changes import changes_query
from tests.migration_support import drift, migrate_to, private_app, query_plan

NEW = {"ix_lms_audit_events_action_id": ["action", "id"]}
KEPT = {"ix_lms_audit_events_object": ["object_type", "object_id"], "ix_lms_audit_events_org_id_id": ["org_id", "id"],
        "ix_lms_audit_events_actor_id_id": ["actor_id", "id"]}


def _indexes() -> dict[str, list[str]]:
    found = inspect(db.session.get_bind()).get_indexes("lms_audit_events")
    return {ix["name"]: ix["column_names"] for ix in found if not ix["name"].startswith("uq_")}


def test_upgrade_and_downgrade_add_and_drop_the_index(tmp_path):
    with private_app(tmp_path, "m0020"):
        migrate_to("0020")
        assert _indexes() == {**NEW, **KEPT}
        migrate_to("0019", down=True)
        assert _indexes() == KEPT
        migrate_to("0020")
        assert _indexes() == {**NEW, **KEPT}
        migrate_to()
        assert drift() == []


def test_the_queue_finds_corrections_through_the_action_index(app):
    """The look-up starts from the corrections' audit rows, through the new index, not from a scan of the audit
    table. PostgreSQL is told to avoid table scans, which a table of a few rows wins."""
    plan = query_plan(changes_query(1))
    assert "ix_lms_audit_events_action_id" in plan, plan
