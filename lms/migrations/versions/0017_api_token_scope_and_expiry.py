"""API tokens have a scope (read or write) and may expire

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 00:00:00.000000
"""

from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa

import lms.db


revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

# The table as this migration reads it (a migration must not change when the models do later).
tokens = sa.table('lms_api_tokens', sa.column('scope', sa.String), sa.column('expires_at', lms.db.UTCDateTime()),
                  sa.column('revoked_at', lms.db.UTCDateTime()))


def upgrade() -> None:
    # Tokens made before keep what they had: everything their owner may do ('write'), and no expiry (NULL). Columns
    # with a server default or nullable: SQLite adds both in place, without copying the table.
    op.add_column('lms_api_tokens', sa.Column(
        'scope', sa.Enum('read', 'write', name='tokenscope', native_enum=False, length=16),
        nullable=False, server_default='write'))
    op.add_column('lms_api_tokens', sa.Column('expires_at', lms.db.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    # Without the columns every token could do everything and never expire: a read-only or expiring token would gain
    # rights it was never given. So those still in use are revoked (their owners make new ones after the downgrade);
    # tokens made before 0017 ('write', no expiry) keep working.
    bind = op.get_bind()
    bind.execute(tokens.update()
                 .where(tokens.c.revoked_at.is_(None), sa.or_(tokens.c.scope != 'write', tokens.c.expires_at.isnot(None)))
                 .values(revoked_at=datetime.now(UTC)))
    with op.batch_alter_table('lms_api_tokens', schema=None) as batch_op:
        batch_op.drop_column('expires_at')
        batch_op.drop_column('scope')
