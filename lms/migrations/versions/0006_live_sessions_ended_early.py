"""live sessions ended early; check-in code index

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05 20:30:00.000000
"""

from alembic import op
import sqlalchemy as sa

import lms.db


revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A nullable column and an index: SQLite adds both in place, so no batch mode (which would copy the table).
    op.add_column("lms_live_sessions", sa.Column("ended_early_at", lms.db.UTCDateTime(timezone=True), nullable=True))
    op.create_index("ix_lms_live_sessions_checkin_code", "lms_live_sessions", ["checkin_code"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_lms_live_sessions_checkin_code", table_name="lms_live_sessions")
    op.drop_column("lms_live_sessions", "ended_early_at")
