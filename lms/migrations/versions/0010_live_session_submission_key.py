"""Live sessions remember the one-time key of the form that scheduled them

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-10 00:00:00.000000
"""

from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A nullable column and a unique index: SQLite adds both in place, without copying the table.
    op.add_column('lms_live_sessions', sa.Column('idempotency_key', sa.String(length=80), nullable=True))
    op.create_index(
        'uq_lms_live_sessions_created_by_id_idempotency_key', 'lms_live_sessions', ['created_by_id', 'idempotency_key'],
        unique=True,
    )


def downgrade() -> None:
    op.drop_index('uq_lms_live_sessions_created_by_id_idempotency_key', table_name='lms_live_sessions')
    with op.batch_alter_table('lms_live_sessions', schema=None) as batch_op:
        batch_op.drop_column('idempotency_key')
