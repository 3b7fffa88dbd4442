"""archived quizzes

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 10:12:41.318204
"""

from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Existing quizzes are live. The server default is a plain string ('0' reads as false on SQLite and PostgreSQL):
    # an SQL expression would make SQLite's batch mode copy the table, and dropping the old lms_quizzes with foreign
    # keys on would cascade to its questions and to trainees' quiz attempts.
    with op.batch_alter_table('lms_quizzes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_archived', sa.Boolean(), server_default='0', nullable=False))


def downgrade() -> None:
    # Not in batch mode, for the same reason: SQLite (3.35+) and PostgreSQL both drop a plain column in place.
    op.drop_column('lms_quizzes', 'is_archived')
