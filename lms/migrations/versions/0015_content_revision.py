"""the content revision: one counter that every change to a course's content bumps, kept by triggers in the database

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 00:00:00.000000
"""

from alembic import op
import sqlalchemy as sa


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

#: Every table the cached course outline is built from (lms.catalog.outline_cache). A write to any of them, by any
#: path (the editors, translations, an import, archiving, publishing, raw SQL), bumps the counter in the same
#: transaction, so a reader sees the new revision exactly when it sees the new content.
CONTENT_TABLES = ('lms_courses', 'lms_modules', 'lms_lessons', 'lms_quizzes', 'lms_questions', 'lms_options',
                  'lms_texts')
BUMP = 'UPDATE lms_content_revision SET n = n + 1 WHERE id = 1'


def upgrade() -> None:
    # Not a model: the tests empty every modelled table after each test, and this row must outlive that.
    op.create_table('lms_content_revision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('n', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lms_content_revision'))
    )
    op.execute('INSERT INTO lms_content_revision (id, n) VALUES (1, 0)')
    if op.get_bind().dialect.name == 'postgresql':
        # Once per statement (an import writing a thousand texts bumps it once), TRUNCATE included. BEFORE the
        # statement: a transaction takes the counter's row lock before it locks any content row, so two transactions
        # writing content take turns from their first write instead of deadlocking over rows each wrote first.
        op.execute('CREATE FUNCTION lms_bump_content_revision() RETURNS trigger LANGUAGE plpgsql AS $$ '
                   f'BEGIN {BUMP}; RETURN NULL; END $$')
        for table in CONTENT_TABLES:
            op.execute(f'CREATE TRIGGER {table}_revision BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} '
                       'FOR EACH STATEMENT EXECUTE FUNCTION lms_bump_content_revision()')
    else:
        # SQLite has row triggers only (and no TRUNCATE: a DELETE without WHERE still fires them when triggers exist).
        for table in CONTENT_TABLES:
            for event in ('insert', 'update', 'delete'):
                op.execute(f'CREATE TRIGGER {table}_revision_{event} AFTER {event.upper()} ON {table} '
                           f'FOR EACH ROW BEGIN {BUMP}; END')


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        for table in CONTENT_TABLES:
            op.execute(f'DROP TRIGGER IF EXISTS {table}_revision ON {table}')
        op.execute('DROP FUNCTION IF EXISTS lms_bump_content_revision()')
    else:
        for table in CONTENT_TABLES:
            for event in ('insert', 'update', 'delete'):
                op.execute(f'DROP TRIGGER IF EXISTS {table}_revision_{event}')
    op.drop_table('lms_content_revision')
