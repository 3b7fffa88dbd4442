"""quiz attempts keep what was asked and how it was marked, so editing a quiz does not rewrite past results

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-11 00:00:00.000000
"""

from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A nullable column: SQLite adds it in place, without copying the table. Existing attempts stay NULL: what they
    # were asked was never kept, and today's questions (perhaps edited since) must not be passed off as it.
    op.add_column('lms_quiz_attempts', sa.Column('snapshot', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('lms_quiz_attempts', schema=None) as batch_op:
        batch_op.drop_column('snapshot')
