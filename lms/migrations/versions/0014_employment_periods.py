"""earlier periods of employment: a rehired person's ended period is kept when they join the organisation again

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 00:00:00.000000
"""

from alembic import op
import sqlalchemy as sa

import lms.db


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A new table, empty: no earlier period was ever kept, so there is nothing to copy (a rejoin used to overwrite
    # the membership; the audit log still has what it overwrote). Memberships are not touched.
    op.create_table('lms_employment_periods',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('membership_id', sa.Integer(), nullable=False),
    sa.Column('employee_id', sa.String(length=64), nullable=True),
    sa.Column('job_title', sa.String(length=200), nullable=True),
    sa.Column('employment_type', sa.Enum('employee', 'contractor', 'volunteer', name='employmenttype', native_enum=False, length=32), nullable=False),
    sa.Column('employment_start', sa.Date(), nullable=True),
    sa.Column('employment_end', sa.Date(), nullable=False),
    sa.Column('ended_by_id', sa.Integer(), nullable=True),
    sa.Column('ended_at', lms.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', lms.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('employment_start IS NULL OR employment_start <= employment_end', name=op.f('ck_lms_employment_periods_start_not_after_end')),
    sa.ForeignKeyConstraint(['ended_by_id'], ['lms_users.id'], name=op.f('fk_lms_employment_periods_ended_by_id_lms_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['membership_id'], ['lms_memberships.id'], name=op.f('fk_lms_employment_periods_membership_id_lms_memberships'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lms_employment_periods'))
    )
    op.create_index(op.f('ix_lms_employment_periods_membership_id'), 'lms_employment_periods', ['membership_id'], unique=False)


def downgrade() -> None:
    # Dropping the table forgets earlier periods kept since: people rehired meanwhile keep their current period only.
    op.drop_index(op.f('ix_lms_employment_periods_membership_id'), table_name='lms_employment_periods')
    op.drop_table('lms_employment_periods')
