"""the audit log's filters (organisation, who made the change) read newest first through (org_id, id) and (actor_id, id)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-12 00:00:00.000000
"""

from alembic import op


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain CREATE / DROP INDEX: SQLite does them in place (no batch copy of the table). The single-column indexes are
    # the new ones' leading columns, so they go: one index less to write on every audit row.
    op.create_index('ix_lms_audit_events_org_id_id', 'lms_audit_events', ['org_id', 'id'], unique=False)
    op.create_index('ix_lms_audit_events_actor_id_id', 'lms_audit_events', ['actor_id', 'id'], unique=False)
    op.drop_index('ix_lms_audit_events_org_id', table_name='lms_audit_events')
    op.drop_index('ix_lms_audit_events_actor_id', table_name='lms_audit_events')


def downgrade() -> None:
    op.create_index('ix_lms_audit_events_actor_id', 'lms_audit_events', ['actor_id'], unique=False)
    op.create_index('ix_lms_audit_events_org_id', 'lms_audit_events', ['org_id'], unique=False)
    op.drop_index('ix_lms_audit_events_actor_id_id', table_name='lms_audit_events')
    op.drop_index('ix_lms_audit_events_org_id_id', table_name='lms_audit_events')
