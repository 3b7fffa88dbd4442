"""quiz attempt grants

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07 09:30:00.000000
"""

from alembic import op
import sqlalchemy as sa

import lms.db


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A new table only: nothing existing is copied or altered, so no batch mode is needed on SQLite.
    op.create_table('lms_quiz_attempt_grants',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enrollment_id', sa.Integer(), nullable=False),
    sa.Column('quiz_id', sa.Integer(), nullable=False),
    sa.Column('extra', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('granted_by_id', sa.Integer(), nullable=True),
    sa.Column('granted_at', lms.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('extra >= 1', name=op.f('ck_lms_quiz_attempt_grants_extra_positive')),
    sa.ForeignKeyConstraint(['enrollment_id'], ['lms_enrollments.id'], name=op.f('fk_lms_quiz_attempt_grants_enrollment_id_lms_enrollments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['granted_by_id'], ['lms_users.id'], name=op.f('fk_lms_quiz_attempt_grants_granted_by_id_lms_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['quiz_id'], ['lms_quizzes.id'], name=op.f('fk_lms_quiz_attempt_grants_quiz_id_lms_quizzes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lms_quiz_attempt_grants'))
    )
    op.create_index('ix_lms_quiz_attempt_grants_enrollment_quiz', 'lms_quiz_attempt_grants', ['enrollment_id', 'quiz_id'], unique=False)
    op.create_index(op.f('ix_lms_quiz_attempt_grants_quiz_id'), 'lms_quiz_attempt_grants', ['quiz_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_lms_quiz_attempt_grants_quiz_id'), table_name='lms_quiz_attempt_grants')
    op.drop_index('ix_lms_quiz_attempt_grants_enrollment_quiz', table_name='lms_quiz_attempt_grants')
    op.drop_table('lms_quiz_attempt_grants')
