"""pending sign-ups: a self sign-up waits here until its emailed link is opened; the account is made then

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07 00:00:00.000000
"""

from alembic import op
import sqlalchemy as sa

import lms.db


revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A new table: nothing that exists changes. Unconfirmed accounts made by sign-ups before it keep working (they
    # confirm through /confirm-email/<token> as before).
    op.create_table('lms_pending_signups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('password_hash', sa.String(length=200), nullable=False),
    sa.Column('locale', sa.String(length=16), nullable=True),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', lms.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lms_pending_signups')),
    sa.UniqueConstraint('email', name=op.f('uq_lms_pending_signups_email')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_lms_pending_signups_token_hash'))
    )
    op.create_index(op.f('ix_lms_pending_signups_created_at'), 'lms_pending_signups', ['created_at'], unique=False)


def downgrade() -> None:
    # Sign-ups whose link was not opened yet go with the table: their links stop working, and signing up again
    # (which, before 0021, makes an unconfirmed account at once) works.
    op.drop_index(op.f('ix_lms_pending_signups_created_at'), table_name='lms_pending_signups')
    op.drop_table('lms_pending_signups')
