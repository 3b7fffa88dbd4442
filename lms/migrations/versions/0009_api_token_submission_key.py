"""API tokens remember the one-time key of the form that created them

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 00:00:00.000000
"""

from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A nullable column and a unique index: SQLite adds both in place, without copying the table.
    op.add_column('lms_api_tokens', sa.Column('idempotency_key', sa.String(length=80), nullable=True))
    op.create_index(
        'uq_lms_api_tokens_user_id_idempotency_key', 'lms_api_tokens', ['user_id', 'idempotency_key'], unique=True
    )


def downgrade() -> None:
    op.drop_index('uq_lms_api_tokens_user_id_idempotency_key', table_name='lms_api_tokens')
    with op.batch_alter_table('lms_api_tokens', schema=None) as batch_op:
        batch_op.drop_column('idempotency_key')
