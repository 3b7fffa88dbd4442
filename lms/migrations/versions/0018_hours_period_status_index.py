"""hours entries: the pay-period index also holds the status, (org_id, paid_period_start, status)

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 00:00:00.000000
"""

from alembic import op


revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # "Does this pay period pay an approved entry?" (the timesheet page's unexported periods) becomes one step of this
    # index. Without the status in it, SQLite's planner answered from (org_id, status, activity_date) and read every
    # approved entry of the organisation once per period: 1 s for the timesheet of an organisation with 15,000 entries.
    # The old index is this one's prefix, so it goes: one index less to write on every entry. Plain CREATE / DROP
    # INDEX: SQLite does them in place (no batch copy of the table).
    op.create_index('ix_lms_hours_entries_org_paid_period_status', 'lms_hours_entries',
                    ['org_id', 'paid_period_start', 'status'], unique=False)
    op.drop_index('ix_lms_hours_entries_org_paid_period', table_name='lms_hours_entries')


def downgrade() -> None:
    op.create_index('ix_lms_hours_entries_org_paid_period', 'lms_hours_entries', ['org_id', 'paid_period_start'],
                    unique=False)
    op.drop_index('ix_lms_hours_entries_org_paid_period_status', table_name='lms_hours_entries')
