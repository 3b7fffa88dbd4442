"""one certificate in force per trainee and course version: a revoked one no longer blocks a new one

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05 23:00:00.000000
"""

from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

COLUMNS = ['user_id', 'course_id', 'course_version']
IN_FORCE = sa.text('revoked_at IS NULL')


def upgrade() -> None:
    # SQLite cannot drop a table constraint in place: batch mode copies the table. `lms.migrate` runs migrations with
    # foreign keys off on SQLite (and checks them before committing), so dropping the old copy does not set the
    # verification log's certificate references to NULL.
    with op.batch_alter_table('lms_certificates', schema=None) as batch_op:
        batch_op.drop_constraint('uq_lms_certificates_user_id_course_id_course_version', type_='unique')
    op.create_index(
        'uq_lms_certificates_in_force', 'lms_certificates', COLUMNS, unique=True, sqlite_where=IN_FORCE, postgresql_where=IN_FORCE
    )


def downgrade() -> None:
    # Fails (as it should) if a trainee already holds a revoked and a new certificate for the same course version.
    op.drop_index('uq_lms_certificates_in_force', table_name='lms_certificates')
    with op.batch_alter_table('lms_certificates', schema=None) as batch_op:
        batch_op.create_unique_constraint('uq_lms_certificates_user_id_course_id_course_version', COLUMNS)
