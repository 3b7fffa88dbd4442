"""Migration 0018: the hours entries' pay-period index becomes ``(org_id, paid_period_start, status)``, replacing
``(org_id, paid_period_start)``, so the timesheet page's "ended periods nobody exported" (``lms/hours/unexported.py``)
asks "does this period pay an approved entry?" in one index step. Before it, SQLite answered that from
``(org_id, status, activity_date)``, reading every approved entry of the organisation once per period."""

from __future__ import annotations

from datetime import date

from sqlalchemy import inspect

from lms import db
from lms.hours.unexported import _latest_unexported
from tests.migration_support import drift, migrate_to, private_app, query_plan

NEW = {"ix_lms_hours_entries_org_paid_period_status": ["org_id", "paid_period_start", "status"]}
OLD = {"ix_lms_hours_entries_org_paid_period": ["org_id", "paid_period_start"]}
KEPT = {"ix_lms_hours_entries_org_status_date": ["org_id", "status", "activity_date"],
        "ix_lms_hours_entries_user_date": ["user_id", "activity_date"], "ix_lms_hours_entries_corrects_id": ["corrects_id"]}


def _indexes() -> dict[str, list[str]]:
    engine = db.session.get_bind()
    found = inspect(engine).get_indexes("lms_hours_entries")  # PostgreSQL also lists its unique constraints' indexes
    return {ix["name"]: ix["column_names"] for ix in found if not ix["name"].startswith("uq_")}


def test_upgrade_and_downgrade_swap_the_indexes(tmp_path):
    with private_app(tmp_path, "m0018"):
        migrate_to("0018")
        assert _indexes() == {**NEW, **KEPT}
        migrate_to("0017", down=True)
        assert _indexes() == {**OLD, **KEPT}
        migrate_to("0018")
        assert _indexes() == {**NEW, **KEPT}
        migrate_to()
        assert drift() == []


def test_the_approved_entry_check_reads_the_pay_period_index(app):
    """The walk back through the pay periods asks, per period, whether it pays an approved entry: that look-up goes
    through the new index on all three columns, never through (org_id, status, activity_date), which would read every
    approved entry of the organisation. PostgreSQL is told to avoid table scans, which a table of a few rows wins."""
    plan = query_plan(_latest_unexported(1, date(2026, 12, 7)))
    assert "ix_lms_hours_entries_org_paid_period_status" in plan, plan
    assert "ix_lms_hours_entries_org_status_date" not in plan, plan
