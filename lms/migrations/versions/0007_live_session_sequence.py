"""live session sequence and last edit

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-08 10:00:00.000000
"""

from alembic import op
import sqlalchemy as sa

import lms.db


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain columns with a constant default: SQLite adds them in place, so no batch mode (which would copy the table).
    op.add_column('lms_live_sessions', sa.Column('sequence', sa.Integer(), server_default='0', nullable=False))
    op.add_column('lms_live_sessions', sa.Column('updated_at', lms.db.UTCDateTime(timezone=True), nullable=True))
    # Calendars were sent SEQUENCE:1 for cancelled sessions: keep that number, so no calendar sees it go backwards.
    op.execute("UPDATE lms_live_sessions SET sequence = 1 WHERE status = 'cancelled'")


def downgrade() -> None:
    op.drop_column('lms_live_sessions', 'updated_at')
    op.drop_column('lms_live_sessions', 'sequence')
