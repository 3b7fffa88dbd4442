"""users: when the email address was confirmed (email_confirmed_at); existing accounts count as confirmed

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 00:00:00.000000
"""

from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa

import lms.db


revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None

# The table as this migration reads it (a migration must not change when the models do later).
users = sa.table('lms_users', sa.column('email_confirmed_at', lms.db.UTCDateTime()))


def upgrade() -> None:
    # Nullable, no default: SQLite adds it in place. Accounts that exist were made by administrators, invitations or
    # the demo, or have been in use: they count as confirmed from now; only new self sign-ups start unconfirmed.
    op.add_column('lms_users', sa.Column('email_confirmed_at', lms.db.UTCDateTime(timezone=True), nullable=True))
    op.get_bind().execute(users.update().values(email_confirmed_at=datetime.now(UTC)))


def downgrade() -> None:
    # Unconfirmed accounts become like every other (as before 0019): the column goes.
    with op.batch_alter_table('lms_users', schema=None) as batch_op:
        batch_op.drop_column('email_confirmed_at')
